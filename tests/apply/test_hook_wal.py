"""A hook run as installed leaves its store connection for os._exit to end (apply/hooks/hook_store.py,
LEAVE_OPEN): what it committed stays in the -wal, where the next process reads it, and the -wal is
emptied by the hook that finds it at WAL_PAGES pages or more, so it stays short however many hooks
run. In a process that does not end with os._exit (the hook called in-process), connections are
closed as before."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from lessonloop.apply.hooks import hook_store
from tests.hook_helpers import HookSession, hook_env

FRAME = 4096 + 24  # a -wal frame: a page and its header


def _started(tmp_path: Path) -> tuple[Path, HookSession]:
    """A store and a Claude Code session started in a new git repository."""
    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    db = tmp_path / "store" / "lessonloop.db"
    session = HookSession(repo, hook_env(db))
    assert session.start().returncode == 0
    return db, session


def test_many_hooks_keep_the_wal_short_and_lose_nothing(tmp_path: Path) -> None:
    db, session = _started(tmp_path)
    wal = Path(f"{db}-wal")
    largest = 0
    calls = 40
    for n in range(calls):
        pre, post = session.bash(f"echo call {n} " + "x" * 3000, stdout="y" * 1500)  # about a page each
        assert pre.returncode == 0 and post.returncode == 0, post.stderr
        assert wal.exists()  # left for the next process, not folded in and deleted by the hook
        largest = max(largest, wal.stat().st_size)
    # emptied at WAL_PAGES pages: it never holds much more than that (one event's pages more)
    assert largest < (hook_store.WAL_PAGES + 32) * FRAME, largest
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT count(*) FROM live_calls WHERE session_id = ?", (session.session_id,))
        assert stored.fetchone()[0] == calls  # every call committed, read back through the -wal
        decisions = conn.execute(
            "SELECT count(*) FROM hook_decisions WHERE session_id = ? AND event = 'PreToolUse'", (session.session_id,)
        )
        assert decisions.fetchone()[0] == calls
    finally:
        conn.close()


def test_a_hook_called_in_process_closes_its_connection(tmp_path: Path) -> None:
    """Without entry.run (the `lessonloop hook` command, tests), `release` closes as close did."""
    db = tmp_path / "lessonloop.db"
    sqlite3.connect(db).close()
    conn = sqlite3.connect(db)
    assert hook_store.LEAVE_OPEN == [False]
    hook_store.release(conn, str(db))
    try:
        conn.execute("SELECT 1")
        raise AssertionError("the connection is still open")
    except sqlite3.ProgrammingError:
        pass  # closed


def test_a_wal_another_reader_holds_is_left_for_later_without_an_error(tmp_path: Path) -> None:
    """A reader holding a snapshot (the web UI, an MCP server, a long query) keeps the -wal from
    being emptied: the hook leaves it for a later one, and logs nothing (`hooks status` shows only
    real failures)."""
    db, session = _started(tmp_path)
    keeper = sqlite3.connect(db)
    keeper.execute("BEGIN")
    keeper.execute("SELECT count(*) FROM live_calls").fetchone()
    try:
        for n in range(hook_store.WAL_PAGES // 2 + 8):  # past WAL_PAGES pages while the reader holds it
            pre, post = session.bash(f"echo call {n} " + "x" * 3000, stdout="y" * 1500)
            assert pre.returncode == 0 and post.returncode == 0, post.stderr
        assert Path(f"{db}-wal").stat().st_size > hook_store.WAL_PAGES * FRAME  # it could not be emptied
    finally:
        keeper.close()
    failures = db.parent / "hook-failures.log"
    assert not failures.exists(), failures.read_text()
