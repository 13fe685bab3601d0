"""Where the store's change log stands: the last id `learn_changes` gave (its AUTOINCREMENT
counter, kept when its rows are deleted; m024's triggers append a row for every session whose
stored inputs changed or were deleted). Learning and the analysis check both read it."""

from __future__ import annotations

import sqlite3


def changes_seq(conn: sqlite3.Connection) -> int:
    """The last id learn_changes gave (its AUTOINCREMENT counter: kept when its rows are deleted)."""
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'learn_changes'").fetchone()
    return int(row[0]) if row else 0
