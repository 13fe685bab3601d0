"""Which tables a store has: a store from before a migration lacks the tables it adds (git history,
links), and another program's database has none of lessonloop's. Standard library only."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3


def table_names(conn: sqlite3.Connection) -> set[str]:
    """Every table of the database (SQLite's own included)."""
    return {str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    """Whether the database has the table `name`."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None
