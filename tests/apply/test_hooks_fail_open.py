"""The hooks fail open: whatever goes wrong, exit 0, nothing on stdout (no decision), and the
failure is in the log `lessonloop hooks status` shows."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply.hooks import entry, failures, pre_tool, spool
from lessonloop.core import json_depth
from tests.hook_helpers import HookSession, hook_env, no_upstream, run_hook

EVENTS = ("SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "Stop", "SessionEnd")


def _payload(event: str, cwd: Path) -> dict[str, Any]:
    return {
        "session_id": "s-fail-open",
        "transcript_path": str(cwd / "none.jsonl"),
        "cwd": str(cwd),
        "hook_event_name": event,
        "prompt": "fix the push",
        "tool_name": "Bash",
        "tool_input": {"command": "git push"},
        "tool_use_id": f"toolu_{event}",
        "tool_response": {"stdout": "", "stderr": ""},
        "error": no_upstream("main"),
        "source": "startup",
    }


def _log(db: Path) -> list[dict[str, object]]:
    return failures.read_failures(str(db), limit=100)[1]


@pytest.mark.parametrize("event", EVENTS)
def test_a_corrupt_store_means_no_decision(tmp_path: Path, event: str) -> None:
    db = tmp_path / "lessonloop.db"
    db.write_bytes(b"this is not a database\x00" * 200)
    run = run_hook(event, _payload(event, tmp_path), hook_env(db), timeout=20)
    assert (run.returncode, run.stdout) == (0, "")
    assert run.stderr == ""
    logged = _log(db)
    assert len(logged) == 1 and logged[0]["event"] == event
    assert "not a database" in str(logged[0]["error"])
    assert db.read_bytes().startswith(b"this is not a database")  # left as it was


@pytest.mark.slow
def test_a_locked_store_still_gives_its_lesson_as_a_note_and_loses_no_event(tmp_path: Path) -> None:
    """A store another process holds locked still gives its lesson, as a note rather than a stop
    (issue 82: what follows a stop, gone past or not, cannot be stored, so the lesson could never
    learn that its stops are gone past and would stop every new session), and every event's writes
    wait for the lock. Once the lock is free, a new session's call is stopped once again."""
    db = tmp_path / "lessonloop.db"
    env = hook_env(db, LESSONLOOP_BUSY_TIMEOUT_MS="300")
    for _ in range(2):  # the mistake in two sessions: an active lesson (one session's is a candidate)
        session = HookSession(tmp_path, env)
        session.bash("git push", error=no_upstream("main"))
        session.bash("git push --set-upstream origin main")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing for a long time
    try:
        runs = {}
        for event in ("PreToolUse", "PostToolUse", "PostToolUseFailure", "SessionStart", "Stop"):
            # (a hook that hangs on the lock fails by run_hook's timeout)
            runs[event] = run_hook(event, _payload(event, tmp_path), env, timeout=20)
            assert runs[event].returncode == 0 and runs[event].stderr == "", event
        assert len(spool.pending(str(db))) >= 5  # every event's writes wait for the lock (and the new session's row)
        with sqlite3.connect(db) as reader:  # nothing half-written meanwhile
            assert reader.execute("SELECT count(*) FROM live_calls").fetchone()[0] == 4
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    noted = (runs["PreToolUse"].output or {}).get("hookSpecificOutput", {})
    assert noted.get("permissionDecision") != "deny", noted  # a note, not a stop
    assert "git push --set-upstream origin main" in runs["PreToolUse"].context  # the lesson reached the agent
    assert _log(db) == []  # waiting is not a failure
    session.bash("ls")  # the next hooks store what waited, then their own events
    assert spool.pending(str(db)) == []
    with sqlite3.connect(db) as conn:
        calls = conn.execute("SELECT id, status, seq FROM live_calls WHERE session_id = 's-fail-open' ORDER BY seq")
        assert calls.fetchall() == [("toolu_PostToolUse", "ok", 1), ("toolu_PostToolUseFailure", "error", 2)]
        decided = conn.execute(
            "SELECT event, action, tool_use_id FROM hook_decisions WHERE session_id = 's-fail-open' ORDER BY id"
        ).fetchall()
        assert decided[0] == ("PreToolUse", "warn", "toolu_PreToolUse")
        assert conn.execute(
            "SELECT ended_at IS NULL, model FROM hook_sessions WHERE session_id = 's-fail-open'"
        ).fetchone() == (1, None)
        assert conn.execute("SELECT warnings FROM lessons").fetchone()[0] >= 1
    unlocked = HookSession(tmp_path, env).pre("git push").output or {}
    assert unlocked["hookSpecificOutput"]["permissionDecision"] == "deny"  # the lock gone: stopped once


