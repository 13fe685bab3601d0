"""Qwen Code's hooks end to end (agents/qwen.py): the entry point run as Qwen Code 0.24.4 runs an
installed hook (`--agent=qwen EVENT`), its payloads as the real CLI sent them
(tests/agents/qwen/data/hook_payloads/), a real store and git repository. Qwen Code reads stdout as JSON
with exit code 0, Claude Code's fields: `hookSpecificOutput.additionalContext` of SessionStart,
UserPromptSubmit, PostToolUse and PostToolUseFailure reaches the model, and so does the
`permissionDecisionReason` of a PreToolUse deny (PreToolUse's additionalContext does not)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.qwen import hooks as qwen
from tests.agent_hooks import AgentSession, load_payload, run_agent_hook
from tests.agents.codex.test_hooks_codex import _certain_lesson
from tests.hook_helpers import hook_env

FIXED = "Command: git push --set-upstream origin feature-x\nDirectory: (root)\nOutput: branch 'feature-x' set up to track 'origin/feature-x'.\nError: (none)\nExit Code: 0\nSignal: (none)\nProcess Group PGID: (none)"
# The fields Qwen Code reads of each event's answer (packages/core/src/hooks/types.ts: the common
# fields and what each event reads of hookSpecificOutput); anything else would be lost.
COMMON = {"continue", "stopReason", "suppressOutput", "systemMessage", "decision", "reason", "hookSpecificOutput"}
SPECIFIC = {
    "SessionStart": {"hookEventName", "additionalContext"},
    "UserPromptSubmit": {"hookEventName", "additionalContext"},
    "PreToolUse": {"hookEventName", "permissionDecision", "permissionDecisionReason"},
    "PostToolUse": {"hookEventName", "additionalContext"},
    "PostToolUseFailure": {"hookEventName", "additionalContext"},
}


def read(event: str, stdout: str) -> dict[str, Any] | None:
    """What Qwen Code reads of a hook's stdout (only JSON, only its fields)."""
    if not stdout.strip():
        return None
    answer: dict[str, Any] = json.loads(stdout)
    assert set(answer) <= COMMON, answer
    inner = answer.get("hookSpecificOutput")
    if inner is not None:
        assert set(inner) <= SPECIFIC[event] and inner["hookEventName"] == event, answer
        assert inner.get("permissionDecision") in (None, "deny", "ask"), answer
    return answer


