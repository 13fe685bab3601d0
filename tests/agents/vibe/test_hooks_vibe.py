"""Mistral Vibe's hooks end to end (agents/vibe.py): the entry point run as Vibe 3.0.2 runs an
installed hook (`--agent=vibe EVENT`), its payloads as the real CLI sent them
(tests/agents/vibe/data/hook_payloads/), a real store and git repository. Vibe reads a hook's stdout as
JSON with exit code 0: a pre_tool `{"decision": "deny", "reason"}` is the call's result (it does not
run), a post_tool `hook_specific_output.additional_context` is added to the call's result; anything
else lets the call run (_foreign_hooks.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.vibe import hooks as vibe
from lessonloop.apply.hooks.kit.answers import AFTER_THE_CALL
from tests.agent_hooks import AgentSession, load_payload, run_agent_hook
from tests.agents.codex.test_hooks_codex import _certain_lesson
from tests.hook_helpers import hook_env

EVENTS = ("pre_tool", "post_tool", "post_agent")


def read(stdout: str) -> dict[str, Any] | None:
    if not stdout.strip():
        return None
    answer: dict[str, Any] = json.loads(stdout)
    assert set(answer) <= {"decision", "reason", "hook_specific_output"}, answer
    if "decision" in answer:
        assert answer["decision"] == "deny" and isinstance(answer["reason"], str), answer
    if "hook_specific_output" in answer:
        assert set(answer["hook_specific_output"]) == {"additional_context"}, answer
    return answer


class VibeSession(AgentSession):
    """A Vibe session: its folder as the transcript, the model's call id per call."""

    def __init__(self, cwd: Path, env: dict[str, str], folder: Path | None = None) -> None:
        super().__init__("vibe", cwd, env)
        self.folder = str(folder) if folder is not None else f"/nowhere/unified/{self.session_id}"

    def payload(self, event: str, **fields: Any) -> dict[str, Any]:
        body = super().payload(event, **fields)
        body["transcript_path"] = fields.get("transcript_path", self.folder)
        return body


@pytest.mark.slow
def test_a_stop_is_a_deny_whose_reason_the_model_reads(repo: Path, tmp_path: Path) -> None:
    own = tmp_path / "own" / "lessonloop.db"
    _certain_lesson(own, repo, "learned")
    session = VibeSession(repo, hook_env(own))
    stopped = read(session.run("pre_tool", tool_call_id="call_1").stdout)
    assert stopped is not None and stopped["reason"].startswith("lessonloop stopped this call")
    assert "git push -u origin" in stopped["reason"]
    resent = session.run("pre_tool", tool_call_id="call_2")  # the same call sent again runs
    assert (resent.returncode, resent.stdout) == (0, ""), resent.stderr
    with sqlite3.connect(own) as conn:
        actions = [a for (a,) in conn.execute("SELECT action FROM hook_decisions WHERE event = 'PreToolUse'")]
    assert actions == ["stop", "override"]


@pytest.mark.slow
def test_block_denies_ask_stops_once_and_a_warning_comes_with_the_result(repo: Path, tmp_path: Path) -> None:
    own = tmp_path / "own" / "lessonloop.db"
    _certain_lesson(own, repo, "learned")
    denied = read(VibeSession(repo, hook_env(own)).run("pre_tool", "--warn-only", "--block").stdout)
    assert denied is not None and "git push -u origin" in denied["reason"]
    team = tmp_path / "team" / "lessonloop.db"
    _certain_lesson(team, repo, "team")
    session = VibeSession(repo, hook_env(team))
    warned = session.run("pre_tool", "--block", tool_call_id="call_1")
    assert (warned.returncode, warned.stdout) == (0, "")  # a teammate's lesson never denies
    after = read(session.run("post_tool", tool_call_id="call_1").stdout)  # ... it comes with the result
    assert after is not None
    context = after["hook_specific_output"]["additional_context"]
    assert context.startswith(AFTER_THE_CALL) and "git push -u origin" in context
    session = VibeSession(repo, hook_env(team))  # a new session: the warning was given in that one
    asked = read(session.run("pre_tool", "--ask", tool_call_id="call_2").stdout)
    assert asked is not None and vibe.ASK_NOTE.strip() in asked["reason"]
    resent = session.run("pre_tool", "--ask", tool_call_id="call_3")  # asked once: it runs now
    assert (resent.returncode, resent.stdout) == (0, "")


