"""Stop / SessionEnd: the session's transcript is ingested (analysis and learning too), and the
calls the hooks stored live are dropped once the transcript holds them."""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply.hooks import failures
from lessonloop.pipeline import live_ingest
from tests.conftest import cli
from tests.hook_helpers import hook_env, no_upstream, run_hook
from tests.transcript_builder import TranscriptBuilder


def _session_with_transcript(
    tmp_path: Path, db: Path, env: dict[str, str], name: str = "repo"
) -> tuple[TranscriptBuilder, Path]:
    repo = tmp_path / name
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    t = TranscriptBuilder(cwd=str(repo))
    t.prompt("push the branch")
    failing = t.bash("git push", no_upstream("main").removeprefix("Exit code 128\n"), exit_code=128)
    fixing = t.bash("git push --set-upstream origin main", "branch 'main' set up to track 'origin/main'.")
    transcript = t.write(tmp_path / "transcripts" / f"{t.session_id}.jsonl")
    for tool_use_id, command, error in ((failing, "git push", no_upstream("main")), (fixing, "git push -u", None)):
        base: dict[str, Any] = {
            "session_id": t.session_id,
            "transcript_path": str(transcript),
            "cwd": str(repo),
            "tool_name": "Bash",
            "tool_input": {"command": command if error else "git push --set-upstream origin main"},
            "tool_use_id": tool_use_id,
        }
        run_hook("PreToolUse", {**base, "hook_event_name": "PreToolUse"}, env)
        if error:
            run_hook("PostToolUseFailure", {**base, "hook_event_name": "PostToolUseFailure", "error": error}, env)
        else:
            run_hook("PostToolUse", {**base, "hook_event_name": "PostToolUse", "tool_response": {"stdout": "ok"}}, env)
    return t, transcript


def _counts(db: Path, session_id: str) -> tuple[int, int, int]:
    with sqlite3.connect(db) as conn:
        return (
            conn.execute("SELECT count(*) FROM tool_calls WHERE session_id = ?", (session_id,)).fetchone()[0],
            conn.execute("SELECT count(*) FROM live_calls WHERE session_id = ?", (session_id,)).fetchone()[0],
            conn.execute("SELECT count(*) FROM lessons").fetchone()[0],
        )


@pytest.mark.slow
def test_stop_ingests_the_transcript_and_drops_the_live_calls(tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)  # foreground: the hook waits for the ingest worker
    t, transcript = _session_with_transcript(tmp_path, db, env)
    assert _counts(db, t.session_id) == (0, 2, 1)  # learned live, before any transcript is read
    payload = {"session_id": t.session_id, "transcript_path": str(transcript), "cwd": t.cwd, "stop_hook_active": False}
    stop = run_hook("Stop", {**payload, "hook_event_name": "Stop"}, env)
    assert (stop.returncode, stop.stdout) == (0, "")
    assert _counts(db, t.session_id) == (2, 0, 1)  # the same lesson, now from the transcript
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT sessions, failed_sessions FROM lessons").fetchone() == (1, 1)
    end = run_hook("SessionEnd", {**payload, "hook_event_name": "SessionEnd", "reason": "exit"}, env)
    assert end.returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT ended_at IS NOT NULL FROM hook_sessions WHERE session_id = ?", (t.session_id,)
        ).fetchone() == (1,)
    assert failures.read_failures(str(db))[0] == 0


@pytest.mark.slow
def test_stop_hands_the_ingest_to_a_background_worker(tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db, LESSONLOOP_HOOK_FOREGROUND="0")
    t, transcript = _session_with_transcript(tmp_path, db, env)
    payload = {"session_id": t.session_id, "transcript_path": str(transcript), "cwd": t.cwd, "hook_event_name": "Stop"}
    stop = run_hook("Stop", payload, env)
    assert (stop.returncode, stop.stdout) == (0, "")
    deadline = time.monotonic() + 60
    while _counts(db, t.session_id)[:2] != (2, 0) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _counts(db, t.session_id) == (2, 0, 1)
    assert not (db.parent / "ingest-queue").exists()
    assert failures.read_failures(str(db))[0] == 0


