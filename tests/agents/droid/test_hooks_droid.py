"""Factory Droid's hooks end to end (agents/droid.py): the entry point run as Droid 0.215.0 runs an
installed hook (`--agent=droid EVENT`), its payloads as the real CLI sent them
(tests/agents/droid/data/hook_payloads/: `droid exec` sends no UserPromptSubmit), a real store and git
repository. Droid reads stdout as JSON with exit code 0, Claude Code's fields:
`hookSpecificOutput.additionalContext` of SessionStart, UserPromptSubmit and PostToolUse reaches the
model, and so does the `permissionDecisionReason` of a PreToolUse deny (PreToolUse's
additionalContext does not)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.droid import hooks as droid
from tests.agent_hooks import AgentSession, load_payload, run_agent_hook
from tests.agents.codex.test_hooks_codex import _certain_lesson
from tests.hook_helpers import hook_env

# What Droid reads of an answer (its hook runner: the common fields and hookSpecificOutput's).
COMMON = {"continue", "stopReason", "suppressOutput", "systemMessage", "decision", "reason", "hookSpecificOutput"}
SPECIFIC = {"hookEventName", "permissionDecision", "permissionDecisionReason", "additionalContext", "updatedInput"}
FIXED = "To /home/dev/origin.git\n * [new branch]      feature -> feature\n\n\n[Process exited with code 0]"


def read(event: str, stdout: str) -> dict[str, Any] | None:
    """What Droid reads of a hook's stdout (only JSON, only its fields)."""
    if not stdout.strip():
        return None
    answer: dict[str, Any] = json.loads(stdout)
    assert set(answer) <= COMMON, answer
    inner = answer.get("hookSpecificOutput")
    if inner is not None:
        assert set(inner) <= SPECIFIC and inner["hookEventName"] == event, answer
        assert inner.get("permissionDecision") in (None, "deny", "ask"), answer
        if event == "PreToolUse":
            assert "additionalContext" not in inner  # Droid does not read it there
    return answer


class DroidSession(AgentSession):
    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        super().__init__("droid", cwd, env, transcript=cwd / "droid-session.jsonl")


@pytest.mark.slow
def test_lessons_at_the_start_a_stop_is_a_deny_and_a_warning_comes_with_the_result(repo: Path, tmp_path: Path) -> None:
    own = tmp_path / "own" / "lessonloop.db"
    _certain_lesson(own, repo, "learned")
    session = DroidSession(repo, hook_env(own))
    started = read("SessionStart", session.run("SessionStart").stdout)
    assert started is not None and "git push" in started["hookSpecificOutput"]["additionalContext"]
    stopped = read("PreToolUse", session.run("PreToolUse").stdout)
    assert stopped is not None
    inner = stopped["hookSpecificOutput"]
    assert inner["permissionDecision"] == "deny" and inner["permissionDecisionReason"].startswith(
        "lessonloop stopped this call"
    )
    again = session.run("PreToolUse")  # the same call sent again runs (its stop overridden)
    assert (again.returncode, again.stdout) == (0, ""), again.stderr

    team = tmp_path / "team" / "lessonloop.db"
    _certain_lesson(team, repo, "team")
    session = DroidSession(repo, hook_env(team))
    warned = read("PreToolUse", session.run("PreToolUse", "--block").stdout)
    assert warned is not None and "hookSpecificOutput" not in warned  # a teammate's lesson never denies
    assert "git push -u origin" in warned["systemMessage"]
    same = load_payload("droid", "PreToolUse")["tool_input"]  # the warned call's result
    after = read("PostToolUse", session.run("PostToolUse", tool_input=same).stdout)
    assert after is not None and "git push -u origin" in after["hookSpecificOutput"]["additionalContext"]
    asked = read("PreToolUse", session.run("PreToolUse", "--ask").stdout)
    assert asked is not None and asked["hookSpecificOutput"]["permissionDecision"] == "ask"


