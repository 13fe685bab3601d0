"""The runs wing's pages in the web UI (core/wing.py's web; web/wing_pages.py mounts them): the
runs of `lessonloop run`, newest first, with filters, and one run in full; the same as JSON under
/api. Its templates are in templates/ beside this module."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lessonloop.report import timeline_queries
from lessonloop.runs.store.reader import get_run, list_runs, run_projects
from lessonloop.web.requests import agent, json_response, page, path_id, project, row_limit, state_of, value
from lessonloop.web.views import NotFound

TEMPLATES = Path(__file__).resolve().parent / "templates"
NAV = (("runs", "/runs", "Runs"),)  # (section, address, label) in the header's links
ROUTE_DOCS = (
    ("GET", "/api/runs", "runs of `lessonloop run`, newest first (?command, ?project, ?agent, ?limit)"),
    ("GET", "/api/runs/{id}", "one run with its patterns, matches and findings"),
)


def runs_view(
    conn: sqlite3.Connection,
    command: str | None,
    limit: int = 200,
    project: str | None = None,
    agent: str | None = None,
) -> dict[str, Any]:
    """The runner's runs, newest first: those of a command, a stored project and an agent when
    given (runs/store/reader.run_scope: an agent's runs are those started during its sessions);
    with the projects runs were recorded in and the agents, for the filters."""
    runs = list_runs(conn, command=command or None, limit=limit, project=project, agent=agent)
    agents = timeline_queries.session_agents(conn)
    return {
        "command": command,
        "project": project,
        "agent": agent,
        "runs": runs,
        "choices": {"projects": run_projects(conn), "agents": agents},
    }


def run_view(conn: sqlite3.Connection, run_id: int) -> dict[str, Any]:
    """One run with its patterns, matches and findings."""
    detail = get_run(conn, run_id)
    if detail is None:
        raise NotFound(f"no run has the id {run_id}")
    return {"detail": detail}


def runs_page(request: Request) -> Response:
    name, who = project(request), agent(request)
    with state_of(request).store() as conn:
        view = runs_view(conn, value(request, "command"), project=name, agent=who)
    return page(request, "runs.html", "runs", **view)


def run_page(request: Request) -> Response:
    with state_of(request).store() as conn:
        view = run_view(conn, path_id(request, "run_id", "the run id"))
    return page(request, "run.html", "runs", **view)


def api_runs(request: Request) -> Response:
    name, who, limit = project(request), agent(request), row_limit(request, 200)
    with state_of(request).store() as conn:
        view = runs_view(conn, value(request, "command"), limit, name, who)
    return json_response(
        {
            "command": view["command"],
            "project": view["project"],
            "agent": view["agent"],
            "runs": [run.to_json() for run in view["runs"]],
        }
    )


def api_run(request: Request) -> Response:
    with state_of(request).store() as conn:
        view = run_view(conn, path_id(request, "run_id", "the run id"))
    return json_response(view["detail"].to_json())


PAGES = [Route("/runs", runs_page, methods=["GET"]), Route("/runs/{run_id}", run_page, methods=["GET"])]
API = [Route("/api/runs", api_runs, methods=["GET"]), Route("/api/runs/{run_id}", api_run, methods=["GET"])]
