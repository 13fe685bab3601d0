"""What `lessonloop dataset milestones` counts (read-only SQL): commits, main sessions and chats stored,
and those of them made since a time (dataset/milestones.py computes the progress).

- commits: every stored commit (`ingest --git`, the history wing's: none without it), by its
  commit time;
- sessions: main sessions (subagents belong to theirs; placeholders, known only as a parent, are
  not counted), by their start (store/sessions/span: the agent's start time, else the first
  message or tool call of the session or its subagents, as the session lists show it);
- chats: typed prompts of main sessions (the export's chats), by the prompt's time.
"""

from __future__ import annotations

import sqlite3

from lessonloop.store.migrations import has_table
from lessonloop.store.sessions.span import session_start

_SESSION_START = session_start("s")


def collection_counts(conn: sqlite3.Connection, since: str | None = None) -> dict[str, int]:
    """How many commits, sessions and chats are stored (with `since`: made at or after it)."""
    after = since or ""
    commits = 0
    if has_table(conn, "git_commits"):  # the history wing's (none stored without it)
        commits = conn.execute(
            "SELECT count(*) FROM git_commits WHERE ? = '' OR committed_at >= ?", (after, after)
        ).fetchone()[0]
    sessions = conn.execute(
        f"""SELECT count(*) FROM sessions s WHERE s.parent_id IS NULL AND s.placeholder = 0
            AND (? = '' OR {_SESSION_START} >= ?)""",
        (after, after),
    ).fetchone()[0]
    chats = conn.execute(
        """SELECT count(*) FROM messages m JOIN sessions s ON s.id = m.session_id
           WHERE s.parent_id IS NULL AND m.kind = 'prompt' AND (? = '' OR m.ts >= ?)""",
        (after, after),
    ).fetchone()[0]
    return {"commits": int(commits), "sessions": int(sessions), "chats": int(chats)}
