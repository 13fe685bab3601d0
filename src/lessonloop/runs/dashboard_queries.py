"""The runs wing's dashboard panel (core/wing.py's dashboard, report/dashboard_queries.py shows
it): the runs of `lessonloop run` per command, their timings, exit reasons and anomalies."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any

from lessonloop.runs.command_timing import anomalies
from lessonloop.runs.store.reader import command_history, run_scope
from lessonloop.store.projects.names import resolve_project_name

RUN_COMMANDS = 20


def runs_panel(conn: sqlite3.Connection, project: str | None, agent: str | None) -> list[dict[str, Any]]:
    """The panel: the runs per command of `project` (a name as given: resolved to a stored one)
    and `agent`."""
    return runs_per_command(conn, project=_run_project(conn, project), agent=agent)


def _run_project(conn: sqlite3.Connection, project: str | None) -> str | None:
    """The stored project whose runs the dashboards show (store/projects/names.py's rule)."""
    return resolve_project_name(conn, project)


def runs_per_command(
    conn: sqlite3.Connection, limit: int = RUN_COMMANDS, *, project: str | None = None, agent: str | None = None
) -> list[dict[str, Any]]:
    """The runner's runs per normalized command (the most run first): how many are stored, and
    over the latest HISTORY_RUNS of them (the window `lessonloop runs suggest` uses, so both flag the
    same runs) each run's start and seconds (for the chart), the exit reasons and the anomalies.
    `project` (a stored name) and `agent`: only their runs (runs/store/reader.run_scope), the
    anomalies then computed among those."""
    where, params = run_scope(project, agent)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    commands = conn.execute(
        f"SELECT r.command_norm, count(*) FROM runs r{clause} GROUP BY r.command_norm"
        " ORDER BY count(*) DESC, r.command_norm LIMIT ?",
        (*params, limit),
    ).fetchall()
    out: list[dict[str, Any]] = []
    for command, count in commands:
        runs = command_history(conn, str(command), project=project, agent=agent)
        runs.reverse()  # oldest first
        reasons: dict[str, int] = defaultdict(int)
        for run in runs:
            reasons[run.reason] += 1
        out.append(
            {
                "command": command,
                "runs": count,
                "durations": [
                    {
                        "id": run.id,
                        "started_at": run.started_at,
                        "seconds": round(run.duration, 3),
                        "reason": run.reason,
                    }
                    for run in runs
                ],
                "reasons": dict(sorted(reasons.items())),
                "anomalies": [a.to_json() | {"description": a.describe()} for a in anomalies(runs)],
            }
        )
    return out
