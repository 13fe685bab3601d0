"""The GitHub Copilot CLI adapter (agents/copilot/reader/): events.jsonl -> sessions, prompts, tool calls
and their outcomes, tokens. The fixtures (tests/agents/copilot/data/copilot/) are real session files Copilot CLI
1.0.102 wrote against a scripted local model server (BYOK, offline), each system prompt shortened:

- push-events.jsonl: `git push` (exit 128), `git push --set-upstream origin feat`, "Done." (the
  run of /tmp/agentnotes/copilot.md §6, its usage figures from the server: input 1017/1034/1051,
  cached 64/128/0, output 23/26/29);
- hooks-events.jsonl: the same with every hook configured (hook.start / hook.end events, the
  prompt's transformedContent carrying a hook's context);
- tools-events.jsonl: view, view of a missing file, create, edit, edit whose text is not found,
  grep, glob, a failing and a succeeding `git push`;
- denied-events.jsonl: without --allow-all-tools, both shell calls denied;
- hook-deny-events.jsonl: the first call denied by a preToolUse hook, the second run.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.copilot.reader.adapter import ADAPTER
from lessonloop.agents.copilot.reader.parser import CopilotParser
from lessonloop.capture import agents, sniffer
from lessonloop.pipeline.ingest import discover, ingest
from lessonloop.store import open_store
from tests.conftest import cli, run_ingest

DATA = Path(__file__).parent / "data" / "copilot"
PUSH = DATA / "push-events.jsonl"
HOOKS = DATA / "hooks-events.jsonl"
TOOLS = DATA / "tools-events.jsonl"
DENIED = DATA / "denied-events.jsonl"
HOOK_DENY = DATA / "hook-deny-events.jsonl"
PUSH_SID = "ac60794b-c65a-4bc7-ace9-e534695ba857"
TOOLS_SID = "70974254-53d9-45fc-b3f4-96100bcf2015"


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def stats(db: Path) -> dict[str, Any]:
    result = cli("stats", "--db", db, "--json", "--agent", "copilot")
    assert result.exit_code == 0, result.stderr
    figures: dict[str, Any] = result.json()
    return figures


def ingested(tmp_path: Path, *files: Path) -> Path:
    db = tmp_path / "store.db"
    summary = run_ingest(db, *files)
    assert summary.files_read == len(files) and not summary.problems and not summary.notices
    return db


# --------------------------------------------------------------------------- registry, formats


def test_copilot_is_the_sixth_agent_read_and_qwen_code_the_seventh() -> None:
    # the agents read before it, then it and Qwen Code (the agents added later rank after them)
    assert [adapter.agent for adapter in agents.ADAPTERS][:7] == [
        "claude-code",
        "codex",
        "gemini",
        "aider",
        "opencode",
        "copilot",
        "qwen-code",
    ]
    assert agents.by_agent("copilot") is ADAPTER and agents.for_format("copilot-events") is ADAPTER
    assert ADAPTER.formats == {"copilot-events": "lines"}
    help_text = " ".join(cli("ingest", "--help").output.split())
    assert "Copilot CLI (${COPILOT_HOME:-~/.copilot}/session-state/*/events.jsonl)" in help_text


@pytest.mark.parametrize("path", [PUSH, HOOKS, TOOLS, DENIED, HOOK_DENY])
def test_every_real_file_is_sniffed_as_copilot_events(path: Path) -> None:
    assert sniffer.sniff(str(path), path.read_bytes()[: sniffer.HEAD_BYTES]) == "copilot-events"


def test_a_head_of_one_event_is_enough_and_other_shapes_are_not_copilot() -> None:
    start = json.loads(PUSH.read_text(encoding="utf-8").splitlines()[0])
    assert sniffer.sniff("any-name.jsonl", json.dumps(start).encode() + b"\n") == "copilot-events"
    # Without the envelope's parentId, or with a type that is no dotted event: not Copilot's.
    for other in (
        {key: value for key, value in start.items() if key != "parentId"},
        {**start, "type": "session"},
        {**start, "data": "text"},
    ):
        assert sniffer.sniff("x.jsonl", json.dumps(other).encode() + b"\n") != "copilot-events"


def test_a_given_events_file_is_recognized_by_content_under_any_name(tmp_path: Path) -> None:
    """`lessonloop ingest PATH`: the file is found as a *.jsonl, its content names the format."""
    folder = tmp_path / "given"
    folder.mkdir()
    shutil.copy(PUSH, folder / "whatever.jsonl")
    db = tmp_path / "store.db"
    summary = run_ingest(db, folder)
    assert summary.files_read == 1 and not summary.other_formats
    assert rows(db, "SELECT agent, format FROM source_files") == [("copilot", "copilot-events")]
    assert rows(db, "SELECT id, agent FROM sessions") == [(PUSH_SID, "copilot")]


# --------------------------------------------------------------------------- discovery


def _home_with_session(home: Path, source: Path, sid: str, base: Path | None = None) -> Path:
    folder = (base or home / ".copilot") / "session-state" / sid
    folder.mkdir(parents=True)
    (folder / "workspace.yaml").write_text(f"id: {sid}\n", encoding="utf-8")
    target = folder / "events.jsonl"
    shutil.copy(source, target)
    return target


def test_ingest_without_paths_finds_the_sessions_in_the_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = _home_with_session(home, PUSH, PUSH_SID)
    second = _home_with_session(home, TOOLS, TOOLS_SID)
    (home / ".copilot" / "session-state" / ".session-operation-locks").mkdir()
    (home / ".copilot" / "session-state" / "empty-folder").mkdir()
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    sources, summary = discover(None, env)
    assert [(s.path, s.agent, s.format) for s in sources] == [  # sorted by session folder
        (str(second), "copilot", "copilot-events"),
        (str(first), "copilot", "copilot-events"),
    ]
    assert str(home / ".copilot" / "session-state") in summary.searched
    db = tmp_path / "store.db"
    conn = open_store(db)
    try:
        done = ingest(conn, sources, summary)
        assert done.files_read == 2 and not done.problems and not done.notices
        again, summary = discover(None, env)
        assert ingest(conn, again, summary).files_unchanged == 2
    finally:
        conn.close()
    assert sorted(rows(db, "SELECT id FROM sessions")) == sorted([(PUSH_SID,), (TOOLS_SID,)])


def test_copilot_home_moves_the_sessions(tmp_path: Path) -> None:
    home = tmp_path / "home"
    moved = tmp_path / "elsewhere"
    events = _home_with_session(home, PUSH, PUSH_SID, base=moved)
    _home_with_session(home, TOOLS, TOOLS_SID)  # ~/.copilot: not looked at while COPILOT_HOME is set
    env = {"HOME": str(home), "COPILOT_HOME": str(moved), "PATH": "/usr/bin:/bin"}
    sources, summary = discover(None, env)
    assert [(s.path, s.agent) for s in sources] == [(str(events), "copilot")]
    assert str(moved / "session-state") in summary.searched


# --------------------------------------------------------------------------- exact figures


def test_the_push_session_exactly(tmp_path: Path) -> None:
    db = ingested(tmp_path, PUSH)
    assert rows(db, "SELECT id, agent, kind, model, cwd, git_branch, version, started_at, ended_at FROM sessions") == [
        (
            PUSH_SID,
            "copilot",
            "main",
            "gpt-4.1",
            "/tmp/agentwork-copilot/r20/work",
            "feat",
            "1.0.102",
            "2026-11-26T17:01:10.763Z",
            "2026-11-26T17:01:12.393Z",
        )
    ]
    # The prompt as typed (user.message content), not the transformedContent the model got.
    assert rows(db, "SELECT role, kind, text FROM messages WHERE kind != 'instructions' ORDER BY seq") == [
        ("user", "prompt", "Push the current branch to origin."),
        ("assistant", "assistant", "Done."),
    ]
    assert rows(db, "SELECT count(*) FROM messages WHERE kind = 'instructions' AND role = 'system'") == [(1,)]
    calls = rows(db, "SELECT id, tool, kind, command, ok, status, exit_code, cwd FROM tool_calls ORDER BY seq")
    assert calls == [
        ("call_7c6ccbef000001", "bash", "shell", "git push", 0, "error", 128, "/tmp/agentwork-copilot/r20/work"),
        (
            "call_7c6ccbef000002",
            "bash",
            "shell",
            "git push --set-upstream origin feat",
            1,
            "ok",
            0,
            "/tmp/agentwork-copilot/r20/work",
        ),
    ]
    error = rows(db, "SELECT error_text FROM tool_calls WHERE ok = 0")[0][0]
    assert error.startswith("fatal: The current branch feat has no upstream branch.")
    assert error.endswith("<shellId: 0 completed with exit code 128>")
    # One row per model call (apiCallId); input without the cached part; session.shutdown's totals
    # (3294 input with the cached 192) not added again.
    assert rows(
        db,
        "SELECT request_id, model, input_tokens, cache_read_tokens, cache_creation_tokens, output_tokens,"
        " reasoning_tokens FROM token_usage ORDER BY request_id",
    ) == [
        ("chatcmpl-7c6ccbef000001", "gpt-4.1", 1017, 64, 0, 23, 0),
        ("chatcmpl-7c6ccbef000002", "gpt-4.1", 1034, 128, 0, 26, 0),
        ("chatcmpl-7c6ccbef000003", "gpt-4.1", 1051, 0, 0, 29, 0),
    ]
    figures = stats(db)
    assert figures["sessions"] == 1 and figures["agents"]["copilot"]["prompts"] == 1
    assert (figures["tool_calls"], figures["tool_errors"]) == (2, 1)
    assert figures["tools"] == {"bash": {"calls": 2, "errors": 1}}
    tokens = figures["tokens"]["gpt-4.1"]
    assert (tokens["input"], tokens["cache_read"], tokens["cache_creation"], tokens["output"]) == (3102, 192, 0, 78)
    # Priced as the other agents' gpt-4.1 tokens: $2 / $0.50 / $8 per million.
    assert tokens["unpriced_calls"] == 0
    assert tokens["cost_usd"] == pytest.approx(3102 * 2e-6 + 192 * 0.5e-6 + 78 * 8e-6)


def test_the_tools_session_exactly(tmp_path: Path) -> None:
    db = ingested(tmp_path, TOOLS)
    work = "/tmp/cpad/repo/work"
    assert rows(
        db,
        "SELECT tool, kind, target_path, command, ok, status, exit_code, substr(error_text, 1, 30) FROM tool_calls"
        " ORDER BY seq",
    ) == [
        ("view", "read", f"{work}/README.md", None, 1, "ok", None, None),
        ("view", "read", "/tmp/cpad/nonexistent.txt", None, 0, "error", None, "Path does not exist"),
        ("create", "write", f"{work}/notes.txt", None, 1, "ok", None, None),
        ("edit", "edit", f"{work}/notes.txt", None, 1, "ok", None, None),
        ("edit", "edit", f"{work}/notes.txt", None, 0, "error", None, "No match found"),
        ("grep", "search", None, None, 1, "ok", None, None),
        ("glob", "search", None, None, 1, "ok", None, None),
        ("bash", "shell", None, "git push", 0, "error", 128, "fatal: The current branch feat"),
        ("bash", "shell", None, "git push --set-upstream origin feat", 1, "ok", 0, None),
    ]
    # The applied diffs, from the hunks Copilot shows for create and edit.
    assert rows(db, "SELECT tool, diff, lines_added, lines_removed FROM tool_calls WHERE diff IS NOT NULL") == [
        ("create", "@@ -1,0 +1,2 @@\n+first line\n+second line", 2, 0),
        ("edit", "@@ -1,3 +1,3 @@\n first line\n-second line\n+2nd line", 1, 1),
    ]
    assert json.loads(rows(db, "SELECT input_json FROM tool_calls WHERE tool = 'edit' LIMIT 1")[0][0]) == {
        "path": "notes.txt",
        "old_str": "second line",
        "new_str": "2nd line",
    }
    figures = stats(db)
    assert figures["agents"]["copilot"]["prompts"] == 1
    assert (figures["tool_calls"], figures["tool_errors"]) == (9, 3)
    assert figures["tools"] == {
        "bash": {"calls": 2, "errors": 1},
        "edit": {"calls": 2, "errors": 1},
        "view": {"calls": 2, "errors": 1},
        "create": {"calls": 1, "errors": 0},
        "glob": {"calls": 1, "errors": 0},
        "grep": {"calls": 1, "errors": 0},
    }
    tokens = figures["tokens"]["gpt-4.1"]
    # Ten model calls: inputTokens 1001..1010, cacheReadTokens 501..510, outputTokens 21..30.
    assert (tokens["input"], tokens["cache_read"], tokens["cache_creation"], tokens["output"]) == (5000, 5055, 0, 255)
    assert rows(db, "SELECT count(*) FROM token_usage") == [(10,)]


def test_hook_events_are_skipped_and_the_prompt_is_what_was_typed(tmp_path: Path) -> None:
    db = ingested(tmp_path, HOOKS)
    assert rows(db, "SELECT kind, text FROM messages WHERE role = 'user'") == [
        ("prompt", "Push the current branch to origin.")
    ]
    assert "CTX_userPromptSubmitted_MARK" not in str(rows(db, "SELECT text FROM messages"))
    assert rows(db, "SELECT tool, status, exit_code FROM tool_calls ORDER BY seq") == [
        ("bash", "error", 128),
        ("bash", "ok", 0),
    ]
    figures = stats(db)
    assert (figures["tool_calls"], figures["tool_errors"]) == (2, 1)
    tokens = figures["tokens"]["gpt-4.1"]
    assert (tokens["input"], tokens["cache_read"], tokens["output"]) == (1500, 1506, 66)


def test_denied_calls_are_refused_not_run(tmp_path: Path) -> None:
    db = ingested(tmp_path, DENIED, HOOK_DENY)
    assert rows(db, "SELECT tool, ok, status, exit_code, substr(error_text, 1, 40) FROM tool_calls ORDER BY ts") == [
        ("bash", 0, "error", None, "Denied by preToolUse hook: LESSON_DENY_R"),  # a hook's stop: class STOPPED
        ("bash", 1, "ok", 0, None),
        ("bash", 0, "rejected", None, "Permission denied because no interactive"),
        ("bash", 0, "rejected", None, "Permission denied because no interactive"),
    ]
    figures = stats(db)
    assert figures["sessions"] == 2 and figures["agents"]["copilot"]["prompts"] == 2
    assert (figures["tool_calls"], figures["tool_errors"]) == (4, 3)


# --------------------------------------------------------------------------- the parser alone


def _events(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _parse(events: list[dict[str, Any]], path: str = "/x/session-state/s/events.jsonl") -> CopilotParser:
    parser = CopilotParser(path, project_of=lambda cwd: cwd)
    parser.parse([json.dumps(event).encode() for event in events], 1)
    return parser


def test_a_shell_failure_is_read_from_the_status_line_when_no_exit_code_field() -> None:
    """Older or other shells' results carry no shellExecution: the `<shellId: N completed with
    exit code K>` line says the outcome, even with a hook's guidance appended after it."""
    events = _events(HOOKS)
    for event in events:
        if event["type"] == "tool.execution_complete":
            event["data"].pop("shellExecution", None)
    parser = CopilotParser("/x/events.jsonl", project_of=lambda cwd: cwd)
    batch = parser.parse([json.dumps(event).encode() for event in events], 1)
    assert [(r.status, r.exit_code) for r in batch.tool_results] == [("error", 128), ("ok", 0)]
    assert "Additional guidance from postToolUse hooks" in (batch.tool_results[0].error_text or "")


def test_a_usage_record_repeated_is_counted_once() -> None:
    events = _events(PUSH)
    usage = next(event for event in events if event["type"] == "session.usage_record")
    parser = CopilotParser("/x/events.jsonl", project_of=lambda cwd: cwd)
    batch = parser.parse([json.dumps(event).encode() for event in [*events, usage]], 1)
    assert len(batch.usage) == 3
    assert sum(u.input_tokens for u in batch.usage.values()) == 3102


def test_a_call_named_by_its_message_and_its_start_event_is_one_call() -> None:
    parser = CopilotParser("/x/events.jsonl", project_of=lambda cwd: cwd)
    batch = parser.parse([line.encode() for line in TOOLS.read_text(encoding="utf-8").splitlines()], 1)
    assert len(batch.tool_calls) == 9 == len({call.id for call in batch.tool_calls})
    # A start event alone (no toolRequests in the message) still makes the call.
    events = [event for event in _events(PUSH) if event["type"] != "assistant.message"]
    parser = CopilotParser("/x/events.jsonl", project_of=lambda cwd: cwd)
    batch = parser.parse([json.dumps(event).encode() for event in events], 1)
    assert [(call.tool, call.command) for call in batch.tool_calls] == [
        ("bash", "git push"),
        ("bash", "git push --set-upstream origin feat"),
    ]


def test_injected_user_messages_are_no_prompts() -> None:
    start = _events(PUSH)[0]
    user = {"type": "user.message", "id": "u", "timestamp": "2026-11-26T17:01:11.209Z", "parentId": None}
    parser = CopilotParser("/x/events.jsonl", project_of=lambda cwd: cwd)
    batch = parser.parse(
        [
            json.dumps(start).encode(),
            json.dumps({**user, "data": {"content": "typed"}}).encode(),
            json.dumps({**user, "data": {"content": "skill body", "source": "skill-pdf"}}).encode(),
            json.dumps({**user, "data": {"content": "do the task", "source": "agent-123"}}).encode(),
            json.dumps({**user, "data": {"content": "continue", "isAutopilotContinuation": True}}).encode(),
        ],
        1,
    )
    assert [(m.kind, m.text) for m in batch.messages] == [
        ("prompt", "typed"),
        ("instructions", "skill body"),
        ("task_prompt", "do the task"),
        ("instructions", "continue"),
    ]


def test_an_abort_interrupts_the_calls_still_waiting() -> None:
    events = _events(PUSH)
    cut = next(i for i, event in enumerate(events) if event["type"] == "tool.execution_complete")
    abort = {"type": "abort", "data": {"reason": "user_initiated"}, "id": "a", "timestamp": "2026-11-26T17:01:12Z"}
    parser = CopilotParser("/x/events.jsonl", project_of=lambda cwd: cwd)
    batch = parser.parse([json.dumps(event).encode() for event in [*events[:cut], {**abort, "parentId": None}]], 1)
    assert [(r.tool_use_id, r.status) for r in batch.tool_results] == [("call_7c6ccbef000001", "interrupted")]
    assert [(m.kind, m.text) for m in batch.messages if m.role == "user"][-1] == (
        "interrupt",
        "turn aborted (user_initiated)",
    )
