"""A note followed by its call working lowers the lesson at once, in the hook (issue 83, item 4):
with no ingest at a turn's end, a lesson frozen in the store still learns from its own false
alarms. Real hook processes, a real store and git repository."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.hook_helpers import HookSession, hook_env

WARN_ONLY = ("--warn-only",)


def _lesson(db: Path) -> tuple[int, int, float, str]:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT sessions, failed_sessions, COALESCE(learned_confidence, confidence), tier FROM lessons "
            "WHERE title LIKE '%pyth%'"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), float(row[2]), str(row[3])


@pytest.mark.slow
def test_a_note_whose_call_worked_lowers_its_lesson_before_any_ingest(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    missing = "Exit code 127\nbash: line 1: pyth: command not found"
    first = HookSession(repo, env)
    first.start()
    first.bash("pyth a.py", error=missing)
    first.bash("python3 a.py", stdout="ok")  # a one-off that names its remedy: a note in the next session
    assert _lesson(db)[:2] == (1, 1)

    second = HookSession(repo, env)
    second.start()
    pre, _post = second.bash("pyth b.py", None, "ok", *WARN_ONLY)  # noted, and it worked: a false alarm
    assert "failed in 1 of 1 sessions" in pre.context
    sessions, failed, value, _tier = _lesson(db)
    assert (sessions, failed) == (2, 1) and value < 0.25  # one failing session of two
    second.bash("pyth c.py", None, "ok", *WARN_ONLY)
    assert _lesson(db)[:2] == (2, 1)  # a session counts once

    third = HookSession(repo, env)
    third.start()
    pre, _post = third.bash("pyth d.py", None, "ok", *WARN_ONLY)
    assert "pyth" not in pre.context  # silenced by its own false alarm, with no ingest in between
    with sqlite3.connect(db) as conn:
        roles = conn.execute("SELECT role, session_id FROM lesson_evidence ORDER BY id").fetchall()
    assert ("success", second.session_id) in roles
    assert not (db.parent / "hook-failures.log").exists()
