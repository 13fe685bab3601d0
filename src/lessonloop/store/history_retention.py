"""Retention of sessions and commits: `lessonloop cleanup` deletes those older than `[retention]`
of the configuration (730 days each by default; runs have their own, store/run_retention.py).

- A **session** is as old as its last activity: the latest time of the main session and its
  subagents (start, end, any message, any tool call). A session without any time is kept (its age
  is unknown). It is deleted as `lessonloop forget` deletes one (store/forgetting.py): every row
  tied to it, its subagents, the lesson evidence it gave (a learned lesson left without evidence
  goes), its links to commits; its id is remembered as forgotten, so a later ingest of its file
  does not store it again.
- A **commit** is as old as its commit time (committer date, UTC). It is deleted with its files,
  hunks, links and rollbacks (store/git_deletion.py); its repository's file model is dropped.

Both in one transaction with `PRAGMA secure_delete`, then the store is compacted (VACUUM, the
write-ahead log emptied), as forgetting does. A dry run counts in the same transaction and rolls it
back: nothing is deleted.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from lessonloop.core.timestamps import format_timestamp, parse_timestamp, utc_now
from lessonloop.store.forgetting import ForgetResult, compact, delete_sessions
from lessonloop.store.git_deletion import count_commits, delete_commits
from lessonloop.store.transaction import transaction

# Every main session with the latest time seen in it or its subagents.
_LAST_ACTIVITY = """
    SELECT root, max(ts) AS last FROM (
        SELECT coalesce(parent_id, id) AS root, max(coalesce(ended_at, ''), coalesce(started_at, '')) AS ts
        FROM sessions
        UNION ALL
        SELECT coalesce(s.parent_id, s.id), m.ts FROM messages m JOIN sessions s ON s.id = m.session_id
        UNION ALL
        SELECT coalesce(s.parent_id, s.id), c.ts FROM tool_calls c JOIN sessions s ON s.id = c.session_id
    ) WHERE ts IS NOT NULL AND ts != '' GROUP BY root
"""


@dataclass(slots=True)
class HistoryCleanupResult:
    """What `cleanup_history` deleted (or, for a dry run, would delete)."""

    sessions_cutoff: str  # sessions whose last activity is before this
    commits_cutoff: str  # commits committed before this
    sessions: list[str] = field(default_factory=list)  # the main sessions deleted
    commits: int = 0
    deleted: dict[str, int] = field(default_factory=dict)  # rows per table
    lessons_forgotten: int = 0
    dry_run: bool = False
    vacuumed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": {"cutoff": self.sessions_cutoff, "count": len(self.sessions), "ids": self.sessions},
            "commits": {"cutoff": self.commits_cutoff, "count": self.commits},
            "deleted": {table: n for table, n in sorted(self.deleted.items()) if n},
            "lessons_forgotten": self.lessons_forgotten,
        }


def cutoff_before(seconds: float, now: str | None = None) -> str:
    """The canonical UTC time `seconds` before `now` (default: the current time)."""
    if seconds < 0:
        raise ValueError(f"a retention cannot be negative: {seconds}")
    moment = parse_timestamp(now or utc_now())
    try:
        return format_timestamp(moment - timedelta(seconds=seconds))
    except OverflowError:
        return "0000"  # before every stored time: nothing is that old


def old_sessions(conn: sqlite3.Connection, cutoff: str) -> list[str]:
    """The main sessions whose last activity is before `cutoff`, by id."""
    return [
        str(row[0])
        for row in conn.execute(
            f"""SELECT a.root FROM ({_LAST_ACTIVITY}) a JOIN sessions s ON s.id = a.root
                WHERE s.parent_id IS NULL AND a.last < ? ORDER BY a.root""",
            (cutoff,),
        )
    ]


def cleanup_history(
    conn: sqlite3.Connection,
    sessions_seconds: float,
    commits_seconds: float,
    *,
    dry_run: bool = False,
    now: str | None = None,
) -> HistoryCleanupResult:
    """Delete the sessions and the commits older than their retention (seconds before `now`)."""
    moment = now or utc_now()
    result = HistoryCleanupResult(
        cutoff_before(sessions_seconds, moment), cutoff_before(commits_seconds, moment), dry_run=dry_run
    )
    result.sessions = old_sessions(conn, result.sessions_cutoff)
    result.commits = count_commits(conn, "committed_at < ?", (result.commits_cutoff,))
    if not result.sessions and not result.commits:
        return result
    previous = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
    if not dry_run:
        conn.execute("PRAGMA secure_delete = ON")
    try:
        with transaction(conn, commit=not dry_run):  # a dry run counts, then rolls back
            if result.sessions:
                forgotten = ForgetResult(sessions=result.sessions)
                delete_sessions(conn, result.sessions, forgotten, moment)
                result.lessons_forgotten = forgotten.lessons_forgotten
                _add(result.deleted, forgotten.deleted)
            if result.commits:
                _add(result.deleted, delete_commits(conn, "committed_at < ?", (result.commits_cutoff,)))
    finally:
        conn.execute(f"PRAGMA secure_delete = {previous}")
    if not dry_run:
        result.vacuumed = compact(conn)[0]
    return result


def _add(total: dict[str, int], more: dict[str, int]) -> None:
    for table, count in more.items():
        total[table] = total.get(table, 0) + count
