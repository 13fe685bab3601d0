"""The sessions `lessonloop forget` removed for good and those `lessonloop cleanup` removed as old
(`forgotten_sessions`, its `reason`): ingest drops their records whenever a file brings them back,
but `ingest --reread` brings back what cleanup removed (`bring_back_cleaned`). The hooks ask of one
session through store/hooks.is_forgotten (one module fewer on their path)."""

from __future__ import annotations

import json

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3


def forgotten_session_ids(conn: sqlite3.Connection) -> list[str]:
    """Every forgotten session's id (main sessions and subagents as stored)."""
    return [str(row[0]) for row in conn.execute("SELECT session_id FROM forgotten_sessions")]


def bring_back_cleaned(conn: sqlite3.Connection) -> tuple[int, int]:
    """Forget no more the sessions `cleanup` removed as old, and mark the source files that held
    them to be read again whole (inside the caller's transaction): the next read of those files
    stores them again. A session the person forgot stays forgotten. Returns (sessions, files)."""
    rows = conn.execute("SELECT session_id, source_files FROM forgotten_sessions WHERE reason = 'retention'").fetchall()
    files: set[int] = set()
    for _session, listed in rows:
        try:
            ids = json.loads(listed) if listed else []
        except ValueError:
            ids = []
        files.update(int(i) for i in ids if isinstance(i, int))
    conn.execute("DELETE FROM forgotten_sessions WHERE reason = 'retention'")
    marked = 0
    for file_id in sorted(files):
        marked += conn.execute("UPDATE source_files SET reread = 1 WHERE id = ?", (file_id,)).rowcount
    return len(rows), marked