@pytest.mark.slow
def test_calls_and_failures_are_captured_and_the_turns_end_names_the_session(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    env = {**hook_env(db), "LESSONLOOP_HOOK_FOREGROUND": "1"}
    session = VibeSession(repo, env)
    failure = load_payload("vibe", "post_tool_failure")
    failed = run_agent_hook("vibe", "post_tool", {**failure, "session_id": session.session_id, "cwd": str(repo)}, env)
    assert failed.returncode == 0, failed.stderr
    path = str(repo / "app.py")
    write = {
        "tool_name": "file_system.write_file",
        "tool_input": {"file_path": path, "content": "x\n"},
        "tool_call_id": "call_w",
        "tool_output": {"path": path, "bytes_written": 2},
    }
    session.run("post_tool", **write)
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, tool, ok, error_class, target_path FROM live_calls ORDER BY seq").fetchall()
    assert rows == [
        (failure["tool_call_id"], "Bash", 0, "MISSING_PREREQUISITE", None),
        ("call_w", "Write", 1, None, path),
    ]


def test_vibe_payloads_in_claude_codes_terms() -> None:
    assert vibe.tool_call("file_system.bash", {"command": "git push", "timeout": 60}) == (
        "Bash",
        {"command": "git push"},
    )
    assert vibe.tool_call("file_system.read_file", {"path": "a.py", "offset": 0}) == (
        "Read",
        {"file_path": "a.py", "offset": 0},
    )
    assert vibe.tool_call(
        "file_system.search_replace", {"file_path": "a.py", "old_string": "x", "new_string": "y"}
    ) == (
        "Edit",
        {"file_path": "a.py", "old_string": "x", "new_string": "y"},
    )
    assert vibe.tool_call("github.create_issue", {"title": "t"}) == ("github.create_issue", {"title": "t"})
    failed, text = vibe.result(load_payload("vibe", "post_tool_failure"))
    assert failed and text.startswith("Exit code 128\nfatal: The current branch feature has no upstream branch.")
    assert vibe.result(load_payload("vibe", "post_tool"))[0] is False
    refused: dict[str, object] = {"tool_status": "failure", "tool_error": "Tool execution denied by approval callback"}
    assert vibe.result(refused) == (True, "Tool execution denied by approval callback")
    turn = vibe.payload("post_agent", load_payload("vibe", "post_agent"))
    assert turn is not None and str(turn["transcript_path"]).endswith(f"/unified/{turn['session_id']}/meta.json")
    failure = vibe.payload("post_tool", load_payload("vibe", "post_tool_failure"))
    assert failure is not None and failure["hook_event_name"] == "PostToolUseFailure"
    assert failure["tool_use_id"] == load_payload("vibe", "post_tool_failure")["tool_call_id"]


def test_the_recorded_payloads() -> None:
    """What Vibe 3.0.2 sent (recorded from the real CLI, `vibe -p`): the session's folder as its
    transcript, the runtime's tool names, the model's call ids."""
    for event in (*EVENTS, "post_tool_failure"):
        body = load_payload("vibe", event)
        assert body["hook_event_name"] == event.removesuffix("_failure")
        assert body["transcript_path"].endswith("/logs/session/unified/" + body["session_id"])
        assert body["cwd"] == "/home/dev/project"
    for event in ("pre_tool", "post_tool", "post_tool_failure"):
        body = load_payload("vibe", event)
        assert body["tool_name"] == "file_system.bash" and body["tool_call_id"].startswith("call_")


def test_a_corrupt_store_fails_open(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a SQLite database" * 100)
    session = VibeSession(repo, hook_env(db))
    for event in ("pre_tool", "post_tool"):
        run = session.run(event)
        assert (run.returncode, run.stdout) == (0, ""), (event, run.stderr)
    log = (db.parent / "hook-failures.log").read_text()
    assert '"event": "PreToolUse"' in log
    malformed = run_agent_hook("vibe", "pre_tool", b"[1, 2]", hook_env(db))
    assert (malformed.returncode, malformed.stdout) == (0, "")
