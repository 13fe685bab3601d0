"""Gemini CLI's hooks end to end (docs/agents/gemini.md): the entry point run as Gemini CLI runs an
installed hook (`--agent=gemini EVENT`), its payloads (tests/agents/gemini/data/hook_payloads/, shaped by
packages/core/src/hooks/types.ts and hookEventHandler.ts), a real store and git repository. Gemini
CLI reads stdout as JSON with exit code 0: `hookSpecificOutput.additionalContext` of SessionStart,
BeforeAgent and AfterTool reaches the model, and so does the `reason` of a BeforeTool deny."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.gemini import hooks as gemini
from tests.agent_hooks import AgentSession, run_agent_hook
from tests.agents.codex.test_hooks_codex import _certain_lesson
from tests.hook_helpers import hook_env

FIXED = "Output: branch 'feature-x' set up to track 'origin/feature-x'."
# The fields Gemini CLI reads of each event's answer (types.ts: the common fields and the event's
# hookSpecificOutput); anything else is ignored by it, so an answer outside these would be lost.
COMMON = {"continue", "stopReason", "suppressOutput", "systemMessage", "decision", "reason", "hookSpecificOutput"}
SPECIFIC = {
    "SessionStart": {"hookEventName", "additionalContext"},
    "BeforeAgent": {"hookEventName", "additionalContext"},
    "BeforeTool": {"hookEventName", "tool_input"},
    "AfterTool": {"hookEventName", "additionalContext", "tool_output"},
}


def read(event: str, stdout: str) -> dict[str, Any] | None:
    """What Gemini CLI reads of a hook's stdout (only JSON, only its fields)."""
    if not stdout.strip():
        return None
    answer: dict[str, Any] = json.loads(stdout)
    assert set(answer) <= COMMON, answer
    inner = answer.get("hookSpecificOutput")
    if inner is not None:
        assert set(inner) <= SPECIFIC[event] and inner["hookEventName"] == event, answer
    assert answer.get("decision") in (None, "deny", "ask"), answer
    return answer


def _learn_push(session: AgentSession, noted: bool = False) -> None:
    """The recorded push failing (no upstream, exit code 128), then the push with the upstream set;
    `noted`: the lesson failed in one session of the project and names its remedy: the push is
    stopped once first (Gemini's deny, whose reason the model reads), then sent again unchanged: it
    runs, nothing said (issue 80)."""
    if noted:
        stopped = read("BeforeTool", session.run("BeforeTool").stdout)
        assert stopped is not None and stopped.get("decision") == "deny"
        assert "failed in 1 of 1 sessions" in stopped["reason"]
    before = session.run("BeforeTool")
    assert (before.returncode, before.stdout) == (0, ""), before.stderr
    run = session.run("AfterTool")
    assert (run.returncode, run.stdout) == (0, ""), run.stderr
    fixed = {"tool_input": {"command": "git push --set-upstream origin feature-x", "description": "Push it."}}
    assert session.run("BeforeTool", **fixed).stdout == ""
    done = session.run("AfterTool", **fixed, tool_response={"llmContent": FIXED, "returnDisplay": FIXED})
    assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.slow
