"""The team wing: lessons shared through a PostgreSQL database (`lessonloop team ...`; README.md).

The local SQLite store stays the source of truth; pulled lessons land in it, so recall and the
hooks never import the wing's code (no network on a hook). Its dependencies are the `[team]` extra.

What it registers, declared here at the package's door (core/wings.py reads these names; no
imports): its command, its migration sequence, its step after an ingest and its stored texts for
the redaction pass."""

COMMANDS = {"lessonloop.team.cli": ("team",)}
MIGRATIONS = "lessonloop.team.store.migrations"
LATEST_MIGRATION = "m051_lesson_author"
AFTER_INGEST = ("lessonloop.team.background:after_ingest",)
STORED_TEXTS = "lessonloop.team.store.texts"
