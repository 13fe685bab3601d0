"""`--db` naming something that cannot be a store is said as it is: a folder is a folder, and a
pseudo file system (/proc: no blocks at all, so none free) is not "full"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import cli


def test_a_folder_given_as_the_store_is_named_a_folder(tmp_path: Path) -> None:
    result = cli("sessions", "--db", tmp_path)
    assert result.exit_code == 1
    assert f"the store {tmp_path} is a folder" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux's /proc")
def test_a_store_on_proc_is_not_called_full() -> None:
    if os.statvfs("/proc").f_blocks != 0:
        pytest.skip("this /proc reports blocks")
    result = cli("ingest", "--db", "/proc/lessonloop-test.db", "--no-analyze", "/nonexistent-folder")
    assert result.exit_code == 1
    assert "is full" not in result.stderr, result.stderr
    assert "cannot be opened" in result.stderr


def test_another_applications_database_is_left_alone(tmp_path: Path) -> None:
    """A SQLite file of another program given as the store (a mistyped --db) got every lessonloop
    table added to it; it is refused now, unchanged."""
    import sqlite3

    other = tmp_path / "places.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.execute("INSERT INTO bookmarks VALUES ('https://example.org')")
    conn.commit()
    conn.close()
    result = cli("sessions", "--db", other)
    assert result.exit_code == 1
    assert "not a lessonloop store" in result.stderr and "bookmarks" in result.stderr, result.stderr
    conn = sqlite3.connect(other)
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    conn.close()
    assert tables == ["bookmarks"]
    assert mode == "delete"  # not switched to WAL either


def test_an_empty_sqlite_file_becomes_a_store(tmp_path: Path) -> None:
    import sqlite3

    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert cli("sessions", "--db", empty).exit_code == 0
