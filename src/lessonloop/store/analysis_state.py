"""What analysis remembers between runs (pipeline/analysis.py): each session's fingerprint, the
marks of the last check of every session, which sessions bandit scanned; and the test failures
an analysis reads beside the sessions."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from lessonloop.store.transaction import transaction

_MARKED_TABLES = ("tool_calls", "messages", "findings", "sessions")


def stored_fingerprints(conn: sqlite3.Connection) -> dict[str, str]:
    """Session id -> the fingerprint of the inputs its stored analysis was made from."""
    return {
        str(session_id): fingerprint
        for session_id, fingerprint in conn.execute("SELECT session_id, fingerprint FROM session_executions")
    }


def high_rowids(conn: sqlite3.Connection) -> list[int]:
    """The highest rowid of each table a session's fingerprint reads (tool calls, messages,
    findings, sessions): what a check of every session depends on, with the change log."""
    return [conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0] for table in _MARKED_TABLES]


def checked_marks(conn: sqlite3.Connection) -> str | None:
    """The marks of the last check of every session that found nothing to analyze."""
    row = conn.execute("SELECT digest FROM analysis_marks WHERE id = 1").fetchone()
    return None if row is None else str(row[0])


def keep_checked_marks(conn: sqlite3.Connection, marks: str, now: str) -> None:
    with transaction(conn):
        conn.execute("INSERT OR REPLACE INTO analysis_marks (id, digest, checked_at) VALUES (1, ?, ?)", (marks, now))


def mark_bandit_scanned(conn: sqlite3.Connection, session_ids: Sequence[str]) -> None:
    """Record that bandit scanned these sessions' Python edits; in one transaction."""
    with transaction(conn):
        for start in range(0, len(session_ids), 500):
            part = list(session_ids[start : start + 500])
            conn.execute(
                f"UPDATE session_executions SET bandit = 1 WHERE session_id IN ({', '.join('?' * len(part))})", part
            )


def junit_failure_times(conn: sqlite3.Connection, session_ids: Sequence[str]) -> dict[str, list[str | None]]:
    """Session id -> the times of the failed tests imported (JUnit) or seen by `lessonloop run`
    that were matched to it."""
    marks = ", ".join("?" * len(session_ids))
    found: dict[str, list[str | None]] = {}
    for session_id, ts in conn.execute(
        f"""SELECT session_id, ts FROM findings
            WHERE kind = 'test_failure' AND (import_id IS NOT NULL OR run_id IS NOT NULL)
                  AND session_id IN ({marks})""",
        list(session_ids),
    ):
        found.setdefault(session_id, []).append(ts)
    return found
