"""The runs wing's part of forgetting a project (core/wing.py's forget; store/forgetting.py runs
it): the runs `lessonloop run` recorded in the project, their patterns and matches, and the
findings their matches made."""

from __future__ import annotations

import sqlite3

_R = "(SELECT id FROM temp._ll_fr)"  # the runs of the forgotten project
TEMP_TABLES = ("_ll_fr",)
# Deleted after the findings (those of these runs among them), in this order.
STEPS = (
    ("run_matches", f"run_id IN {_R}"),
    ("run_patterns", f"run_id IN {_R}"),
    ("runs", f"id IN {_R}"),
)


def project_rows(conn: sqlite3.Connection, project: str) -> int:
    """How many runs of `lessonloop run` were recorded in `project`."""
    return int(conn.execute("SELECT count(*) FROM runs WHERE project = ?", (project,)).fetchone()[0])


def collect(conn: sqlite3.Connection, project: str | None) -> str:
    """The runs of `project` (none when None) into a temporary table; the condition on `findings`
    of those their matches made."""
    conn.execute("CREATE TEMP TABLE _ll_fr (id INTEGER PRIMARY KEY)")
    if project is not None:
        conn.execute("INSERT INTO temp._ll_fr SELECT id FROM runs WHERE project = ?", (project,))
    return f"run_id IN {_R}"


def after(_conn: sqlite3.Connection, _project: str) -> dict[str, int]:
    """Nothing more: the runs went with the findings."""
    return {}


def sessions_deleted(_conn: sqlite3.Connection, _models: object) -> dict[str, int]:
    """Nothing goes with a session alone: a run's rows are the project's."""
    return {}
