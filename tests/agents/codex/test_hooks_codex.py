"""Codex CLI's hooks end to end (docs/agents/codex.md): the entry point run as Codex runs an
installed hook (`--agent=codex EVENT`), Codex's payloads (tests/agents/codex/data/hook_payloads/, shaped by
codex-rs/hooks/src/schema.rs), a real store and git repository. Every answer is checked against
Codex's published output schema (tests/agents/codex/data/codex_hook_schema/) and against what its parser
refuses at PreToolUse (additionalContext, "ask", "allow": the hook would count as failed)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.codex import hooks as codex
from tests.agent_hooks import AgentSession, load_payload, run_agent_hook
from tests.hook_helpers import hook_env

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema validates the answers against Codex's schemas")

SCHEMAS = Path(__file__).resolve().parent / "data" / "codex_hook_schema"
OUTPUT_SCHEMA = {
    "SessionStart": "session-start",
    "UserPromptSubmit": "user-prompt-submit",
    "PreToolUse": "pre-tool-use",
    "PostToolUse": "post-tool-use",
    "Stop": "stop",
}
OK = "Chunk ID: 7a2b\nWall time: 0.3 seconds\nProcess exited with code 0\nOriginal token count: 9\nOutput:\n"


def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    return data


def accepted(event: str, stdout: str) -> dict[str, Any] | None:
    """What Codex reads of a hook's stdout, failing the test where Codex would fail the hook."""
    if not stdout.strip():
        return None
    answer = json.loads(stdout)
    jsonschema.validate(answer, schema(f"{OUTPUT_SCHEMA[event]}.command.output"))
    if event == "PreToolUse":  # codex-rs/hooks/src/engine/output_parser.rs: refused at PreToolUse
        inner = answer.get("hookSpecificOutput") or {}
        assert "additionalContext" not in inner and "updatedInput" not in inner, answer
        assert inner.get("permissionDecision") in (None, "deny"), answer
        assert answer.get("continue", True) and "stopReason" not in answer and not answer.get("suppressOutput")
        if inner.get("permissionDecision") == "deny":
            assert str(inner.get("permissionDecisionReason", "")).strip()
    data: dict[str, Any] = answer
    return data


def _learn_push(
    session: AgentSession, ids: tuple[str, str] = ("call_push_1", "call_push_2"), noted: bool = False
) -> None:
    """A Codex session whose `git push` failed for want of an upstream, then worked with it (the
    calls' `ids`: Codex's call ids are its own in each session; `noted`: the lesson failed in one
    session of the project and names its remedy: the push is stopped once first, the model reads
    the lesson as the reason, and sends the same push again: it runs, nothing said)."""
    failed = session.payload("PostToolUse", tool_use_id=ids[0])
    if noted:
        stopped = accepted("PreToolUse", session.run("PreToolUse", tool_use_id=ids[0] + "_stopped").stdout)
        assert stopped is not None and stopped["hookSpecificOutput"]["permissionDecision"] == "deny"
        assert "failed in 1 of 1 sessions" in stopped["hookSpecificOutput"]["permissionDecisionReason"]
    pre = session.run("PreToolUse", tool_use_id=ids[0])
    assert (pre.returncode, pre.stdout) == (0, ""), pre.stderr  # (sent again after its stop: it runs)
    run = session.run("PostToolUse", **failed)
    assert (run.returncode, run.stdout) == (0, ""), run.stderr
    fixed = {"tool_input": {"command": "git push --set-upstream origin feature-x"}, "tool_use_id": ids[1]}
    assert session.run("PreToolUse", **fixed).stdout == ""
    done = session.run(
        "PostToolUse", **fixed, tool_response=OK + "branch 'feature-x' set up to track 'origin/feature-x'.\n"
    )
    assert (done.returncode, done.stdout) == (0, "")


