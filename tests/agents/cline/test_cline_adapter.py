"""Cline CLI's sessions, as the real CLI (3.0.65) wrote one against the harness's model server
(tests/agents/cline/data/cline_3_0_65/home/.cline/data/sessions/<id>/: `git push` failing with exit 128, then
`git push --set-upstream origin feature` through its `run_commands` tool; the server,
OpenAI-compatible, reported input 1017/1034/1051, cached 64/128/0, output 23/26/29, and Cline's
inputTokens includes the cache reads).

Before its reader existed, a session's messages were read as a Gemini CLI chat: a session of 0
messages."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from lessonloop.agents.cline.reader import paths
from lessonloop.agents.cline.reader.parser import read_session
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from tests.agents.gemini.test_gemini_adapter import ingest, rows

HOME = Path(__file__).parent / "data" / "cline_3_0_65" / "home"
FOLDER = HOME / ".cline" / "data" / "sessions" / "1795873988985_xsgw9"
MESSAGES = FOLDER / "1795873988985_xsgw9.messages.json"


def test_ingest_with_no_path_reads_the_session_exactly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(HOME, home)
    db = tmp_path / "s.db"
    ingest(db, env={**os.environ, "HOME": str(home)})
    assert rows(db, "SELECT id, agent, cwd, git_branch, model, started_at, ended_at FROM sessions") == [
        (
            "1795873988985_xsgw9", "cline", "/tmp/agents64r1/cline/shop", "feature", "harness-model",
            "2026-11-28T13:53:08.992Z", "2026-11-28T13:53:10.029Z",
        )
    ]  # fmt: skip
    assert rows(db, "SELECT kind, text FROM messages ORDER BY seq") == [
        ("prompt", "push this branch"),  # unwrapped from <user_input mode="act">
        ("assistant", "Done: the branch is pushed."),
    ]
    calls = rows(db, "SELECT tool, kind, command, ok, status, exit_code, error_text FROM tool_calls ORDER BY seq")
    assert calls[0][:6] == ("run_commands", "shell", "git push", 0, "error", 128)
    assert calls[0][6].startswith("fatal: The current branch feature has no upstream branch.")
    assert calls[1][:5] == ("run_commands", "shell", "git push --set-upstream origin feature", 1, "ok")
    assert rows(db, "SELECT input_tokens, cache_read_tokens, output_tokens FROM token_usage ORDER BY ts") == [
        (1017, 64, 23),
        (1034, 128, 26),
        (1051, 0, 29),
    ]


def test_it_is_recognized_and_found_as_clines() -> None:
    assert sniff(str(MESSAGES), MESSAGES.read_bytes()[:65536]) == "cline-messages"
    summary = FOLDER / "1795873988985_xsgw9.json"
    assert sniff(str(summary), summary.read_bytes()[:65536]) == "cline-summary"
    assert [f.path for f in paths.discover(DiscoveryContext(environ={}, home=str(HOME)))] == [str(MESSAGES)]


def test_several_command_lines_in_one_call_are_a_call_each(tmp_path: Path) -> None:
    document = json.loads(MESSAGES.read_text())
    call = next(m for m in document["messages"] if m["role"] == "assistant")
    call["content"][0]["input"]["commands"] = ["npm ci", "git push"]
    result = next(m for m in document["messages"] if m["role"] == "user" and m["content"][0]["type"] == "tool_result")
    first = result["content"][0]["content"][0]
    result["content"][0]["content"] = [{"query": "npm ci", "result": "added 3 packages", "success": True}, first]
    changed = tmp_path / "s.messages.json"
    changed.write_text(json.dumps(document))
    batch = read_session(str(changed))
    two = [(c.id, c.command) for c in batch.tool_calls][:2]
    assert two == [("call_35d1fa64000001", "npm ci"), ("call_35d1fa64000001#1", "git push")]
    outcomes = [(r.tool_use_id, r.ok, r.exit_code) for r in batch.tool_results][:2]
    assert outcomes == [("call_35d1fa64000001", True, None), ("call_35d1fa64000001#1", False, 128)]


def test_without_its_summary_the_messages_are_read(tmp_path: Path) -> None:
    alone = tmp_path / MESSAGES.name
    shutil.copy(MESSAGES, alone)
    batch = read_session(str(alone))
    assert len(batch.tool_calls) == 2 and len(batch.usage) == 3 and batch.problems == []
    [session] = batch.sessions.values()
    assert session.model == "harness-model" and session.cwd is None
