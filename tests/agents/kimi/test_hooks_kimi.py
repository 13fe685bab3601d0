"""Kimi Code's hooks end to end (agents/kimi.py): the entry point run as Kimi Code 2.1.0 runs an
installed hook (`--agent=kimi EVENT`), its payloads as the real CLI sent them
(tests/agents/kimi/data/hook_payloads/), a real store and git repository. Kimi Code reads a hook's stdout
as JSON with exit code 0: UserPromptSubmit's `message` reaches the model (after the prompt), and so
does a PreToolUse deny's `permissionDecisionReason`; nothing else does (runHook.ts reads `message`
and hookSpecificOutput's `message`, `permissionDecision`, `permissionDecisionReason` only)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.kimi import hooks as kimi
from tests.agent_hooks import AgentSession, load_payload, run_agent_hook
from tests.agents.codex.test_hooks_codex import _certain_lesson
from tests.hook_helpers import hook_env


def read(stdout: str) -> dict[str, Any] | None:
    if not stdout.strip():
        return None
    answer: dict[str, Any] = json.loads(stdout)
    assert set(answer) <= {"message", "hookSpecificOutput"}, answer
    inner = answer.get("hookSpecificOutput")
    if inner is not None:
        assert set(inner) <= {"hookEventName", "message", "permissionDecision", "permissionDecisionReason"}, answer
        assert inner["permissionDecision"] == "deny", answer  # Kimi Code has no ask
    return answer


class KimiSession(AgentSession):
    """A Kimi Code session: `session_<uuid>`, a call id per call, no transcript in any payload."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        super().__init__("kimi", cwd, env)
        self.session_id = f"session_{uuid.uuid4()}"

    def payload(self, event: str, **fields: Any) -> dict[str, Any]:
        body = super().payload(event, **fields)
        body.pop("transcript_path", None)
        return body


@pytest.mark.slow
def test_the_start_lessons_come_with_the_first_prompt_and_a_stop_is_a_deny(repo: Path, tmp_path: Path) -> None:
    own = tmp_path / "own" / "lessonloop.db"
    _certain_lesson(own, repo, "learned")
    session = KimiSession(repo, hook_env(own))
    started = session.run("SessionStart")
    assert (started.returncode, started.stdout) == (0, ""), started.stderr  # Kimi Code reads no answer here
    prompt = read(session.run("UserPromptSubmit").stdout)
    assert prompt is not None and "git push" in prompt["message"]
    again = read(session.run("UserPromptSubmit", prompt=[{"type": "text", "text": "and then?"}]).stdout)
    assert again is None or "git push -u origin" not in again["message"]  # the start's lessons once
    stopped = read(session.run("PreToolUse", tool_call_id="call_1").stdout)
    assert stopped is not None
    assert stopped["hookSpecificOutput"]["permissionDecisionReason"].startswith("lessonloop stopped this call")
    resent = session.run("PreToolUse", tool_call_id="call_2")  # the same call sent again runs
    assert (resent.returncode, resent.stdout) == (0, ""), resent.stderr
    with sqlite3.connect(own) as conn:
        actions = [a for (a,) in conn.execute("SELECT action FROM hook_decisions WHERE event = 'PreToolUse'")]
    assert actions == ["stop", "override"]


@pytest.mark.slow
def test_block_denies_ask_stops_once_and_a_warning_is_recorded_as_not_given(repo: Path, tmp_path: Path) -> None:
    own = tmp_path / "own" / "lessonloop.db"
    _certain_lesson(own, repo, "learned")
    session = KimiSession(repo, hook_env(own))
    denied = read(session.run("PreToolUse", "--warn-only", "--block", tool_call_id="call_1").stdout)
    assert denied is not None and "git push -u origin" in denied["hookSpecificOutput"]["permissionDecisionReason"]
    team = tmp_path / "team" / "lessonloop.db"
    _certain_lesson(team, repo, "team")
    session = KimiSession(repo, hook_env(team))
    warned = session.run("PreToolUse", "--block", tool_call_id="call_1")
    assert (warned.returncode, warned.stdout) == (0, "")  # a teammate's lesson never denies; no way to warn
    asked = read(session.run("PreToolUse", "--ask", tool_call_id="call_2").stdout)
    assert asked is not None and kimi.ASK_NOTE.strip() in asked["hookSpecificOutput"]["permissionDecisionReason"]
    resent = session.run("PreToolUse", "--ask", tool_call_id="call_3")  # asked once: it runs now
    assert (resent.returncode, resent.stdout) == (0, "")
    with sqlite3.connect(team) as conn:
        rows = conn.execute("SELECT action FROM hook_decisions WHERE event = 'PreToolUse' ORDER BY rowid").fetchall()
    assert rows[0] == ("none",)  # the warning nobody saw: not counted as given