@pytest.mark.slow
def test_a_lock_held_for_a_moment_costs_no_stop(tmp_path: Path) -> None:
    """Another process (a worker's transaction, another hook's record) holds the store's write lock
    while the call comes, and lets it go within the hook's own lock wait: the call is stopped as
    with no lock, not turned into a note (a real agent's repeat comes right after the calls whose
    writes the workers are storing)."""
    db = tmp_path / "lessonloop.db"
    env = hook_env(db)  # PreToolUse waits up to 500 ms for the lock, as its writes do
    for _ in range(2):
        session = HookSession(tmp_path, env)
        session.bash("git push", error=no_upstream("main"))
        session.bash("git push --set-upstream origin main")
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(0.25, lambda: holder.execute("ROLLBACK"))
    released.start()
    try:
        pre = HookSession(tmp_path, env).pre("git push")
    finally:
        released.join()
        holder.close()
    assert (pre.output or {})["hookSpecificOutput"]["permissionDecision"] == "deny"


@pytest.mark.slow
def test_new_sessions_under_a_held_lock_get_notes_not_stops(tmp_path: Path) -> None:
    """Six new sessions make the same call while another process holds the store's write lock: not
    one is stopped (each would be: their overrides wait in the spool, unseen by the lesson)."""
    db = tmp_path / "lessonloop.db"
    env = hook_env(db, LESSONLOOP_BUSY_TIMEOUT_MS="200")
    for _ in range(2):
        session = HookSession(tmp_path, env)
        session.bash("git push", error=no_upstream("main"))
        session.bash("git push --set-upstream origin main")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        answers = []
        for _ in range(6):
            session = HookSession(tmp_path, env)
            pre, _post = session.bash("git push")
            answers.append(pre.output or {})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    decisions = [a.get("hookSpecificOutput", {}).get("permissionDecision") for a in answers]
    assert "deny" not in decisions, decisions
    assert all("git push --set-upstream origin main" in str(a) for a in answers)  # the lesson, as a note


