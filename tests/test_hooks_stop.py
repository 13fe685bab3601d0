"""Stop / SessionEnd: the session's transcript is ingested (analysis and learning too), and the
calls the hooks stored live are dropped once the transcript holds them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from lessonloop.apply.hooks import failures
from tests.hook_helpers import hook_env, no_upstream, run_hook
from tests.transcript_builder import TranscriptBuilder


def _session_with_transcript(tmp_path: Path, db: Path, env: dict[str, str]) -> tuple[TranscriptBuilder, Path]:
    repo = tmp_path / "repo"
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