def test_a_push_lesson_learned_through_gemini_hooks_in_two_sessions_reaches_the_model_in_the_next(
    repo: Path, tmp_path: Path
) -> None:
    """Learned in the turn, a candidate after one failing session (a note at most), active after
    the second; the next session's model reads it at its start, the person sees the warning before
    the call and the model reads it with the result, when the hooks warn only (`--warn-only`); by
    default another session's push is stopped once (a deny, the lesson as the reason)."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    first = AgentSession("gemini", repo, env)
    assert first.run("SessionStart").stdout == ""
    _learn_push(first)
    with sqlite3.connect(db) as conn:
        calls = conn.execute("SELECT tool, ok, error_class, command FROM live_calls ORDER BY seq").fetchall()
        lessons = conn.execute("SELECT title, tier FROM lessons").fetchall()
    assert calls == [
        ("Bash", 0, "MISSING_PREREQUISITE", "git push"),  # Exit Code: 128, classified
        ("Bash", 1, None, "git push --set-upstream origin feature-x"),
    ]
    assert len(lessons) == 1 and "git push" in lessons[0][0], lessons
    title, tier = lessons[0]
    assert tier == "candidate"  # one failing session
    for event in ("AfterAgent", "SessionEnd"):
        assert read(event, first.run(event).stdout) is None

    again = AgentSession("gemini", repo, env)
    assert again.run("SessionStart").stdout == ""  # a candidate is in no session's start
    _learn_push(again, noted=True)  # a one-off's note before its push
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT title, tier, failed_sessions FROM lessons").fetchall() == [(title, "active", 2)]
    for event in ("AfterAgent", "SessionEnd"):
        assert read(event, again.run(event).stdout) is None

    second = AgentSession("gemini", repo, env)
    started = read("SessionStart", second.run("SessionStart", "--warn-only").stdout)
    assert started is not None and title in started["hookSpecificOutput"]["additionalContext"]
    prompt = second.run("BeforeAgent", "--warn-only", prompt="why does git push fail without an upstream branch")
    assert prompt.returncode == 0
    read("BeforeAgent", prompt.stdout)
    before = read("BeforeTool", second.run("BeforeTool", "--warn-only").stdout)
    assert before is not None and title in before["systemMessage"] and "decision" not in before
    after = read("AfterTool", second.run("AfterTool", "--warn-only").stdout)
    assert after is not None
    given = after["hookSpecificOutput"]["additionalContext"]  # appended to the tool's result
    assert title in given and "--set-upstream" in given

    third = AgentSession("gemini", repo, env)
    stopped = read("BeforeTool", third.run("BeforeTool").stdout)
    assert stopped is not None and stopped["decision"] == "deny" and title in stopped["reason"]
    assert not (db.parent / "hook-failures.log").exists()


@pytest.mark.slow
def test_block_is_a_deny_the_model_reads_and_ask_asks_the_person(repo: Path, tmp_path: Path) -> None:
    own = tmp_path / "own" / "lessonloop.db"
    _certain_lesson(own, repo, "learned")
    session = AgentSession("gemini", repo, hook_env(own))
    denied = read("BeforeTool", session.run("BeforeTool", "--block").stdout)
    assert denied is not None and denied["decision"] == "deny" and "git push -u origin" in denied["reason"]
    team = tmp_path / "team" / "lessonloop.db"
    _certain_lesson(team, repo, "team")
    session = AgentSession("gemini", repo, hook_env(team))
    warned = read("BeforeTool", session.run("BeforeTool", "--block").stdout)
    assert warned is not None and "decision" not in warned  # a teammate's lesson never denies
    asked = read("BeforeTool", session.run("BeforeTool", "--ask").stdout)
    assert asked is not None and asked["decision"] == "ask" and "git push -u origin" in asked["systemMessage"]
    after = read("AfterTool", session.run("AfterTool").stdout)
    assert after is not None and "git push -u origin" in after["hookSpecificOutput"]["additionalContext"]


@pytest.mark.slow
def test_file_tools_are_captured_as_claude_codes_with_their_file(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    session = AgentSession("gemini", repo, hook_env(db))
    path = str(repo / "src" / "app.py")
    write = {"tool_name": "write_file", "tool_input": {"file_path": path, "content": "print('hi')\n"}}
    missing = "Failed to edit, 0 occurrences found for old_string in " + path + ". No edits made."
    edit = {"tool_name": "replace", "tool_input": {"file_path": path, "old_string": "hey", "new_string": "ho"}}
    session.run("BeforeTool", **write)
    session.run(
        "AfterTool", **write, tool_response={"llmContent": f"Successfully created and wrote to new file: {path}."}
    )
    session.run("BeforeTool", **edit)
    error = {"message": missing, "type": "edit_no_occurrence_found"}
    session.run("AfterTool", **edit, tool_response={"llmContent": missing, "returnDisplay": "Error", "error": error})
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT tool, target_path, ok, error_class FROM live_calls ORDER BY seq").fetchall()
    assert rows == [("Write", path, 1, None), ("Edit", path, 0, "INCORRECT_PARAMETER")]


def test_gemini_tools_in_claude_codes_terms() -> None:
    assert gemini.tool_call("run_shell_command", {"command": "ls", "dir_path": "src"}) == ("Bash", {"command": "ls"})
    assert gemini.tool_call("read_file", {"absolute_path": "/p/a.py"}) == (
        "Read",
        {"absolute_path": "/p/a.py", "file_path": "/p/a.py"},
    )
    assert gemini.tool_call("list_directory", {"dir_path": "src"}) == ("LS", {"dir_path": "src", "path": "src"})
    assert gemini.tool_call("mcp__github__create_issue", {"title": "x"}) == (
        "mcp__github__create_issue",
        {"title": "x"},
    )
    old = "Command: make\nDirectory: (root)\nStdout: (empty)\nStderr: no rule\nError: (none)\nExit Code: 2\nSignal: (none)"
    assert gemini.result("run_shell_command", {"llmContent": old})[0] is True
    ok = "Command: ls\nDirectory: (root)\nStdout: a\nStderr: (empty)\nError: (none)\nExit Code: 0\nSignal: (none)"
    assert gemini.result("run_shell_command", {"llmContent": ok}) == (False, ok)
    spawn = "Output: (empty)\nError: spawn nosuch ENOENT\nExit Code: (none)\nSignal: (none)"
    assert gemini.result("run_shell_command", {"llmContent": [{"text": spawn}]})[0] is True
    assert gemini.result("run_shell_command", {"llmContent": "Output: hi"}) == (False, "Output: hi")


@pytest.mark.slow
def test_after_agent_queues_the_chat_and_its_ingest_reads_it(repo: Path, tmp_path: Path) -> None:
    from tests.agents.gemini.test_gemini_adapter import call, jsonl, meta, user
    from tests.agents.gemini.test_gemini_adapter import gemini as reply

    session_id = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
    chat = tmp_path / "gemini" / "chats" / "session-2026-11-21T10-00-6f1c2d3e.jsonl"
    chat.parent.mkdir(parents=True)
    db = tmp_path / "store" / "lessonloop.db"
    session = AgentSession("gemini", repo, hook_env(db), transcript=chat)
    session.session_id = session_id
    listing = {"tool_name": "run_shell_command", "tool_input": {"command": "ls"}}
    session.run("BeforeTool", **listing)
    session.run("AfterTool", **listing, tool_response={"llmContent": "Output: README.md"})
    later = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    shell = call("c1", "run_shell_command", {"command": "ls"}, "success", "Output: README.md")
    chat.write_bytes(
        jsonl(
            meta(session_id),
            user("u1", "list the files"),
            reply("g1", "", [shell]),
            reply("g2", "done", timestamp=later),
        )
    )
    with sqlite3.connect(db) as conn:
        assert [row[0][:10] for row in conn.execute("SELECT id FROM live_calls")] == ["hook-call:"]
    done = session.run("AfterAgent")
    assert (done.returncode, done.stdout) == (0, "")
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT agent FROM sessions WHERE id = ?", (session_id,)).fetchall()
        live = conn.execute("SELECT id FROM live_calls").fetchall()
    assert stored == [("gemini",)]
    assert live == []  # the transcript holds the call now (under Gemini CLI's own id)
    assert not (db.parent / "hook-failures.log").exists()


def test_a_corrupt_store_fails_open(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a SQLite database" * 100)
    session = AgentSession("gemini", repo, hook_env(db))
    for event in ("SessionStart", "BeforeAgent", "BeforeTool", "AfterTool"):
        run = session.run(event)
        assert (run.returncode, run.stdout) == (0, ""), (event, run.stderr)
    log = (db.parent / "hook-failures.log").read_text()
    assert '"event": "PreToolUse"' in log and '"event": "PostToolUseFailure"' in log
    malformed = run_agent_hook("gemini", "BeforeTool", b"[1, 2]", hook_env(db))
    assert (malformed.returncode, malformed.stdout) == (0, "")
