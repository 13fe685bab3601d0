"""The sessions `lessonloop forget` removed for good (`forgotten_sessions`): ingest and the hooks
drop their records whenever a file or an event brings them back. Standard library only: the hooks
read it on their path."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3


def forgotten_session_ids(conn: sqlite3.Connection) -> list[str]:
    """Every forgotten session's id (main sessions and subagents as stored)."""
    return [str(row[0]) for row in conn.execute("SELECT session_id FROM forgotten_sessions")]


def is_forgotten(conn: sqlite3.Connection, session_id: str) -> bool:
    return conn.execute("SELECT 1 FROM forgotten_sessions WHERE session_id = ?", (session_id,)).fetchone() is not None