@pytest.mark.parametrize(
    "stdin",
    [b"", b"{not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'"a string"', b'{"hook_event_name": 5}'],
    ids=["empty", "truncated", "invalid-utf8", "array", "string", "bad-event"],
)
def test_unreadable_stdin_means_no_decision(tmp_path: Path, stdin: bytes) -> None:
    db = tmp_path / "lessonloop.db"
    run = run_hook(None, stdin, hook_env(db), timeout=20)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    run = run_hook("PreToolUse", stdin, hook_env(db), timeout=20)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    assert not db.exists()  # a reading hook never creates the store


def test_a_missing_store_is_no_lessons_not_a_failure(tmp_path: Path) -> None:
    db = tmp_path / "nowhere" / "lessonloop.db"
    for event in ("PreToolUse", "UserPromptSubmit"):
        run = run_hook(event, _payload(event, tmp_path), hook_env(db))
        assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    assert not db.exists() and _log(db) == []


def _run_in_process(monkeypatch: pytest.MonkeyPatch, db: Path, event: str, payload: bytes) -> tuple[int, str]:
    class Stdin:
        buffer = io.BytesIO(payload)

    out = io.StringIO()
    monkeypatch.setenv("LESSONLOOP_DB", str(db))
    monkeypatch.setattr(sys, "stdin", Stdin())
    monkeypatch.setattr(sys, "stdout", out)
    code = entry.main([event])
    return code, out.getvalue()


def test_a_handler_exception_means_no_decision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "lessonloop.db"
    session = HookSession(tmp_path, hook_env(db))
    session.bash("git push", error=no_upstream("main"))
    session.bash("git push --set-upstream origin main")

    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise RuntimeError("a bug in the matcher")

    monkeypatch.setattr(pre_tool, "_fired", broken)
    code, out = _run_in_process(
        monkeypatch,
        db,
        "PreToolUse",
        b'{"session_id": "s", "tool_name": "Bash", "tool_input": {"command": "git push"}}',
    )
    assert (code, out) == (0, "")
    logged = _log(db)[-1]
    assert logged["event"] == "PreToolUse" and logged["error"] == "RuntimeError: a bug in the matcher"
    assert str(logged["where"]).endswith(".py:" + str(logged["where"]).rsplit(":", 1)[1])


def test_a_handler_past_its_budget_is_cut_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "lessonloop.db"
    HookSession(tmp_path, hook_env(db)).bash("ls")  # the store exists

    def slow(*_args: object, **_kwargs: object) -> list[object]:
        time.sleep(30)
        return []

    monkeypatch.setattr(pre_tool, "_fired", slow)
    monkeypatch.setitem(entry.BUDGET_SECONDS, "PreToolUse", 0.2)
    code, out = _run_in_process(
        monkeypatch, db, "PreToolUse", b'{"session_id": "s", "tool_name": "Bash", "tool_input": {"command": "ls"}}'
    )
    assert (code, out) == (0, "")
    assert "HookTimeout" in str(_log(db)[-1]["error"])  # cut off, not let run its 30 s


@pytest.mark.parametrize("depth", [150, 990])
def test_a_deeply_nested_tool_input_is_stored_cut_not_lost(tmp_path: Path, depth: int) -> None:
    """A payload nested deeper than the code after the hook can walk (redaction recursed until
    RecursionError near 1000 levels, and the stored JSON could not be read back) is cut at
    json_depth.MAX_DEPTH, as ingest cuts transcript lines; the call is stored, nothing fails."""
    db = tmp_path / "store.db"
    # Written by hand: json.dumps in this process would itself give out near 1000 levels.
    text = json.dumps(_payload("PostToolUse", tmp_path) | {"tool_input": {"command": "git push", "deep": "@"}})
    payload = text.replace('"@"', "[" * depth + '"leaf"' + "]" * depth).encode()
    run = run_hook("PostToolUse", payload, hook_env(db))
    assert run.returncode == 0 and run.stderr == ""
    assert _log(db) == []
    with sqlite3.connect(db) as conn:
        (input_json,) = conn.execute("SELECT input_json FROM live_calls WHERE id = 'toolu_PostToolUse'").fetchone()
    assert "git push" in input_json and json_depth.CUT in input_json
    assert json_depth.too_deep(json.loads(input_json)) is None


def test_the_bracket_precheck_cannot_miss_a_deep_payload() -> None:
    # Nesting deeper than MAX_DEPTH needs more than MAX_DEPTH brackets: the cheap count is safe.
    assert entry._DEPTH_CHECK_BRACKETS <= json_depth.MAX_DEPTH


def test_a_logged_failure_holds_no_secret(tmp_path: Path) -> None:
    """The failure log lives beside the store (and its fallbacks in shared folders): an error
    that quotes a command line or the payload is redacted before it is written."""
    db = tmp_path / "store.db"
    secret = "ghp_" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2"
    failures.log_failure(str(db), "PreToolUse", "s1", ValueError(f"bad command: git push https://{secret}@github.com"))
    logged = _log(db)
    assert len(logged) == 1 and "[REDACTED:github-token]" in str(logged[0]["error"])
    assert secret not in Path(failures.log_path(str(db))).read_text()
