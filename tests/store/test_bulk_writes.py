"""While ingest writes many megabytes, the store checkpoints its log rarely and keeps a larger
page cache (store/sessions/writer.bulk_writes); after, the connection's own settings are back."""

from __future__ import annotations

from pathlib import Path

from lessonloop.store.connection import open_store
from lessonloop.store.sessions.writer import BULK_CACHE_KIB, BULK_CHECKPOINT_PAGES, bulk_writes
from lessonloop.store.transaction import transaction


def _settings(conn: object) -> tuple[int, int]:
    import sqlite3

    assert isinstance(conn, sqlite3.Connection)
    return conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0], conn.execute("PRAGMA cache_size").fetchone()[0]


def test_bulk_writes_raise_and_restore(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    conn = open_store(db)
    before = _settings(conn)
    with bulk_writes(conn):
        assert _settings(conn) == (BULK_CHECKPOINT_PAGES, BULK_CACHE_KIB)
        conn.execute("CREATE TABLE t (x TEXT)")
        for _ in range(4):  # four commits of 2 MB: more than SQLite's own 4 MB between checkpoints
            with transaction(conn):
                conn.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 2000)
        assert db.stat().st_size < 1_000_000  # still in the log
    assert _settings(conn) == before
    assert db.stat().st_size > 8_000_000  # checkpointed on the way out: in the store file itself
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 8000


def test_bulk_writes_restore_after_an_error(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "store.db")
    before = _settings(conn)
    try:
        with bulk_writes(conn):
            raise RuntimeError("a failure while writing")
    except RuntimeError:
        pass
    assert _settings(conn) == before


def test_bulk_writes_leave_checkpoints_off_as_they_are(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "store.db")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    with bulk_writes(conn):
        assert _settings(conn)[0] == 0
    assert _settings(conn)[0] == 0
