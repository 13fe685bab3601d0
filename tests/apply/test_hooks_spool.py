"""The hooks' spool (apply/hooks/spool.py): an event whose write finds the store locked waits in
a file and is stored exactly once by the next hook that holds the lock, even when that file is
still there after it was stored (a process killed between its commit and the deletion); a file
that cannot be read is logged and dropped, never retried for ever. Real hook processes, a real
store, a real lock held by another connection."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.apply.hooks import failures, spool
from tests.hook_helpers import HookSession, hook_env, no_upstream


def _calls(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, seq FROM live_calls ORDER BY seq").fetchall()


def _locked_bash(db: Path, session: HookSession, command: str) -> None:
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        session.bash(command)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.slow
def test_a_spooled_event_is_stored_once_even_when_its_file_outlives_its_commit(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    session = HookSession(tmp_path, hook_env(db, LESSONLOOP_BUSY_TIMEOUT_MS="100"))
    session.bash("true")
    _locked_bash(db, session, "echo waited")
    waiting = spool.pending(str(db))
    assert len(waiting) == 2 and len(_calls(db)) == 1  # its PreToolUse decision and its call
    kept = tmp_path / "kept"
    kept.mkdir()
    for name in waiting:
        shutil.copy(Path(spool.folder(str(db))) / name, kept / name)
    session.bash("echo next")  # stores the spool first, then its own event
    assert [call for call, _seq in _calls(db)] == [
        f"toolu_{session.session_id[:8]}_0001",
        f"toolu_{session.session_id[:8]}_0002",
        f"toolu_{session.session_id[:8]}_0003",
    ]
    Path(spool.folder(str(db))).mkdir(exist_ok=True)
    for name in waiting:  # as if the process that stored them was killed before deleting them
        shutil.copy(kept / name, Path(spool.folder(str(db))) / name)
    session.bash("echo last")
    assert [seq for _call, seq in _calls(db)] == [1, 2, 3, 4]  # nothing stored twice
    assert spool.pending(str(db)) == []
    with sqlite3.connect(db) as conn:
        decisions = conn.execute(
            "SELECT tool_use_id, count(*) FROM hook_decisions WHERE event = 'PreToolUse' GROUP BY tool_use_id"
        ).fetchall()
        assert [n for _id, n in decisions] == [1, 1, 1]  # the first call came before the store existed
        recorded = {row[0] for row in conn.execute("SELECT name FROM hook_spool")}
        assert recorded <= set(waiting)  # only names of files deleted after this last commit (forgotten next time)
    assert failures.read_failures(str(db))[0] == 0


def test_a_spool_file_that_cannot_be_read_is_logged_and_dropped(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    session = HookSession(tmp_path, hook_env(db))
    session.bash("true")
    folder = Path(spool.folder(str(db)))
    folder.mkdir(exist_ok=True)
    (folder / "00000000000000000001-1-1.json").write_text("{not json")
    (folder / "00000000000000000002-1-1.json").write_text('{"ops": [["no such kind", {}]]}')
    session.bash("git push", error=no_upstream("main"))
    assert len(_calls(db)) == 2 and spool.pending(str(db)) == []
    logged = [str(entry["error"]) for entry in failures.read_failures(str(db))[1]]
    assert len(logged) == 2
    assert "00000000000000000001-1-1.json could not be read and was dropped" in logged[0]
    assert "00000000000000000002-1-1.json could not be stored and was dropped: KeyError('no such kind')" in logged[1]
    session.bash("ls")
    assert failures.read_failures(str(db))[0] == 2  # dropped once, not again at every hook


def test_forget_everything_deletes_the_events_waiting_in_the_spool(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    session = HookSession(tmp_path, hook_env(db, LESSONLOOP_BUSY_TIMEOUT_MS="100"))
    session.bash("true")
    _locked_bash(db, session, "echo secret-ish")
    waiting = [str(Path(spool.folder(str(db))) / name) for name in spool.pending(str(db))]
    assert len(waiting) == 2
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "forget", "everything", "--db", str(db), "--yes"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert all(path in done.stdout for path in waiting)
    assert not Path(spool.folder(str(db))).exists() and not db.exists()


@pytest.mark.slow
def test_a_session_forgotten_while_its_events_waited_is_not_stored_again(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    env = hook_env(db, LESSONLOOP_BUSY_TIMEOUT_MS="100")
    session = HookSession(tmp_path, env)
    session.bash("true")
    _locked_bash(db, session, "echo waited")
    assert len(spool.pending(str(db))) == 2
    forgot = subprocess.run(
        [sys.executable, "-m", "lessonloop", "forget", "session", session.session_id, "--db", str(db), "--yes"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert forgot.returncode == 0, forgot.stderr
    HookSession(tmp_path, env).bash("ls")  # another session's hooks store the spool
    assert spool.pending(str(db)) == []
    with sqlite3.connect(db) as conn:
        for table in ("live_calls", "hook_decisions", "hook_sessions"):
            count = conn.execute(f"SELECT count(*) FROM {table} WHERE session_id = ?", (session.session_id,))
            assert count.fetchone() == (0,), table