@pytest.mark.slow
def test_calls_and_failures_are_captured_and_the_end_finds_the_wire_log(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    home = tmp_path / "kimi-home"
    env = {**hook_env(db), "KIMI_CODE_HOME": str(home), "LESSONLOOP_HOOK_FOREGROUND": "1"}
    session = KimiSession(repo, env)
    failed = session.run("PostToolUseFailure")
    assert (failed.returncode, failed.stdout) == (0, ""), failed.stderr
    path = str(repo / "app.py")
    write = {"tool_name": "Write", "tool_input": {"path": path, "content": "x\n"}, "tool_call_id": "call_w"}
    session.run("PostToolUse", **write, tool_output="Wrote 2 bytes")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, tool, ok, error_class, target_path FROM live_calls ORDER BY seq").fetchall()
    recorded = load_payload("kimi", "PostToolUseFailure")["tool_call_id"]
    assert rows == [(recorded, "Bash", 0, "MISSING_PREREQUISITE", None), ("call_w", "Write", 1, None, path)]

    folder = home / "sessions" / "wd_project_0123" / session.session_id
    wire = folder / "agents" / "main" / "wire.jsonl"
    wire.parent.mkdir(parents=True)
    wire.write_text("")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KIMI_CODE_HOME", str(home))
        assert kimi.wire_log(session.session_id) == str(wire)
        row = {"sessionId": session.session_id, "sessionDir": str(folder), "workDir": str(repo)}
        (home / "session_index.jsonl").write_text(json.dumps(row) + "\n")
        assert kimi.wire_log(session.session_id) == str(wire)
        assert kimi.wire_log("session_unknown") is None


def test_kimi_payloads_in_claude_codes_terms() -> None:
    assert kimi.tool_call("Bash", {"command": "git push", "timeout": 60}) == ("Bash", {"command": "git push"})
    assert kimi.tool_call("Edit", {"path": "a.py", "old_string": "x", "new_string": "y"}) == (
        "Edit",
        {"file_path": "a.py", "old_string": "x", "new_string": "y"},
    )
    assert kimi.tool_call("Grep", {"pattern": "x", "path": "src"}) == ("Grep", {"pattern": "x", "path": "src"})
    assert kimi.prompt_text(load_payload("kimi", "UserPromptSubmit")["prompt"]) == "push this branch"
    error = load_payload("kimi", "PostToolUseFailure")["error"]
    assert kimi.error_text(error).startswith("Exit code 128\nfatal: The current branch")
    assert kimi.error_text({"code": "internal", "message": "lessonloop stopped this call"}) == (
        "lessonloop stopped this call"
    )


def test_the_recorded_payloads() -> None:
    """What Kimi Code 2.1.0 sent (recorded from the real CLI, `kimi -p`): snake_case fields, the
    session's id, no transcript."""
    for event in ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "Stop"):
        body = load_payload("kimi", event)
        assert body["hook_event_name"] == event and body["session_id"].startswith("session_")
        assert "transcript_path" not in body and body["client_type"] == "kimi_code_cli"
    assert load_payload("kimi", "PreToolUse")["tool_call_id"].startswith("call_")


def test_a_corrupt_store_fails_open(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a SQLite database" * 100)
    session = KimiSession(repo, hook_env(db))
    for event in ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUseFailure", "PostToolUse"):
        run = session.run(event)
        assert (run.returncode, run.stdout) == (0, ""), (event, run.stderr)
    log = (db.parent / "hook-failures.log").read_text()
    assert '"event": "PreToolUse"' in log and '"event": "PostToolUseFailure"' in log
    malformed = run_agent_hook("kimi", "PreToolUse", b"[1, 2]", hook_env(db))
    assert (malformed.returncode, malformed.stdout) == (0, "")
