"""How much the store holds: the totals listings and empty results name ("1,234 sessions stored")."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence


def _count(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> int:
    return int(conn.execute(sql, tuple(params)).fetchone()[0])


def main_sessions(conn: sqlite3.Connection) -> int:
    """Sessions that are not an agent's subagents."""
    return _count(conn, "SELECT count(*) FROM sessions WHERE parent_id IS NULL")


def files_without_texts(conn: sqlite3.Connection) -> int:
    """Files stored without their texts, which the store's worker stores (m048; 0 on an older store)."""
    try:
        return _count(conn, "SELECT count(*) FROM source_files WHERE texts_withheld = 1")
    except sqlite3.OperationalError:
        return 0


def all_sessions(conn: sqlite3.Connection) -> int:
    """Every stored session, subagents too."""
    return _count(conn, "SELECT count(*) FROM sessions")


def lessons(conn: sqlite3.Connection) -> int:
    return _count(conn, "SELECT count(*) FROM lessons")


def lessons_by_status(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(status, lessons) for each status held, by status."""
    return [
        (str(status), int(n))
        for status, n in conn.execute("SELECT status, count(*) FROM lessons GROUP BY status ORDER BY status")
    ]


def recallable_lessons(conn: sqlite3.Connection, statuses: Sequence[str], project: str | None) -> int:
    """Lessons of these statuses that recall may return for `project` (its own and global ones;
    every project's when None)."""
    where = f"status IN ({', '.join('?' * len(statuses))})"
    params: list[object] = list(statuses)
    if project is not None:
        where += " AND (scope = 'global' OR project = ?)"
        params.append(project)
    return _count(conn, f"SELECT count(*) FROM lessons WHERE {where}", params)