@pytest.mark.slow
def test_a_transcript_written_after_the_stop_hook_is_ingested_by_the_background_worker(tmp_path: Path) -> None:
    """Copilot CLI 1.0.102 may create the events.jsonl its agentStop names only after the hook ran:
    the hook queues it all the same, and the background worker waits for it (LATE_SECONDS)."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db, LESSONLOOP_HOOK_FOREGROUND="0")
    t, transcript = _session_with_transcript(tmp_path, db, env)
    later = transcript.parent / "later" / transcript.name  # its folder not made yet either
    payload = {"session_id": t.session_id, "transcript_path": str(later), "cwd": t.cwd, "hook_event_name": "Stop"}
    stop = run_hook("Stop", payload, env)
    assert (stop.returncode, stop.stdout) == (0, "")
    time.sleep(1.0)
    later.parent.mkdir()
    os.replace(transcript, later)
    deadline = time.monotonic() + 60
    while _counts(db, t.session_id)[:2] != (2, 0) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _counts(db, t.session_id) == (2, 0, 1)
    assert failures.read_failures(str(db))[0] == 0
    # A hook that waits for its worker does not queue what is not there: nothing to wait for.
    missing = tmp_path / "transcripts" / "never" / "written.jsonl"
    stop = run_hook("Stop", {**payload, "transcript_path": str(missing)}, hook_env(db))
    assert stop.returncode == 0 and not (db.parent / "ingest-queue").exists()


def test_the_ingest_worker_logs_what_stops_it(tmp_path: Path) -> None:
    """The worker is a process of its own (pipeline/live_ingest.py): what stops it is written to
    the hooks' failure log, where `lessonloop hooks status` shows it, and it exits 0 silently."""
    db = tmp_path / "store" / "lessonloop.db"
    db.parent.mkdir()
    db.write_bytes(b"not a SQLite database " * 200)
    transcript = tmp_path / "session.jsonl"
    transcript.write_text("{}\n")
    (db.parent / "ingest-queue").write_text(f"{transcript}\n")
    worker = [sys.executable, "-I", "-m", "lessonloop.pipeline.live_ingest"]
    done = subprocess.run(worker, env=hook_env(db), capture_output=True, timeout=120, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    count, logged = failures.read_failures(str(db))
    assert count == 1
    assert logged[0]["event"] == "ingest"
    assert str(db) in str(logged[0]["error"])  # the store named, with the cause


WORKER = [sys.executable, "-I", "-m", "lessonloop.pipeline.live_ingest"]


def _stop(t: TranscriptBuilder, transcript: Path, env: dict[str, str]) -> None:
    payload = {"session_id": t.session_id, "transcript_path": str(transcript), "cwd": t.cwd, "stop_hook_active": False}
    assert run_hook("Stop", {**payload, "hook_event_name": "Stop"}, env).returncode == 0


def _queue_files(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob("ingest-queue*"))


@pytest.mark.slow
def test_a_worker_stopped_by_a_locked_store_leaves_the_transcript_queued(tmp_path: Path) -> None:
    """The store locked past $LESSONLOOP_BUSY_TIMEOUT_MS: the worker gives up, logs it, and the
    transcript stays queued; the next session's Stop ingests both, each once."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db, LESSONLOOP_BUSY_TIMEOUT_MS="200")
    first, first_transcript = _session_with_transcript(tmp_path, db, env, "first")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        _stop(first, first_transcript, env)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _counts(db, first.session_id)[:2] == (0, 2)  # not ingested
    assert live_ingest.queued(str(db)) == {str(first_transcript): 0}  # a store's failure is not the transcript's
    count, logged = failures.read_failures(str(db))
    assert count == 1 and logged[0]["event"] == "ingest" and "locked" in str(logged[0]["error"])
    second, second_transcript = _session_with_transcript(tmp_path, db, env, "second")
    _stop(second, second_transcript, env)
    assert _counts(db, first.session_id) == (2, 0, 1)  # once: the same lesson from both sessions
    assert _counts(db, second.session_id) == (2, 0, 1)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT sessions, failed_sessions FROM lessons").fetchone() == (2, 2)
    assert _queue_files(db) == []
    assert failures.read_failures(str(db))[0] == 1


@pytest.mark.slow
def test_a_worker_killed_midway_leaves_the_transcript_queued(tmp_path: Path) -> None:
    """SIGKILL after the worker took the queue (waiting for the store's lock): the next Stop's
    worker claims what it left and ingests it, once."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    first, first_transcript = _session_with_transcript(tmp_path, db, env, "first")
    with open(db.parent / "ingest.lock", "a") as lock:  # a worker runs: the hook only queues
        fcntl.flock(lock, fcntl.LOCK_EX)
        _stop(first, first_transcript, {**env, "LESSONLOOP_HOOK_FOREGROUND": "0"})
    assert (db.parent / "ingest-queue").read_text() == f"{first_transcript}\n"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        worker = subprocess.Popen(WORKER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while (db.parent / "ingest-queue").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not (db.parent / "ingest-queue").exists()  # taken: the worker now waits for the lock
        worker.send_signal(signal.SIGKILL)
        assert worker.wait(timeout=60) == -signal.SIGKILL
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _counts(db, first.session_id)[:2] == (0, 2)
    assert list(live_ingest.queued(str(db))) == [str(first_transcript)]  # claimed, not lost
    second, second_transcript = _session_with_transcript(tmp_path, db, env, "second")
    _stop(second, second_transcript, env)
    assert _counts(db, first.session_id) == (2, 0, 1)
    assert _counts(db, second.session_id) == (2, 0, 1)
    assert _queue_files(db) == []
    assert failures.read_failures(str(db))[0] == 0


@pytest.mark.slow
def test_a_transcript_that_always_fails_is_dropped_after_the_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A queued path that cannot be read (a FIFO: unreadable even for root) fails each worker
    once, is logged each time and dropped after MAX_ATTEMPTS; the good transcript beside it is
    ingested by the first worker, once."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    t, transcript = _session_with_transcript(tmp_path, db, env)
    unreadable = tmp_path / "transcripts" / "unreadable.jsonl"
    os.mkfifo(unreadable)
    (db.parent / "ingest-queue").write_text(f"{unreadable}\n{transcript}\n{unreadable}\n")
    bound = live_ingest.MAX_ATTEMPTS
    for attempt in range(1, bound + 1):
        done = subprocess.run(WORKER, env=env, capture_output=True, timeout=120, check=False)
        assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
        assert _counts(db, t.session_id) == (2, 0, 1)
        count, logged = failures.read_failures(str(db))
        assert count == attempt
        assert logged[-1]["event"] == "ingest" and str(unreadable) in str(logged[-1]["error"])
        if attempt < bound:
            assert live_ingest.queued(str(db)) == {str(unreadable): attempt}
            monkeypatch.setenv("LESSONLOOP_DB", str(db))
            status = cli("hooks", "status", "--json")
            assert status.json()["ingest_queue"] == {"waiting": 1, "retrying": [str(unreadable)], "max_attempts": bound}
            text = " ".join(cli("hooks", "status").output.split())
            assert "Ingest queue: 1 transcript(s)" in text and "unreadable.jsonl" in text
    assert "dropped" in str(logged[-1]["error"])
    assert f"After {bound} failed attempts" in (Path(__file__).parent.parent.parent / "docs" / "hooks.md").read_text()
    assert _queue_files(db) == []
    done = subprocess.run(WORKER, env=env, capture_output=True, timeout=120, check=False)
    assert failures.read_failures(str(db))[0] == bound  # nothing left to retry
    assert _counts(db, t.session_id) == (2, 0, 1)
