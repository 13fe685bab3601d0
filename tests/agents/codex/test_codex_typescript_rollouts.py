"""Rollouts of the first, TypeScript Codex CLI (spring 2025): openai/codex
codex-cli/src/utils/storage/save-rollout.ts wrote `~/.codex/sessions/rollout-<YYYY-MM-DD>-<id>.json`,
one JSON document {"session": {timestamp, id, instructions, model, provider, lastResponseId},
"items": [response items]}, rewritten on every update. Items as the Responses API gives them:
message (input_text / output_text parts), reasoning (summary_text), function_call (name "shell",
arguments a JSON string of {"command": argv}), function_call_output (output a JSON string of
{"output", "metadata": {"exit_code", "duration_seconds"}})."""

from __future__ import annotations

import json
from pathlib import Path

from lessonloop.agents.codex.reader import paths
from lessonloop.capture.adapters import DiscoveryContext
from tests.agents.codex.test_codex_adapter import assert_counts_agree, rows
from tests.conftest import run_ingest

SID = "5f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
DOCUMENT = {
    "session": {
        "timestamp": "2025-04-20T09:15:00.000Z",
        "id": SID,
        "instructions": "",
        "model": "o4-mini",
        "provider": "openai",
        "lastResponseId": "resp_1",
    },
    "items": [
        {
            "id": "msg_1",
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": "run the tests"}],
        },
        {"id": "rs_1", "type": "reasoning", "summary": [{"type": "summary_text", "text": "I will run pytest."}]},
        {
            "id": "fc_1",
            "type": "function_call",
            "name": "shell",
            "call_id": "call_1",
            "arguments": json.dumps({"command": ["bash", "-lc", "pytest -q"]}),
        },
        {
            "type": "function_call_output",
            "call_id": "call_1",
            "output": json.dumps({"output": "1 failed", "metadata": {"exit_code": 1, "duration_seconds": 0.5}}),
        },
        {
            "id": "msg_2",
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "One test fails."}],
        },
    ],
}
NAME = f"rollout-2025-04-20-{SID}.json"


def test_a_typescript_cli_rollout_is_found_and_read(tmp_path: Path, db_path: Path) -> None:
    sessions = tmp_path / ".codex" / "sessions"
    sessions.mkdir(parents=True)
    (sessions / NAME).write_text(json.dumps(DOCUMENT, indent=2))
    (sessions / "rollout-notes.json").write_text("{}")  # not the CLI's name: not taken
    context = DiscoveryContext(environ={}, home=str(tmp_path))
    assert [(Path(f.path).name, f.format) for f in paths.discover(context)] == [(NAME, "codex-rollout-json")]
    summary = run_ingest(db_path, sessions / NAME)
    assert summary.problems == [] and summary.notices == []
    assert rows(db_path, "SELECT id, agent, started_at FROM sessions") == [(SID, "codex", "2025-04-20T09:15:00.000Z")]
    assert rows(db_path, "SELECT kind, text FROM messages ORDER BY seq") == [
        ("prompt", "run the tests"),
        ("reasoning", "I will run pytest."),
        ("assistant", "One test fails."),
    ]
    assert rows(db_path, "SELECT tool, kind, command, status, exit_code FROM tool_calls") == [
        ("shell", "shell", "pytest -q", "error", 1)
    ]
    assert_counts_agree(db_path, [sessions])


def test_a_broken_typescript_rollout_is_a_problem(tmp_path: Path, db_path: Path) -> None:
    bad = tmp_path / NAME
    bad.write_text('{"session": {"id": "x"}, "items": [')
    summary = run_ingest(db_path, bad)
    assert [p.code for p in summary.problems] == ["invalid-json"]
