"""What a session's page shows beside its timeline (read-only SQL): the error classes, diff risks
and analysis signals of its calls and messages, and the hooks' decisions that gave lessons; and the
small lists the web UI's filters and counters need."""

from __future__ import annotations

import sqlite3
from typing import Any


def call_error_classes(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(tool_use_id, class, usage) of the session's classified errors."""
    return conn.execute(
        "SELECT tool_use_id, class, usage FROM call_errors WHERE session_id = ?", (session_id,)
    ).fetchall()


def call_diff_risks(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(tool_use_id, risk, findings) of the session's scored edits."""
    return conn.execute(
        "SELECT tool_use_id, risk, findings FROM diff_risk WHERE session_id = ?", (session_id,)
    ).fetchall()


def analysis_signals(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(kind, tool_use_id, message_uuid, path, label) of the session's signals, in the order found."""
    return conn.execute(
        "SELECT kind, tool_use_id, message_uuid, path, label FROM analysis_signals WHERE session_id = ? ORDER BY id",
        (session_id,),
    ).fetchall()


def hook_decisions(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(ts, event, action, tool_use_id, lessons JSON) of the hooks' decisions in the session, in order."""
    return conn.execute(
        "SELECT ts, event, action, tool_use_id, lessons FROM hook_decisions WHERE session_id = ? ORDER BY id",
        (session_id,),
    ).fetchall()


def lesson_title(conn: sqlite3.Connection, lesson_id: int) -> str | None:
    """A lesson's title (None when it is no longer stored)."""
    row = conn.execute("SELECT title FROM lessons WHERE id = ?", (lesson_id,)).fetchone()
    return row[0] if row else None


def lesson_status_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many lessons the store holds in each status held."""
    return dict(conn.execute("SELECT status, count(*) FROM lessons GROUP BY status").fetchall())


def session_agents(conn: sqlite3.Connection) -> list[str]:
    """The agents of the stored sessions, sorted."""
    return [str(row[0]) for row in conn.execute("SELECT DISTINCT agent FROM sessions ORDER BY 1")]
