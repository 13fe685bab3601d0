"""Sessions for browsing (the web UI): filtered by project, agent, model, date and errors, newest
first, one page at a time. The filters pick the main sessions' ids with cheap conditions; only
the page's sessions get their figures summed (queries.list_sessions), so a page costs the same
on a store of any size."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from lessonloop.report.queries import SessionRow, list_sessions, session_filter
from lessonloop.store.sessions.span import session_start

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class SessionFilters:
    """What the list is narrowed to; None (or False) is no condition. Days are YYYY-MM-DD (UTC),
    `since` and `until` both included."""

    project: str | None = None
    agent: str | None = None
    model: str | None = None
    since: str | None = None
    until: str | None = None
    errors: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "agent": self.agent,
            "model": self.model,
            "since": self.since,
            "until": self.until,
            "errors": self.errors,
        }


@dataclass(slots=True)
class SessionPage:
    """One page of the filtered sessions, and what the filters can be set to."""

    filters: SessionFilters
    page: int
    page_size: int
    total: int
    sessions: list[SessionRow]
    choices: dict[str, list[str]] = field(default_factory=dict)  # projects, agents, models stored

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def to_json(self) -> dict[str, Any]:
        return {
            "filters": self.filters.to_json(),
            "page": self.page,
            "page_size": self.page_size,
            "pages": self.pages,
            "total": self.total,
            "sessions": [row.to_json() for row in self.sessions],
            "choices": self.choices,
        }


# A session's start (store/sessions/span.py), the one list_sessions shows; '' when nothing is timed.
_START = f"coalesce({session_start('s')}, '')"
_ERRORS = """(EXISTS (SELECT 1 FROM tool_calls c WHERE c.session_id = s.id AND c.ok = 0)
              OR EXISTS (SELECT 1 FROM sessions k JOIN tool_calls c ON c.session_id = k.id
                         WHERE k.parent_id = s.id AND c.ok = 0))"""
_MODEL = """(s.model = ? OR EXISTS (SELECT 1 FROM token_usage u WHERE u.session_id = s.id AND u.model = ?)
             OR EXISTS (SELECT 1 FROM sessions k JOIN token_usage u ON u.session_id = k.id
                        WHERE k.parent_id = s.id AND u.model = ?))"""


def matching_ids(conn: sqlite3.Connection, filters: SessionFilters) -> list[str]:
    """The main sessions the filters keep, newest first."""
    where, params = session_filter(conn, filters.project, filters.agent)
    conditions = ["s.parent_id IS NULL", f"({where})"]
    if filters.model:
        conditions.append(_MODEL)
        params = [*params, filters.model, filters.model, filters.model]
    if filters.since:
        conditions.append(f"{_START} >= ?")
        params = [*params, filters.since]
    if filters.until:
        conditions.append(f"{_START} < ?")
        params = [*params, filters.until + "\uffff"]  # the whole day
    if filters.errors:
        conditions.append(_ERRORS)
    sql = f"SELECT s.id FROM sessions s WHERE {' AND '.join(conditions)} ORDER BY {_START} DESC, s.id DESC"
    return [str(row[0]) for row in conn.execute(sql, params)]


def filter_choices(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """The projects, agents and models the store holds (for the filters' lists)."""
    return {
        "projects": [
            str(r[0])
            for r in conn.execute("SELECT DISTINCT project FROM sessions WHERE project IS NOT NULL ORDER BY 1")
        ],
        "agents": [str(r[0]) for r in conn.execute("SELECT DISTINCT agent FROM sessions ORDER BY 1")],
        "models": [
            str(r[0])
            for r in conn.execute(
                "SELECT model FROM sessions WHERE model IS NOT NULL UNION SELECT DISTINCT model FROM token_usage ORDER BY 1"
            )
            if r[0]
        ],
    }


def session_page(
    conn: sqlite3.Connection,
    filters: SessionFilters,
    page: int = 1,
    page_size: int = PAGE_SIZE,
    choices: dict[str, list[str]] | None = None,
) -> SessionPage:
    """Page `page` (from 1) of the sessions the filters keep, newest first; `choices`: the
    filters' lists when the caller has them (else read: filter_choices)."""
    ids = matching_ids(conn, filters)
    page = max(1, page)
    chosen = ids[(page - 1) * page_size : page * page_size]
    rows = list_sessions(conn, ids=chosen) if chosen else []
    order = {session_id: index for index, session_id in enumerate(chosen)}
    rows.sort(key=lambda row: order[row.id])
    return SessionPage(filters, page, page_size, len(ids), rows, filter_choices(conn) if choices is None else choices)