def _lessons(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, title, tier, status FROM lessons").fetchall()


def test_the_recorded_payloads_are_valid_codex_inputs() -> None:
    for event in ("PostToolUse", "UserPromptSubmit", "Stop"):
        name = {"PostToolUse": "post-tool-use", "UserPromptSubmit": "user-prompt-submit", "Stop": "stop"}[event]
        jsonschema.validate(load_payload("codex", event), schema(f"{name}.command.input"))


@pytest.mark.slow
def test_a_push_lesson_learned_through_codex_hooks_in_two_sessions_reaches_the_model_in_the_next(
    repo: Path, tmp_path: Path
) -> None:
    """Learned in the turn, a candidate after one failing session (in the project's next session it
    stops the push once: it names its remedy), active after
    the second; the next session's model reads it at its start, the person sees the warning before
    the call and the model reads it with the result, when the hooks warn only (`--warn-only`); by
    default another session's push is stopped once, the lesson as the reason."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    first = AgentSession("codex", repo, env)
    assert first.run("SessionStart").stdout == ""
    _learn_push(first)
    with sqlite3.connect(db) as conn:
        calls = conn.execute("SELECT id, tool, ok, error_class, command FROM live_calls ORDER BY seq").fetchall()
    assert calls == [
        ("call_push_1", "Bash", 0, "MISSING_PREREQUISITE", "git push"),  # the failure, classified
        ("call_push_2", "Bash", 1, None, "git push --set-upstream origin feature-x"),
    ]
    lessons = _lessons(db)
    assert len(lessons) == 1 and "git push" in lessons[0][1], lessons  # learned in the turn
    assert lessons[0][2:] == ("candidate", "active")  # one failing session: a candidate
    lesson_id, title = lessons[0][:2]
    assert accepted("Stop", first.run("Stop").stdout) is None

    again = AgentSession("codex", repo, env)
    assert again.run("SessionStart").stdout == ""  # a candidate is in no session's start
    _learn_push(again, ("call_push_3", "call_push_4"), noted=True)  # a one-off of the project: stopped once
    assert _lessons(db) == [(lesson_id, title, "active", "active")]  # the second failing session
    assert accepted("Stop", again.run("Stop").stdout) is None

    second = AgentSession("codex", repo, env)
    started = accepted("SessionStart", second.run("SessionStart", "--warn-only").stdout)
    assert started is not None and title in started["hookSpecificOutput"]["additionalContext"]
    prompt = second.run("UserPromptSubmit", "--warn-only", prompt="why does git push fail without an upstream branch")
    assert prompt.returncode == 0
    accepted("UserPromptSubmit", prompt.stdout)

    pre = second.run("PreToolUse", "--warn-only", tool_use_id="call_push_5")
    answer = accepted("PreToolUse", pre.stdout)
    assert answer is not None and title in answer["systemMessage"]  # the person sees it now
    assert "hookSpecificOutput" not in answer  # a warning does not stop the call
    post = second.run("PostToolUse", "--warn-only", tool_use_id="call_push_5")
    after = accepted("PostToolUse", post.stdout)
    assert after is not None
    given = after["hookSpecificOutput"]["additionalContext"]  # the model reads it with the result
    assert title in given and "--set-upstream" in given
    assert second.run("PostToolUse", "--warn-only", tool_use_id="call_push_5").stdout == ""  # given once

    third = AgentSession("codex", repo, env)
    stopped = accepted("PreToolUse", third.run("PreToolUse", tool_use_id="call_push_6").stdout)
    assert stopped is not None and stopped["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert title in stopped["hookSpecificOutput"]["permissionDecisionReason"]
    assert not (db.parent / "hook-failures.log").exists()


def _certain_lesson(db: Path, project: Path, origin: str) -> None:
    """A `git push` lesson over the block threshold (0.97), of the given origin."""
    from lessonloop.learning.engine.engine import Learner
    from lessonloop.store import open_store
    from lessonloop.store.lessons.writer import save_learned
    from tests.learning_helpers import Script, play_all, push_episode

    learner = Learner()
    script = Script(datetime.now(UTC) - timedelta(minutes=5))
    s = script.session("s0", project=str(project), cwd=str(project), branch="feat-0")
    play_all(learner, push_episode(s))
    (lesson,) = learner.lessons.values()
    lesson.session_failed = {f"s{i}": True for i in range(80)}
    lesson.recount()
    conn = open_store(db)
    try:
        save_learned(conn, [lesson], {}, script.tick())
        conn.execute("UPDATE lessons SET origin = ?", (origin,))
        conn.commit()
    finally:
        conn.close()


@pytest.mark.slow
def test_block_denies_with_the_warning_and_ask_stops_the_call_once(repo: Path, tmp_path: Path) -> None:
    """--block: the person's own certain lesson denies (the reason is what the model reads), a
    teammate's never does. --ask: Codex has no "ask" before a call, so the call is stopped once with
    the warning and a request to ask the person; the same call sent again runs."""
    own = tmp_path / "own" / "lessonloop.db"
    _certain_lesson(own, repo, "learned")
    session = AgentSession("codex", repo, hook_env(own))
    denied = accepted("PreToolUse", session.run("PreToolUse", "--block").stdout)
    assert denied is not None
    reason = denied["hookSpecificOutput"]["permissionDecisionReason"]
    assert denied["hookSpecificOutput"]["permissionDecision"] == "deny" and "git push -u origin" in reason

    team = tmp_path / "team" / "lessonloop.db"
    _certain_lesson(team, repo, "team")
    session = AgentSession("codex", repo, hook_env(team))
    warned = accepted("PreToolUse", session.run("PreToolUse", "--block").stdout)
    assert warned is not None and "hookSpecificOutput" not in warned and "git push -u origin" in warned["systemMessage"]
    asked = accepted("PreToolUse", session.run("PreToolUse", "--ask", tool_use_id="call_a1").stdout)
    assert asked is not None and asked["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "ask them" in asked["hookSpecificOutput"]["permissionDecisionReason"]
    again = accepted("PreToolUse", session.run("PreToolUse", "--ask", tool_use_id="call_a2").stdout)
    assert again is not None and "hookSpecificOutput" not in again  # asked once: it runs, warned
    other = AgentSession("codex", repo, hook_env(team))  # another session is asked again
    assert accepted("PreToolUse", other.run("PreToolUse", "--ask").stdout)["hookSpecificOutput"]  # type: ignore[index]


@pytest.mark.slow
def test_apply_patch_is_captured_as_the_write_or_edit_of_its_file(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    session = AgentSession("codex", repo, hook_env(db))
    add = "*** Begin Patch\n*** Add File: src/app.py\n+print('hi')\n*** End Patch\n"
    update = "*** Begin Patch\n*** Update File: src/app.py\n@@\n-print('hi')\n+print('hello')\n*** End Patch\n"
    failed = "apply_patch verification failed: Failed to find expected lines in src/app.py:\nprint('hi')"
    for n, (patch, response) in enumerate(((add, "Success. Updated the following files:\nA src/app.py\n"),
                                          (update, failed), (update, failed))):  # fmt: skip
        fields = {"tool_name": "apply_patch", "tool_input": {"command": patch}, "tool_use_id": f"call_patch_{n}"}
        pre = session.run("PreToolUse", **fields)
        post = session.run("PostToolUse", **fields, tool_response=response)
        assert (pre.returncode, post.returncode) == (0, 0)
        accepted("PostToolUse", post.stdout)
    # the same patch resent as it failed, nothing changed since: stopped once before it runs (the
    # path read from the patch)
    answer = accepted("PreToolUse", pre.stdout)
    assert answer is not None and answer["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "failed moments ago" in answer["hookSpecificOutput"]["permissionDecisionReason"]
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT tool, target_path, ok, status FROM live_calls ORDER BY seq").fetchall()
    assert rows == [
        ("Write", "src/app.py", 1, "ok"),
        ("Edit", "src/app.py", 0, "error"),
        ("Edit", "src/app.py", 0, "error"),
    ]


def test_codex_tools_in_claude_codes_terms() -> None:
    assert codex.tool_call("Bash", {"command": "bash -lc 'git push origin main'"}) == (
        "Bash",
        {"command": "git push origin main"},
    )
    assert codex.tool_call("Bash", {"command": "git status"}) == ("Bash", {"command": "git status"})
    patch = "*** Begin Patch\n*** Update File: a.py\n@@ def f\n-x = 1\n+x = 2\n y = 3\n*** End Patch"
    assert codex.tool_call("apply_patch", {"command": patch}) == (
        "Edit",
        {"file_path": "a.py", "old_string": "x = 1\ny = 3", "new_string": "x = 2\ny = 3"},
    )
    shell_patch = "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: b.md\n+# B\n*** End Patch\nEOF"
    assert codex.tool_call("Bash", {"command": shell_patch}) == ("Write", {"file_path": "b.md", "content": "# B"})
    arguments = {"entities": [{"name": "x"}]}
    assert codex.tool_call("mcp__memory__create_entities", arguments) == ("mcp__memory__create_entities", arguments)
    assert codex.result("Exit code: 1\nWall time: 0.2 seconds\nOutput:\nboom") == (True, "Exit code 1\nboom")
    assert codex.result(OK + "fine") == (False, "fine")
    assert codex.result({"content": [{"type": "text", "text": "no"}], "isError": True})[0] is True
    assert codex.result('{"output":"x","metadata":{"exit_code":2,"duration_seconds":0.1}}') == (True, "Exit code 2\nx")


@pytest.mark.slow
def test_stop_queues_the_rollout_and_its_ingest_reads_it(repo: Path, tmp_path: Path) -> None:
    from tests.planted_codex import write_planted_codex_session

    session_id = write_planted_codex_session(tmp_path / "codex", "deploy the service", 1)
    (rollout,) = (tmp_path / "codex" / "sessions").rglob("rollout-*.jsonl")
    db = tmp_path / "store" / "lessonloop.db"
    session = AgentSession("codex", repo, hook_env(db), transcript=rollout)
    session.session_id = session_id
    stop = session.run("Stop")
    assert (stop.returncode, stop.stdout) == (0, "")
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT agent FROM sessions WHERE id = ?", (session_id,)).fetchall()
    assert stored == [("codex",)]
    assert not (db.parent / "hook-failures.log").exists()


def test_a_corrupt_store_fails_open(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    db.write_bytes(b"this is not a SQLite database" * 100)
    session = AgentSession("codex", repo, hook_env(db))
    for event in ("SessionStart", "PreToolUse", "PostToolUse"):
        run = session.run(event)
        assert (run.returncode, run.stdout) == (0, ""), (event, run.stderr)
    log = (db.parent / "hook-failures.log").read_text()
    # the recorded PostToolUse is a failed push: read as Claude Code's PostToolUseFailure
    assert '"event": "PreToolUse"' in log and '"event": "PostToolUseFailure"' in log
    malformed = run_agent_hook("codex", "PreToolUse", b'{"tool_name": ', hook_env(db))
    assert (malformed.returncode, malformed.stdout) == (0, "")