class QwenSession(AgentSession):
    """A Qwen Code session: each tool call has ids of its own, the model's (tool_call_id, the one the
    chat records) and Qwen's (tool_use_id), the same before and after the call."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        super().__init__("qwen", cwd, env)
        self.ids: dict[str, str] = {}

    def call(self, event: str, *options: str, call: str = "push", **fields: Any) -> Any:
        hex_id = self.ids.setdefault(call, uuid.uuid4().hex[:12])
        fields.setdefault("tool_call_id", f"call_{hex_id}")
        fields.setdefault("tool_use_id", f"toolu_{hex_id}")
        return self.run(event, *options, **fields)


def _learn_push(session: QwenSession, noted: bool = False) -> None:
    """The recorded push failing (no upstream, exit code 128: PostToolUseFailure), then the push with
    the upstream set; `noted`: the lesson failed in one session of the project and names its remedy:
    the push is stopped once first (the model reads the lesson as the reason), then sent again
    unchanged: it runs, nothing said (issue 80)."""
    if noted:
        stopped = read("PreToolUse", session.call("PreToolUse").stdout)
        assert stopped is not None and stopped["hookSpecificOutput"]["permissionDecision"] == "deny"
        assert "failed in 1 of 1 sessions" in stopped["hookSpecificOutput"]["permissionDecisionReason"]
    before = session.call("PreToolUse")
    assert (before.returncode, before.stdout) == (0, ""), before.stderr
    failed = session.call("PostToolUseFailure")
    assert (failed.returncode, failed.stdout) == (0, ""), failed.stderr
    fixed = {"tool_input": {"command": "git push --set-upstream origin feature-x"}}
    assert session.call("PreToolUse", call="fixed", **fixed).stdout == ""
    response = {"llmContent": FIXED, "returnDisplay": "branch 'feature-x' set up to track 'origin/feature-x'."}
    done = session.call("PostToolUse", call="fixed", **fixed, tool_response=response)
    assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.slow
def test_a_push_lesson_learned_through_qwen_hooks_in_two_sessions_reaches_the_model_in_the_next(
    repo: Path, tmp_path: Path
) -> None:
    """Learned in the turn, a candidate after one failing session (a note at most), active after
    the second; the next session's model reads it at its start, the person sees the warning before
    the call and the model reads it with the failure, when the hooks warn only (`--warn-only`); by
    default another session's push is stopped once (a deny, the lesson as the reason)."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    first = QwenSession(repo, env)
    assert first.run("SessionStart").stdout == ""
    _learn_push(first)
    with sqlite3.connect(db) as conn:
        calls = conn.execute("SELECT id, tool, ok, error_class, command FROM live_calls ORDER BY seq").fetchall()
        lessons = conn.execute("SELECT title, tier FROM lessons").fetchall()
    assert calls == [  # named by the model's call ids: the ones the chat records
        (f"call_{first.ids['push']}", "Bash", 0, "MISSING_PREREQUISITE", "git push"),
        (f"call_{first.ids['fixed']}", "Bash", 1, None, "git push --set-upstream origin feature-x"),
    ]
    assert len(lessons) == 1 and "git push" in lessons[0][0], lessons
    title, tier = lessons[0]
    assert tier == "candidate"  # one failing session
    for event in ("Stop", "SessionEnd"):
        assert read(event, first.run(event).stdout) is None

    again = QwenSession(repo, env)
    assert again.run("SessionStart").stdout == ""  # a candidate is in no session's start
    _learn_push(again, noted=True)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT title, tier, failed_sessions FROM lessons").fetchall() == [(title, "active", 2)]

    second = QwenSession(repo, env)
    started = read("SessionStart", second.run("SessionStart", "--warn-only").stdout)
    assert started is not None and title in started["hookSpecificOutput"]["additionalContext"]
    prompt = second.run("UserPromptSubmit", "--warn-only", prompt="why does git push fail without an upstream branch")
    assert prompt.returncode == 0
    read("UserPromptSubmit", prompt.stdout)
    before = read("PreToolUse", second.call("PreToolUse", "--warn-only").stdout)
    assert before is not None and title in before["systemMessage"] and "hookSpecificOutput" not in before
    after = read("PostToolUseFailure", second.call("PostToolUseFailure", "--warn-only").stdout)
    assert after is not None
    given = after["hookSpecificOutput"]["additionalContext"]  # appended to the failure the model reads
    assert title in given and "--set-upstream" in given

    third = QwenSession(repo, env)
    stopped = read("PreToolUse", third.call("PreToolUse").stdout)
    assert stopped is not None
    inner = stopped["hookSpecificOutput"]
    assert inner["permissionDecision"] == "deny" and title in inner["permissionDecisionReason"]
    assert inner["permissionDecisionReason"].startswith("lessonloop stopped this call")
    resent = third.call("PreToolUse", call="again")  # the same call sent again runs (its stop overridden)
    assert (resent.returncode, resent.stdout) == (0, ""), resent.stderr
    assert not (db.parent / "hook-failures.log").exists()


