"""The figures that take long to compute, kept per server run until the store changes
(state.py): the dashboards (their statistics test every habit against every outcome), the
replay (learning run again over the whole history) and the store's totals."""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.web.state import WebState


def dashboard_figures(state: WebState, conn: sqlite3.Connection, project: str | None, agent: str | None) -> Any:
    from lessonloop.report.dashboard_queries import dashboard

    return state.figures(("dashboard", project, agent), lambda: dashboard(conn, project, agent))


def replay_figures(state: WebState, conn: sqlite3.Connection, project: str | None, agent: str | None) -> Any:
    """The online replay (learn/replay.py) as JSON; no calls: evaluated_calls 0."""

    def compute() -> dict[str, Any]:
        from lessonloop.learn.replay import replay
        from lessonloop.pipeline.learning import load_history

        history = load_history(conn, _exact_project(conn, project), agent)
        if not history.events:
            return {"evaluated_calls": 0, "evaluated_sessions": 0, "by_day": []}
        return replay(history).to_json()

    return state.figures(("replay", project, agent), compute)


def stats_figures(state: WebState, conn: sqlite3.Connection, project: str | None, agent: str | None) -> Any:
    from lessonloop.report.queries import stats

    return state.figures(("stats", project, agent), lambda: stats(conn, project, agent))


def _exact_project(conn: sqlite3.Connection, project: str | None) -> str | None:
    """The stored project a value names (exact, else the one containing it); the value itself otherwise."""
    if not project:
        return None
    names = [
        str(row[0])
        for row in conn.execute("SELECT DISTINCT project FROM sessions WHERE project IS NOT NULL")
        if project in str(row[0])
    ]
    if project in names:
        return project
    return names[0] if len(names) == 1 else project


def warm(state: WebState) -> None:
    """Compute the whole store's figures once (the server's start, in a thread of its own), so
    the first visit finds them ready."""
    try:
        with state.store() as conn:
            stats_figures(state, conn, None, None)
            dashboard_figures(state, conn, None, None)
            replay_figures(state, conn, None, None)
    except Exception:  # a warm-up only: the request that needs them computes them and reports
        return
