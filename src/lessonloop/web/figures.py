"""The figures that take long to compute (state.py keeps them until the store changes, and gives
the kept ones while they are computed again): the dashboards (their statistics test every habit
against every outcome), the replay (learning run again over the whole history) and the store's
totals. The dashboards and the replay are kept as the JSON the API sends, redacted once."""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.core.json_codec import dumps
from lessonloop.learning.engine.replay import replay
from lessonloop.learning.runs import load_replay_history
from lessonloop.report.dashboard_queries import dashboard
from lessonloop.report.queries import stats
from lessonloop.report.sample_queries import sample_scope, without_sample
from lessonloop.report.session_browse_queries import filter_choices
from lessonloop.secrets.field_redaction import redact_fields
from lessonloop.web.state import Figures, WebState


def _json(data: Any) -> bytes:
    return dumps(redact_fields(data)[0]).encode()


def dashboard_json(state: WebState, project: str | None, agent: str | None) -> Figures:
    return state.figures(("dashboard", project, agent), lambda conn: _json(dashboard(conn, project, agent)))


def replay_json(state: WebState, project: str | None, agent: str | None) -> Figures:
    """The online replay (learning/engine/replay.py) as JSON; with no calls: evaluated_calls 0. `project`:
    a stored project's name (web/requests.py resolved ?project), as for the other figures. The
    bundled sample is left out as the dashboards leave it (report/sample_queries.py)."""

    def compute(conn: sqlite3.Connection) -> bytes:
        history = without_sample(load_replay_history(conn, project, agent), sample_scope(conn))
        if not history.events:
            return _json({"evaluated_calls": 0, "evaluated_sessions": 0, "by_day": []})
        return _json(replay(history).to_json())

    return state.figures(("replay", project, agent), compute)


def store_stats(state: WebState, project: str | None, agent: str | None) -> Figures:
    return state.figures(("stats", project, agent), lambda conn: stats(conn, project, agent))


def filter_lists(state: WebState) -> Figures:
    """The projects, agents and models the store holds, for the filters' lists."""
    return state.figures(("choices",), filter_choices)


def warm(state: WebState) -> None:
    """Compute the whole store's figures once (the server's start, in a thread of its own), so
    the first visit finds them ready."""
    try:
        store_stats(state, None, None)
        filter_lists(state)
        dashboard_json(state, None, None)
        replay_json(state, None, None)
    except Exception:  # a warm-up only: the request that needs them computes them and reports
        return