@pytest.mark.slow
def test_block_is_a_deny_the_model_reads_and_ask_asks_the_person(repo: Path, tmp_path: Path) -> None:
    own = tmp_path / "own" / "lessonloop.db"
    _certain_lesson(own, repo, "learned")
    session = QwenSession(repo, hook_env(own))
    denied = read("PreToolUse", session.call("PreToolUse", "--warn-only", "--block").stdout)
    assert denied is not None
    assert denied["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "git push -u origin" in denied["hookSpecificOutput"]["permissionDecisionReason"]
    team = tmp_path / "team" / "lessonloop.db"
    _certain_lesson(team, repo, "team")
    session = QwenSession(repo, hook_env(team))
    warned = read("PreToolUse", session.call("PreToolUse", "--block").stdout)
    assert warned is not None and "hookSpecificOutput" not in warned  # a teammate's lesson never denies
    asked = read("PreToolUse", session.call("PreToolUse", "--ask", call="asked").stdout)
    assert asked is not None and asked["hookSpecificOutput"]["permissionDecision"] == "ask"
    assert "git push -u origin" in asked["hookSpecificOutput"]["permissionDecisionReason"]
    after = read("PostToolUseFailure", session.call("PostToolUseFailure").stdout)  # the warned call's
    assert after is not None and "git push -u origin" in after["hookSpecificOutput"]["additionalContext"]


@pytest.mark.slow
def test_file_tools_are_captured_as_claude_codes_with_their_file(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    session = QwenSession(repo, hook_env(db))
    path = str(repo / "src" / "app.py")
    write = {"tool_name": "write_file", "tool_input": {"file_path": path, "content": "print('hi')\n"}}
    edit = {"tool_name": "edit", "tool_input": {"file_path": path, "old_string": "hey", "new_string": "ho"}}
    missing = "Failed to edit, 0 occurrences found for old_string in " + path + ". No edits made."
    session.call("PreToolUse", call="write", **write)
    wrote = {"llmContent": f"Successfully created and wrote to new file: {path}.", "returnDisplay": "ok"}
    session.call("PostToolUse", call="write", **write, tool_response=wrote)
    session.call("PreToolUse", call="edit", **edit)
    session.call("PostToolUseFailure", call="edit", **edit, error=missing)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT tool, target_path, ok, error_class FROM live_calls ORDER BY seq").fetchall()
    assert rows == [("Write", path, 1, None), ("Edit", path, 0, "INCORRECT_PARAMETER")]


def test_qwen_tools_in_claude_codes_terms() -> None:
    command = {"command": "git push", "description": "Push it.", "is_background": False}
    assert qwen.tool_call("run_shell_command", command) == ("Bash", {"command": "git push"})
    read_input = {"file_path": "/p/a.py", "offset": 10}
    assert qwen.tool_call("read_file", read_input) == ("Read", read_input)
    assert qwen.tool_call("grep_search", {"pattern": "x", "path": "src"}) == ("Grep", {"pattern": "x", "path": "src"})
    assert qwen.tool_call("mcp__github__create_issue", {"title": "x"}) == ("mcp__github__create_issue", {"title": "x"})
    recorded = load_payload("qwen", "PostToolUse")
    assert qwen.result_text(recorded["tool_response"]) == recorded["tool_response"]["llmContent"]
    assert qwen.result_text({"llmContent": [{"text": "a"}, {"text": "b"}]}) == "a\nb"
    assert qwen.call_id_of(recorded) == recorded["tool_call_id"]
    assert qwen.call_id_of({"tool_use_id": "toolu_1"}) == "toolu_1"


def test_the_recorded_payloads_are_claude_codes_shape() -> None:
    """What Qwen Code 0.24.4 sent (recorded from the real CLI): Claude Code's events and fields."""
    for event in ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "Stop"):
        body = load_payload("qwen", event)
        assert body["hook_event_name"] == event and body["transcript_path"].endswith(".jsonl")
        assert {"session_id", "cwd", "timestamp", "permission_mode"} <= set(body)
    failed = load_payload("qwen", "PostToolUseFailure")
    assert "Exit Code: 128" in failed["error"] and failed["is_interrupt"] is False
    assert load_payload("qwen", "SessionEnd")["reason"] == "prompt_input_exit"


def test_an_empty_prompt_is_the_turn_going_on(repo: Path, tmp_path: Path) -> None:
    """Qwen Code sends UserPromptSubmit with an empty prompt after every tool result: nothing is
    recalled for it (the context would be added to each step of the turn)."""
    assert qwen.payload("UserPromptSubmit", {**load_payload("qwen", "UserPromptSubmit"), "prompt": ""}) is None
    db = tmp_path / "store" / "lessonloop.db"
    session = QwenSession(repo, hook_env(db))
    run = session.run("UserPromptSubmit", prompt="  ")
    assert (run.returncode, run.stdout) == (0, "")
    assert not db.exists()  # not even opened


def test_a_corrupt_store_fails_open(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a SQLite database" * 100)
    session = QwenSession(repo, hook_env(db))
    for event in ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUseFailure", "PostToolUse"):
        run = session.call(event)
        assert (run.returncode, run.stdout) == (0, ""), (event, run.stderr)
    log = (db.parent / "hook-failures.log").read_text()
    assert '"event": "PreToolUse"' in log and '"event": "PostToolUseFailure"' in log
    malformed = run_agent_hook("qwen", "PreToolUse", b"[1, 2]", hook_env(db))
    assert (malformed.returncode, malformed.stdout) == (0, "")
