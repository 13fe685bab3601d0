"""Retention of sessions and commits: `lessonloop cleanup` deletes those older than `[retention]`
of the configuration (730 days each by default; runs have their own, runs/store/retention.py).

- A **session** is as old as its last activity: the latest time of the main session and its
  subagents (start, end, any message, any tool call). A session without any time is kept (its age
  is unknown). It is deleted as `lessonloop forget` deletes one (store/forgetting.py): every row
  tied to it, its subagents, the lesson evidence it gave (a learned lesson left without evidence
  goes), its links to commits; its id is remembered as forgotten, so a later ingest of its file
  does not store it again.
- A **commit** is as old as its commit time (committer date, UTC). It is deleted with its files,
  hunks, links and rollbacks: the history wing's part (core/wing.py's session_retention,
  history/session_retention.py) deletes them in the same transaction, after the sessions.

What something learned still needs is kept, and counted, unless `include_needed`
(store/removal/needs.py, and the wing's part): the sessions a file model may have learned from,
the sessions holding the last evidence of a learned lesson, the commits a file model learned, the
commits a stored session's link names. With `include_needed` they go too, and
the file models that learned them are dropped.

Both in one transaction with `PRAGMA secure_delete`, then the store is compacted (VACUUM, the
write-ahead log emptied), as forgetting does. A dry run deletes in the same transaction and rolls
it back: its counts are the real run's, and nothing is deleted.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from lessonloop.core.timestamps import format_timestamp, parse_timestamp, utc_now
from lessonloop.core.wings import wings
from lessonloop.store.forgetting import ForgetResult, compact, delete_sessions, ordinary_tables
from lessonloop.store.removal.needs import KeptCommits, sessions_lessons_need
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
    """What `cleanup_history` deleted (or, for a dry run, would delete), and what it kept."""

    sessions_cutoff: str  # sessions whose last activity is before this
    commits_cutoff: str  # commits committed before this
    sessions: list[str] = field(default_factory=list)  # the main sessions deleted
    commits: int = 0
    deleted: dict[str, int] = field(default_factory=dict)  # rows per table
    lessons_forgotten: int = 0
    # Older than the retention, kept: needed by what was learned (store/removal/needs.py).
    sessions_kept: dict[str, list[str]] = field(default_factory=dict)  # session -> file models' roots
    sessions_kept_for_lessons: dict[str, list[int]] = field(default_factory=dict)  # session -> lesson ids
    commits_kept: KeptCommits = field(default_factory=KeptCommits)
    include_needed: bool = False
    file_models_dropped: list[str] = field(default_factory=list)  # their roots
    dry_run: bool = False
    vacuumed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": {
                "cutoff": self.sessions_cutoff,
                "count": len(self.sessions),
                "ids": self.sessions,
                "kept": {
                    "count": len(self.sessions_kept.keys() | self.sessions_kept_for_lessons.keys()),
                    "file_models": self.sessions_kept,
                    "lessons": self.sessions_kept_for_lessons,
                },
            },
            "commits": {
                "cutoff": self.commits_cutoff,
                "count": self.commits,
                "kept": {
                    "count": self.commits_kept.count,
                    "file_models": self.commits_kept.by_models,
                    "links": self.commits_kept.by_links,
                },
            },
            "deleted": {table: n for table, n in sorted(self.deleted.items()) if n},
            "lessons_forgotten": self.lessons_forgotten,
            "file_models_dropped": self.file_models_dropped,
            "include_needed": self.include_needed,
        }


def _cutoff_before(seconds: float, now: str | None = None) -> str:
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
    include_needed: bool = False,
) -> HistoryCleanupResult:
    """Delete the sessions and the commits older than their retention (seconds before `now`),
    except what something learned still needs (kept and counted), unless `include_needed`."""
    moment = now or utc_now()
    result = HistoryCleanupResult(
        _cutoff_before(sessions_seconds, moment),
        _cutoff_before(commits_seconds, moment),
        include_needed=include_needed,
        dry_run=dry_run,
    )
    parts = [
        part for wing in wings() if (part := wing.session_retention()) is not None
    ]  # the wings' rows tied to sessions: the history's commits
    old = old_sessions(conn, result.sessions_cutoff)
    if not old and not any(part.has_old(conn, result.commits_cutoff) for part in parts):
        return result
    needed: dict[str, list[str]] = {}
    for part in parts:
        for session, roots in part.sessions_needed(conn, old).items():
            needed.setdefault(session, []).extend(root for root in roots if root not in needed.get(session, []))
    needed = dict(sorted(needed.items()))
    if include_needed:
        result.sessions = old
        dropped = sorted({root for roots in needed.values() for root in roots})
    else:
        result.sessions = [session for session in old if session not in needed]
        result.sessions_kept = needed
        dropped = []
    previous = int(conn.execute("PRAGMA secure_delete").fetchone()[0])
    if not dry_run:
        conn.execute("PRAGMA secure_delete = ON")
    try:
        with transaction(conn, commit=not dry_run):  # a dry run deletes, counts, then rolls back
            models_before = _models(conn, parts)
            rows_before = _table_rows(conn)
            if not include_needed:
                result.sessions_kept_for_lessons = sessions_lessons_need(conn, result.sessions, moment)
                result.sessions = [s for s in result.sessions if s not in result.sessions_kept_for_lessons]
            if result.sessions:
                forgotten = ForgetResult(sessions=result.sessions)
                delete_sessions(conn, result.sessions, forgotten, moment, file_models=dropped, reason="retention")
                result.lessons_forgotten = forgotten.lessons_forgotten
            for part in parts:  # after the sessions: a link to a session deleted above keeps nothing
                count, kept = part.delete_old(conn, result.commits_cutoff, include_needed)
                result.commits += count
                result.commits_kept = kept
            result.file_models_dropped = sorted(models_before - _models(conn, parts))
            # The rows gone per table, counted, not summed from each step: the triggers' rows
            # (learn_changes) that the deletion writes and sweeps are none of the store's.
            rows_after = _table_rows(conn)
            result.deleted = {t: n - rows_after.get(t, 0) for t, n in rows_before.items() if n > rows_after.get(t, 0)}
    finally:
        conn.execute(f"PRAGMA secure_delete = {previous}")
    if not dry_run and any(result.deleted.values()):
        result.vacuumed = compact(conn)[0]
    return result


def _models(conn: sqlite3.Connection, parts: list[Any]) -> set[str]:
    """The file models stored (the wings' parts say theirs)."""
    return {model for part in parts for model in part.models(conn)}


def _table_rows(conn: sqlite3.Connection) -> dict[str, int]:
    """Every ordinary table of the store with its number of rows."""
    return {
        table: int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]) for table in ordinary_tables(conn)
    }
