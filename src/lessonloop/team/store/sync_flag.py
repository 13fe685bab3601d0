"""Whether the store asked for a team sync after each ingest (`lessonloop team sync --after-ingest
on`): the one team setting every `lessonloop ingest` reads, without team/store/state.py (its
imports: the lesson writer, the trust rules) on the path of an ingest with nothing new."""

from __future__ import annotations

import sqlite3


def wants_sync_after_ingest(conn: sqlite3.Connection) -> bool:
    """Whether the store joined a team and asked for a sync after each ingest."""
    row = conn.execute("SELECT sync_after_ingest FROM team_config WHERE id = 1").fetchone()
    return bool(row and row[0])
