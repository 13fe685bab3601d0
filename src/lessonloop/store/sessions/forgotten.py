"""The sessions `lessonloop forget` removed for good (`forgotten_sessions`): ingest drops their
records whenever a file brings them back. The hooks ask of one session through
store/hooks.is_forgotten (one module fewer on their path)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3


def forgotten_session_ids(conn: sqlite3.Connection) -> list[str]:
    """Every forgotten session's id (main sessions and subagents as stored)."""
    return [str(row[0]) for row in conn.execute("SELECT session_id FROM forgotten_sessions")]
