"""store/schema_latest.py names the last migration: a short-lived writer trusts a store that has
it (store/connection.connect_for_writing) and opens it without migrating."""

from __future__ import annotations

import importlib

from lessonloop.core.wings import declared
from lessonloop.store.migrations import MIGRATIONS, all_migrations
from lessonloop.store.schema_latest import LATEST_MIGRATION


def test_the_latest_migration_is_named_where_writers_look_for_it() -> None:
    assert MIGRATIONS[-1].__name__ == LATEST_MIGRATION, (
        "a migration was added: set store/schema_latest.py's LATEST_MIGRATION to its name"
    )


def test_each_wing_names_its_own_latest_migration() -> None:
    """A wing's `wing` module names its sequence and that sequence's last step (core/wings.py)."""
    sequences = dict(declared("MIGRATIONS"))
    latest = dict(declared("LATEST_MIGRATION"))
    assert sequences and set(sequences) == set(latest)
    for wing, module in sequences.items():
        steps = importlib.import_module(module).MIGRATIONS
        assert steps and steps[-1].__name__ == latest[wing], f"set {wing}/wing.py's LATEST_MIGRATION"


def test_a_step_name_is_unique_across_the_sequences() -> None:
    names = [step.__name__ for step in all_migrations()]
    assert len(names) == len(set(names))