@pytest.mark.slow
def test_a_successful_call_is_captured_with_its_file(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    session = DroidSession(repo, hook_env(db))
    path = str(repo / "src" / "app.py")
    create = {"tool_name": "Create", "tool_input": {"file_path": path, "content": "print('hi')\n"}}
    session.run("PreToolUse", **create)
    done = session.run("PostToolUse", **create, tool_response=f"File created successfully at: {path}")
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    pushed = {"tool_input": {"command": "git push --set-upstream origin feature", "summary": "push"}}
    session.run("PostToolUse", **pushed, tool_response=FIXED)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT tool, target_path, command, ok FROM live_calls ORDER BY seq").fetchall()
        ids = [i for (i,) in conn.execute("SELECT id FROM live_calls")]
    assert rows == [("Write", path, None, 1), ("Bash", None, "git push --set-upstream origin feature", 1)]
    assert all(i.startswith("hook-call:") for i in ids) and len(set(ids)) == 2  # Droid names no call


def test_droid_tools_in_claude_codes_terms() -> None:
    assert droid.tool_call("Execute", {"command": "git push", "summary": "s", "riskLevel": "low"}) == (
        "Bash",
        {"command": "git push"},
    )
    edit = {"file_path": "/p/a.py", "old_str": "a", "new_str": "b", "change_all": True}
    assert droid.tool_call("Edit", edit) == (
        "Edit",
        {"file_path": "/p/a.py", "old_string": "a", "new_string": "b", "replace_all": True},
    )
    multi = {"file_path": "/p/a.py", "edits": [{"old_str": "x", "new_str": "y"}, {"old_str": "z", "new_str": "w"}]}
    assert droid.tool_call("MultiEdit", multi) == (
        "Edit",
        {"file_path": "/p/a.py", "old_string": "x", "new_string": "y"},
    )
    assert droid.tool_call("Create", {"file_path": "/p/b.py", "content": "x"}) == (
        "Write",
        {"file_path": "/p/b.py", "content": "x"},
    )
    assert droid.tool_call("LS", {"directory_path": "/p"}) == ("LS", {"path": "/p"})
    patch = "*** Begin Patch\n*** Update File: /p/c.py\n@@\n-old\n+new\n*** End Patch"
    name, tool_input = droid.tool_call("ApplyPatch", {"patch": patch})
    assert name == "Edit" and tool_input["file_path"] == "/p/c.py"
    assert droid.tool_call("mcp__github__create_issue", {"title": "x"}) == ("mcp__github__create_issue", {"title": "x"})
    recorded = load_payload("droid", "PostToolUse")
    assert droid.result(recorded["tool_response"]) == (False, recorded["tool_response"])
    failed, text = droid.result("fatal: no upstream\n\n[Process exited with code 128]")
    assert failed and text.startswith("Exit code 128\n")
    assert droid.exit_code("no exit line") is None


def test_the_recorded_payloads_are_claude_codes_shape() -> None:
    """What Droid 0.215.0 sent (recorded from the real CLI, `droid exec`): Claude Code's fields,
    no call id, the session's transcript."""
    for event in ("SessionStart", "PreToolUse", "PostToolUse", "Stop", "SessionEnd"):
        body = load_payload("droid", event)
        assert body["hook_event_name"] == event and body["transcript_path"].endswith(body["session_id"] + ".jsonl")
        assert {"session_id", "cwd", "permission_mode"} <= set(body) and "tool_use_id" not in body
    assert load_payload("droid", "PreToolUse")["tool_name"] == "Execute"
    assert load_payload("droid", "SessionStart")["source"] == "startup"


def test_a_corrupt_store_fails_open(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a SQLite database" * 100)
    session = DroidSession(repo, hook_env(db))
    for event in ("SessionStart", "PreToolUse", "PostToolUse"):
        run = session.run(event)
        assert (run.returncode, run.stdout) == (0, ""), (event, run.stderr)
    log = (db.parent / "hook-failures.log").read_text()
    assert '"event": "PreToolUse"' in log and '"event": "PostToolUse"' in log
    malformed = run_agent_hook("droid", "PreToolUse", b"[1, 2]", hook_env(db))
    assert (malformed.returncode, malformed.stdout) == (0, "")
