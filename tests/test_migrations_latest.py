"""store/schema_latest.py names the last migration: a short-lived writer trusts a store that has
it (store/connection.connect_for_writing) and opens it without migrating."""

from __future__ import annotations

from lessonloop.store.migrations import MIGRATIONS
from lessonloop.store.schema_latest import LATEST_MIGRATION


def test_the_latest_migration_is_named_where_writers_look_for_it() -> None:
    assert MIGRATIONS[-1].__name__ == LATEST_MIGRATION, (
        "a migration was added: set store/schema_latest.py's LATEST_MIGRATION to its name"
    )
