"""`lessonloop cleanup` and `runs cleanup` delete for good, so they ask first (issue 82, item 4): a
real `lessonloop` process on a real store, its standard input /dev/null (off a terminal), then a
real pseudo-terminal answering no and yes."""

from __future__ import annotations

import json
import os
import pty
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.agent_data import agent_data
from tests.conftest import run_ingest

TRANSCRIPT = agent_data("claude") / "claude_code_2_1_328"


def _sessions(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM sessions").fetchone()[0])
    finally:
        conn.close()


def _store(tmp_path: Path) -> Path:
    folder = tmp_path / "transcripts"
    shutil.copytree(TRANSCRIPT, folder)
    db = tmp_path / "store.db"
    run_ingest(db, folder)
    assert _sessions(db) >= 1
    return db


def _lessonloop(*args: str, stdin: int = subprocess.DEVNULL) -> subprocess.CompletedProcess[str]:
    """A real `lessonloop` process, its standard input `stdin` (/dev/null: off a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *args], stdin=stdin, capture_output=True, text=True, timeout=120
    )


def _cleanup(db: Path, stdin: int, *extra: str) -> subprocess.CompletedProcess[str]:
    return _lessonloop("cleanup", "--sessions-older-than", "1d", "--db", str(db), *extra, stdin=stdin)


def _on_terminal(db: Path, answer: str) -> subprocess.CompletedProcess[str]:
    leader, follower = pty.openpty()
    try:
        os.write(leader, answer.encode() + b"\n")
        return _cleanup(db, follower)
    finally:
        os.close(follower)
        os.close(leader)


def test_off_a_terminal_nothing_is_deleted_without_yes(tmp_path: Path) -> None:
    db = _store(tmp_path)
    before = _sessions(db)
    with open(os.devnull, "rb") as nothing:
        done = _cleanup(db, nothing.fileno())
    assert done.returncode == 1
    assert "Would delete" in done.stderr and "add --yes to confirm" in done.stderr
    assert _sessions(db) == before
    with open(os.devnull, "rb") as nothing:
        confirmed = _cleanup(db, nothing.fileno(), "--yes")
    assert confirmed.returncode == 0, confirmed.stderr
    assert confirmed.stdout.startswith("No runs older than") and "Deleted" in confirmed.stdout
    assert _sessions(db) == 0


def test_on_a_terminal_it_asks_and_a_no_keeps_everything(tmp_path: Path) -> None:
    db = _store(tmp_path)
    before = _sessions(db)
    declined = _on_terminal(db, "n")
    assert declined.returncode == 1
    assert "Delete these for good?" in declined.stderr and "Nothing was deleted." in declined.stderr
    assert _sessions(db) == before
    accepted = _on_terminal(db, "y")
    assert accepted.returncode == 0, accepted.stderr
    assert _sessions(db) == 0


def test_nothing_to_delete_asks_nothing(tmp_path: Path) -> None:
    db = _store(tmp_path)
    with open(os.devnull, "rb") as nothing:
        done = _cleanup(db, nothing.fileno(), "--sessions-older-than", "100000d", "--commits-older-than", "100000d")
    assert done.returncode == 0, done.stderr
    assert "nothing to delete" in done.stdout and "Delete these" not in done.stderr


def test_what_cleanup_deleted_comes_back_with_ingest_reread_and_a_forgotten_session_does_not(
    tmp_path: Path,
) -> None:
    """cleanup deleted for good: `ingest` then said "unchanged" and the store kept 0 sessions
    (issue 82). `ingest --reread` reads the files that held them again; `forget` stays forgotten."""
    db = _store(tmp_path)
    ids = _session_ids(db)
    with open(os.devnull, "rb") as nothing:
        assert _cleanup(db, nothing.fileno(), "--yes").returncode == 0
    assert _sessions(db) == 0
    run_ingest(db, tmp_path / "transcripts")
    assert _sessions(db) == 0  # a plain ingest does not bring them back
    again = _lessonloop("ingest", "--reread", "--no-analyze", "--json", "--db", str(db), str(tmp_path / "transcripts"))
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["brought_back"]["sessions"] >= 1
    assert _session_ids(db) == ids
    forgotten = _lessonloop("forget", "session", ids[0], "--yes", "--db", str(db))
    assert forgotten.returncode == 0, forgotten.stderr
    assert (
        _lessonloop("ingest", "--reread", "--no-analyze", "--db", str(db), str(tmp_path / "transcripts")).returncode
        == 0
    )
    assert ids[0] not in _session_ids(db)


def _session_ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [str(r[0]) for r in conn.execute("SELECT id FROM sessions WHERE parent_id IS NULL ORDER BY id")]
    finally:
        conn.close()
