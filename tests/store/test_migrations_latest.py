"""store/schema_latest.py names the last migration: a short-lived writer trusts a store that has
it (store/connection.connect_for_writing) and opens it without migrating."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lessonloop.core.wings import wings
from lessonloop.store.connection import connect_for_writing
from lessonloop.store.migrations import MIGRATIONS, all_migrations
from lessonloop.store.schema_latest import LATEST_MIGRATION


def test_the_latest_migration_is_named_where_writers_look_for_it() -> None:
    assert MIGRATIONS[-1].__name__ == LATEST_MIGRATION, (
        "a migration was added: set store/schema_latest.py's LATEST_MIGRATION to its name"
    )


def test_each_wing_names_its_own_latest_migration() -> None:
    """A wing's migrations() gives its sequence, and its LATEST_MIGRATION names that sequence's last
    step (core/wing.py)."""
    with_steps = [wing for wing in wings() if wing.migrations()]
    assert len(with_steps) >= 2
    for wing in wings():
        steps = wing.migrations()
        named = wing.LATEST_MIGRATION
        assert (steps[-1].__name__ if steps else "") == named, f"set {type(wing).__name__}'s LATEST_MIGRATION"


def test_a_step_name_is_unique_across_the_sequences() -> None:
    names = [step.__name__ for step in all_migrations()]
    assert len(names) == len(set(names))


def test_a_writer_of_a_wings_tables_finds_its_step_missing(tmp_path: Path) -> None:
    """A store whose runs wing's step is not applied yet (an older release without it): a hook, which
    writes the core's tables only, opens it as it is; `lessonloop run`'s recorder, naming the runs'
    last step, has it migrated first."""
    from lessonloop.runs import WING as RUNS

    RUNS_LATEST = RUNS.LATEST_MIGRATION

    db = tmp_path / "older.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for step in all_migrations():
        if step.__name__ != RUNS_LATEST:
            step(conn)
            conn.execute("INSERT INTO _migrations VALUES (?, 'then')", (step.__name__,))
    conn.close()
    hook = connect_for_writing(str(db), 100)
    assert not hook.execute("SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone()  # opened as it is
    hook.close()
    recorder = connect_for_writing(str(db), 100, wings=(RUNS_LATEST,))
    assert recorder.execute("SELECT 1 FROM _migrations WHERE name = ?", (RUNS_LATEST,)).fetchone()
    assert recorder.execute("SELECT count(*) FROM runs").fetchone() == (0,)
    recorder.close()
