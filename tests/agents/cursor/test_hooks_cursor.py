"""Cursor's hooks end to end: the entry run as Cursor runs an installed hook (the command install
writes, `--agent=cursor EVENT`), payloads shaped as Cursor sends them (tests/agents/cursor/data/hook_payloads/),
a real store and a real git repository. What Cursor reads of each answer: docs/agents/cursor.md."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.cursor import hooks as cursor
from lessonloop.core.agent_specs import hook_events, installed_events
from tests.agent_hooks import run_agent_hook
from tests.hook_helpers import HookRun, hook_env

HOOK_EVENTS = hook_events()
INSTALLED = installed_events()

PAYLOADS = Path(__file__).parent / "data" / "hook_payloads"
# The output fields Cursor documents per event (docs/agents/cursor.md); `{}` is always accepted.
DOCUMENTED = {
    "preToolUse": {"permission", "user_message", "agent_message", "updated_input"},
    "beforeShellExecution": {"permission", "user_message", "agent_message"},
    "beforeMCPExecution": {"permission", "user_message", "agent_message"},
    "sessionStart": {"additional_context", "env"},
    "postToolUse": {"additional_context", "updated_mcp_tool_output"},
    "postToolUseFailure": {"additional_context"},
    "afterFileEdit": set(),
    "stop": {"followup_message"},
    "sessionEnd": set(),
}


def run_cursor(event: str, payload: dict[str, Any] | bytes, db: Path, *options: str) -> HookRun:
    """The hook as `.cursor/hooks.json` runs it: one process, the payload on stdin."""
    return run_agent_hook("cursor", event, payload, hook_env(db), *options)


def accepted(event: str, stdout: str) -> dict[str, Any]:
    """The answer parsed, checked to be one JSON object of fields Cursor documents for `event`."""
    out = json.loads(stdout)
    assert isinstance(out, dict), stdout
    assert set(out) <= DOCUMENTED[event], (event, out)
    assert out.get("permission") != "allow"  # allow would skip the person's approval
    assert "continue" not in out and "followup_message" not in out
    return out


def cursor_payload(event: str, repo: Path, conversation: str, **fields: Any) -> dict[str, Any]:
    """The recorded payload of `event`, in `repo`, of the conversation `conversation`."""
    payload: dict[str, Any] = json.loads((PAYLOADS / f"{event}.json").read_text())
    payload["conversation_id"] = conversation
    payload["workspace_roots"] = [str(repo)]
    if "session_id" in payload:
        payload["session_id"] = conversation
    if "cwd" in payload:
        payload["cwd"] = str(repo)
    if isinstance(payload.get("tool_input"), dict) and "cwd" in payload["tool_input"]:
        payload["tool_input"]["cwd"] = str(repo)
    if isinstance(payload.get("file_path"), str):
        payload["file_path"] = str(repo / "src" / "main.py")
    payload.update(fields)
    return payload


def learn_push_lesson(repo: Path, db: Path, conversation: str, ids: tuple[str, str] | None = None) -> None:
    """A Cursor conversation where `git push` fails for a missing upstream and the agent sets it:
    its calls reach the store through Cursor's post-call hooks only (`ids`: the calls' own ids,
    else the recorded ones)."""
    failure, fix = ({"tool_use_id": ids[0]}, {"tool_use_id": ids[1]}) if ids else ({}, {})
    failed = run_cursor("postToolUseFailure", cursor_payload("postToolUseFailure", repo, conversation, **failure), db)
    fixed = run_cursor("postToolUse", cursor_payload("postToolUse", repo, conversation, **fix), db)
    assert (failed.returncode, fixed.returncode) == (0, 0), failed.stderr + fixed.stderr
    assert accepted("postToolUseFailure", failed.stdout) == {} and accepted("postToolUse", fixed.stdout) == {}


@pytest.mark.slow
def test_a_push_lesson_learned_from_cursor_calls_in_two_conversations_reaches_the_agent_in_the_next(
    repo: Path, tmp_path: Path
) -> None:
    """Learned live, a candidate after one failing conversation (given to no one), active after the
    second; the next conversation begins with it and its push is warned when the hooks warn only
    (`--warn-only`), stopped once (a deny, the lesson as the reason) by default."""
    db = tmp_path / "store" / "lessonloop.db"
    learn_push_lesson(repo, db, "conv-1")
    with sqlite3.connect(db) as conn:
        calls = conn.execute(
            "SELECT session_id, tool, ok, status, error_class, command FROM live_calls ORDER BY seq"
        ).fetchall()
        lessons = conn.execute("SELECT id, title, trigger_text, tier FROM lessons").fetchall()
    assert calls == [
        ("conv-1", "Bash", 0, "error", "MISSING_PREREQUISITE", "git push"),  # the failure, classified
        ("conv-1", "Bash", 1, "ok", None, "git push --set-upstream origin feature-x"),
    ]
    assert len(lessons) == 1 and "--set-upstream" in str(lessons[0][2])  # learned live, from the fix
    assert lessons[0][3] == "candidate"  # one failing conversation
    title = str(lessons[0][1])

    started = run_cursor("sessionStart", cursor_payload("sessionStart", repo, "conv-1b"), db)
    assert (started.returncode, accepted("sessionStart", started.stdout)) == (0, {})  # a candidate: given to no one
    learn_push_lesson(repo, db, "conv-1b", ("call_push_1b", "call_fix_1b"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT tier, failed_sessions FROM lessons").fetchall() == [("active", 2)]

    started = run_cursor("sessionStart", cursor_payload("sessionStart", repo, "conv-2"), db, "--warn-only")
    assert started.returncode == 0
    assert title in accepted("sessionStart", started.stdout)["additional_context"]

    pre = run_cursor("preToolUse", cursor_payload("preToolUse", repo, "conv-2"), db, "--warn-only")
    assert pre.returncode == 0, pre.stderr
    out = accepted("preToolUse", pre.stdout)
    assert "permission" not in out  # a warning: the call goes on as the person's settings say
    assert title in out["agent_message"] and "--set-upstream" in out["agent_message"]
    assert out["user_message"] == out["agent_message"]

    shell = run_cursor("beforeShellExecution", cursor_payload("beforeShellExecution", repo, "conv-3"), db)
    stopped = accepted("beforeShellExecution", shell.stdout)  # the default: stopped once
    assert stopped["permission"] == "deny" and title in stopped["agent_message"]
    with sqlite3.connect(db) as conn:
        decisions = conn.execute(
            "SELECT event, action FROM hook_decisions WHERE session_id = 'conv-2' ORDER BY id"
        ).fetchall()
    assert decisions == [("SessionStart", "inject"), ("PreToolUse", "warn")]
    for event in ("sessionEnd", "stop"):  # no transcript: the session is recorded, nothing ingested
        done = run_cursor(event, cursor_payload(event, repo, "conv-2"), db, "--warn-only")
        assert (done.returncode, accepted(event, done.stdout)) == (0, {})
    assert not (db.parent / "hook-failures.log").exists()
    assert not (db.parent / "ingest-queue").exists()


def certain_push_lesson(repo: Path, db: Path) -> None:
    """A store whose `git push` lesson is this person's own and certain (confidence over the
    block threshold): learned from 80 failing sessions (as tests/apply/test_hooks_trust.py builds it)."""
    from datetime import UTC, datetime, timedelta

    from lessonloop.learning.engine.engine import Learner
    from lessonloop.store import open_store
    from lessonloop.store.lessons.writer import save_learned
    from tests.learning_helpers import Script, play_all, push_episode

    learner = Learner()
    script = Script(datetime.now(UTC) - timedelta(minutes=5))
    play_all(learner, push_episode(script.session("s0", project=str(repo), cwd=str(repo), branch="feat-0")))
    (lesson,) = learner.lessons.values()
    lesson.session_failed = {f"s{i}": True for i in range(80)}
    lesson.recount()
    conn = open_store(db)
    try:
        save_learned(conn, [lesson], {}, script.tick())
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("option", "permission"), [("--block", "deny"), ("--ask", "ask"), (None, "deny"), ("--warn-only", None)]
)
def test_block_and_ask_mean_what_they_mean_for_claude_code(
    repo: Path, tmp_path: Path, option: str | None, permission: str | None
) -> None:
    """`--block` denies (permission deny, the lesson as agent_message), `--ask` asks the person,
    neither stops the call once (a deny), `--warn-only` warns only; as pre_tool.py decides for
    Claude Code."""
    db = tmp_path / "store" / "lessonloop.db"
    certain_push_lesson(repo, db)
    pre = run_cursor("preToolUse", cursor_payload("preToolUse", repo, "conv-9"), db, *([option] if option else []))
    assert pre.returncode == 0, pre.stderr
    out = accepted("preToolUse", pre.stdout)
    assert out.get("permission") == permission
    assert "git push -u origin" in out["agent_message"]


def test_a_corrupt_store_fails_open_and_is_logged(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a SQLite database" * 100)
    for event in ("preToolUse", "postToolUseFailure", "sessionStart"):
        done = run_cursor(event, cursor_payload(event, repo, "conv-x"), db)
        assert done.returncode == 0
        assert done.stdout in ("", "{}")  # no decision
    log = (db.parent / "hook-failures.log").read_text()
    assert "PreToolUse" in log and "SessionStart" in log


@pytest.mark.parametrize("event", sorted(p.stem for p in PAYLOADS.glob("*.json")))
def test_every_recorded_payload_is_answered_as_cursor_reads_it(repo: Path, tmp_path: Path, event: str) -> None:
    assert event in HOOK_EVENTS["cursor"]
    db = tmp_path / "store" / "lessonloop.db"
    done = run_cursor(event, cursor_payload(event, repo, "conv-r"), db)
    assert done.returncode == 0, done.stderr
    accepted(event, done.stdout)
    assert not (db.parent / "hook-failures.log").exists()


def test_malformed_payloads_are_answered_neutrally(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    deep = "[" * 5000 + "]" * 5000
    for payload in (
        b"not json",
        b"[1, 2]",
        {"hook_event_name": "preToolUse"},  # no conversation
        cursor_payload("preToolUse", repo, "conv-m", tool_input=deep),
        cursor_payload("preToolUse", repo, "conv-m", tool_input=[1, 2], tool_name=7),
        cursor_payload("postToolUse", repo, "conv-m", tool_output="{not json"),
    ):
        done = run_cursor("preToolUse", payload, db)
        assert done.returncode == 0 and done.stdout in ("", "{}"), done.stderr


def test_installed_events_are_mapped_and_warn_once_per_call() -> None:
    assert set(INSTALLED["cursor"]) <= set(HOOK_EVENTS["cursor"])
    handlers = [HOOK_EVENTS["cursor"][event] for event in INSTALLED["cursor"]]
    assert handlers.count("PreToolUse") == 1  # one pre-tool event: a call is warned once
    assert "afterFileEdit" not in INSTALLED["cursor"]  # postToolUse stores edits already


def test_tool_calls_are_read_in_claude_codes_names() -> None:
    base = {"conversation_id": "c", "workspace_roots": ["/w"], "tool_use_id": "t"}
    shell = cursor.payload("preToolUse", {**base, "tool_name": "Shell", "tool_input": {"command": "ls", "cwd": "/w"}})
    assert shell is not None and (shell["tool_name"], shell["tool_input"], shell["cwd"]) == (
        "Bash",
        {"command": "ls"},
        "/w",
    )
    edit = cursor.payload(
        "preToolUse",
        {**base, "tool_name": "StrReplace", "tool_input": {"path": "/w/a.py", "old_string": "a", "new_string": "b"}},
    )
    assert edit is not None and edit["tool_name"] == "Edit"
    assert edit["tool_input"] == {"file_path": "/w/a.py", "old_string": "a", "new_string": "b"}
    write = cursor.payload(
        "preToolUse", {**base, "tool_name": "Write", "tool_input": {"path": "/w/b", "contents": "x"}}
    )
    assert write is not None and write["tool_input"] == {"file_path": "/w/b", "content": "x"}
    mcp = cursor.payload("beforeMCPExecution", {**base, "tool_name": "query", "tool_input": '{"sql": "select 1"}'})
    assert mcp is not None and (mcp["tool_name"], mcp["tool_input"]) == ("MCP:query", {"sql": "select 1"})
    other = cursor.payload("preToolUse", {**base, "tool_name": "Delete", "tool_input": {"path": "/w/c"}})
    assert other is not None and (other["tool_name"], other["tool_input"]) == ("Delete", {"path": "/w/c"})


def test_results_become_claude_codes_post_tool_payloads() -> None:
    base = {"conversation_id": "c", "generation_id": "g", "workspace_roots": ["/w"]}
    shell = {**base, "tool_name": "Shell", "tool_input": {"command": "make"}, "tool_use_id": "t"}
    ok = cursor.payload("postToolUse", {**shell, "tool_output": '{"output": "built", "exitCode": 0}'})
    assert ok is not None and ok["hook_event_name"] == "PostToolUse"
    assert ok["tool_response"] == {"stdout": "built", "stderr": ""}
    bad = cursor.payload("postToolUse", {**shell, "tool_output": '{"output": "no rule", "exitCode": 2}'})
    assert bad is not None and bad["hook_event_name"] == "PostToolUseFailure"  # post_tool.py reads it
    assert bad["error"] == "Exit code 2\nno rule"
    failed = cursor.payload("postToolUseFailure", {**shell, "error_message": "boom", "failure_type": "error"})
    assert failed is not None and (failed["error"], failed["is_interrupt"]) == ("boom", False)
    edits = [{"old_string": "a", "new_string": "b"}, {"old_string": "c", "new_string": "d"}]
    edit = cursor.payload("afterFileEdit", {**base, "file_path": "/w/x.py", "edits": edits})
    again = cursor.payload("afterFileEdit", {**base, "file_path": "/w/x.py", "edits": edits})
    assert edit is not None and again is not None
    assert (edit["tool_name"], edit["tool_input"]) == ("MultiEdit", {"file_path": "/w/x.py", "edits": edits})
    assert edit["tool_use_id"] == again["tool_use_id"]  # the same event sent twice is stored once
    assert cursor.payload("postToolUse", {**shell, "tool_output": None}) is not None


def test_answers_use_cursors_fields() -> None:
    warn: dict[str, object] = {"hookSpecificOutput": {"hookEventName": "PreToolUse", "additionalContext": "w"}}
    deny: dict[str, object] = {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "additionalContext": "w",
            "permissionDecision": "deny",
            "permissionDecisionReason": "r",
        }
    }
    assert cursor.answer("preToolUse", warn) == ('{"user_message": "w", "agent_message": "w"}', 0)
    assert json.loads(cursor.answer("preToolUse", deny)[0] or "") == {
        "permission": "deny",
        "user_message": "r",
        "agent_message": "r",
    }
    assert cursor.answer("preToolUse", None) == ("{}", 0)
    start: dict[str, object] = {"hookSpecificOutput": {"hookEventName": "SessionStart", "additionalContext": "lessons"}}
    assert cursor.answer("sessionStart", start) == ('{"additional_context": "lessons"}', 0)
