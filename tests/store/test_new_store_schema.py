"""A new store is made in one transaction and recorded as redacted with the current rules; its
schema is the one an older store reaches migration by migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lessonloop.store.connection import open_store
from lessonloop.store.migrations import MIGRATIONS, all_migrations, apply_migrations
from lessonloop.store.redaction_pass import needs_pass


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return sorted(conn.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master WHERE name != '_migrations'"))


def test_new_store_schema_equals_stepwise_migrations(tmp_path: Path) -> None:
    new = open_store(tmp_path / "new.db")
    stepwise = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    stepwise.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    MIGRATIONS[0](stepwise)  # a store made by the first release: one migration recorded
    stepwise.execute("INSERT INTO _migrations VALUES (?, 'then')", (MIGRATIONS[0].__name__,))
    applied = apply_migrations(stepwise)
    assert applied == [step.__name__ for step in all_migrations()[1:]]  # the core's, then each wing's
    assert _schema(new) == _schema(stepwise)
    names = [row[0] for row in new.execute("SELECT name FROM _migrations ORDER BY rowid")]
    assert names == [step.__name__ for step in all_migrations()]


def test_new_store_needs_no_redaction_pass(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "store.db")
    assert not needs_pass(conn)
    rows_changed, secrets, pending = conn.execute(
        "SELECT rows_changed, secrets, compact_pending FROM redaction_state WHERE id = 1"
    ).fetchone()
    assert (rows_changed, secrets, pending) == (0, 0, 0)
    conn.close()
    again = open_store(tmp_path / "store.db")  # opened again: nothing to apply, no pass
    assert apply_migrations(again) == []
    assert not needs_pass(again)
