"""The team wing: lessons shared through a PostgreSQL database (`lessonloop team ...`; README.md).

The local SQLite store stays the source of truth; pulled lessons land in it, so recall and the
hooks never import the wing's code (no network on a hook). Its dependencies are the `[team]` extra.

What it adds to the core, at the package's door (`WING`, a core/wing.py `Wing`; each method
imports its code when called): its command, its migration sequence, its step after an ingest
and its stored texts for the redaction pass."""

from __future__ import annotations

from lessonloop.core.wing import Wing

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable
    from typing import Any, ClassVar

    from lessonloop.core.wing_specs import StoredTexts


class Team(Wing):
    __slots__ = ()

    COMMANDS: ClassVar[dict[str, tuple[str, ...]]] = {"lessonloop.team.cli": ("team",)}
    LATEST_MIGRATION = "m051_lesson_author"

    def migrations(self) -> list[Callable[[sqlite3.Connection], None]]:
        from lessonloop.team.store.migrations import MIGRATIONS

        return MIGRATIONS

    def after_ingest(self, conn: sqlite3.Connection, request: Any, report: Any) -> None:
        from lessonloop.team.background import after_ingest

        after_ingest(conn, request, report)

    def stored_texts(self) -> StoredTexts:
        from lessonloop.team.store import texts

        return texts


WING = Team()
