"""The store: where it lives, WAL mode, and migrations applied once each."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lessonloop.store import migrations, open_store, resolve_db_path
from lessonloop.store.location import default_db_path


def test_db_path_precedence() -> None:
    env = {"LESSONLOOP_DB": "/env/store.db", "XDG_DATA_HOME": "/xdg", "HOME": "/home/u"}
    assert resolve_db_path("/explicit.db", env) == Path("/explicit.db")
    assert resolve_db_path(None, env) == Path("/env/store.db")
    assert resolve_db_path(None, {"XDG_DATA_HOME": "/xdg", "HOME": "/home/u"}) == Path("/xdg/lessonloop/lessonloop.db")
    assert default_db_path({"HOME": "/home/u"}) == Path("/home/u/.local/share/lessonloop/lessonloop.db")
    assert default_db_path({"HOME": "/home/u", "XDG_DATA_HOME": ""}) == Path(
        "/home/u/.local/share/lessonloop/lessonloop.db"
    )


def test_store_is_wal_with_a_busy_timeout_and_creates_its_folder(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "deep" / "er" / "x.db")
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    conn.close()


def test_migrations_are_applied_once_and_recorded(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    open_store(db).close()
    conn = sqlite3.connect(db)
    names = [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    conn.close()
    assert names == [step.__name__ for step in migrations.all_migrations()]  # the core's, then each wing's
    core = names[: len(migrations.MIGRATIONS)]
    assert core == sorted(core)  # m001, m002, ... in order
    conn = open_store(db)
    assert migrations.apply_migrations(conn) == []
    conn.close()


def test_a_new_migration_is_applied_on_the_next_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "x.db"
    open_store(db).close()

    def m999_add_notes(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE notes (text TEXT)")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m999_add_notes])
    conn = open_store(db)
    assert conn.execute("SELECT name FROM _migrations ORDER BY rowid DESC LIMIT 1").fetchone() == ("m999_add_notes",)
    assert conn.execute("SELECT count(*) FROM notes").fetchone() == (0,)
    conn.close()


def test_a_failing_migration_leaves_nothing_half_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "x.db"
    open_store(db).close()

    def m999_broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half (x)")
        conn.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m999_broken])
    with pytest.raises(Exception, match="syntax error"):
        open_store(db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half'").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM _migrations WHERE name = 'm999_broken'").fetchone() == (0,)
    conn.close()
