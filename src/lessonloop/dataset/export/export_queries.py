"""The export's reads of the store, one function per query (the row builders beside it shape
them: lessons.py, sessions.py; the chats' are report/chat_queries.py, the wings' kinds read their
own). Rows come back as the store holds them, in the order each export needs."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

_OUTCOMES = """SELECT session_id, unresolved_errors, tests_run, tests_failing_at_end, corrections_in_session,
                     reverted_changes, blind_edits, compliance, max_risk FROM session_executions"""


def lesson_columns(conn: sqlite3.Connection, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """These columns of every lesson, by id."""
    return conn.execute(f"SELECT {', '.join(columns)} FROM lessons ORDER BY id").fetchall()


def session_outcomes(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """(session_id, unresolved errors, tests run, failing at end, corrections, reverted changes,
    blind edits, compliance, max risk) of each analyzed session."""
    return conn.execute(_OUTCOMES).fetchall()


def error_classes(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """(session_id, class, calls) of the classified tool errors, by session and class."""
    return conn.execute(
        "SELECT session_id, class, count(*) FROM call_errors GROUP BY session_id, class ORDER BY session_id, class"
    ).fetchall()
