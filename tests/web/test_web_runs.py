"""The runs page, the runs API and the dashboards' runs section honour ?project and ?agent as
`lessonloop runs --project/--agent` does: a real store (agent transcripts ingested through the
CLI, runs recorded through the store's writer at times inside and outside a session), a real
server."""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'lessonloop[web]'")

from lessonloop.runs.runner.result import RunOptions, RunResult
from lessonloop.runs.store.writer import record_run
from lessonloop.store import open_store
from tests.conftest import SHARED_CORPUS, cli
from tests.web_stores import Server, ingest, need_corpora, serving

pytestmark = pytest.mark.corpus
CORPORA = (SHARED_CORPUS / "gemini" / "codemie", SHARED_CORPUS / "codex" / "codemie" / "sessions")
OTHER_PROJECT = "/srv/runs-only"
LONG_AGO = "2001-01-01T00:00:00.000Z"


@dataclass(frozen=True)
class Runs:
    db: Path
    agent: str
    project: str
    during: int  # in the project, while a session of `agent` was under way
    before: int  # in the project, before any session
    elsewhere: int  # in a project no session has, at the same time as `during`


def _record(conn: sqlite3.Connection, command: str, started: str, project: str) -> int:
    result = RunResult(RunOptions(command.split(), use_pty=False), "/tmp", started)
    result.ended_at, result.duration, result.reason = started, 1.0, "exit"
    return record_run(conn, result, command=command, command_norm=command, project=project)


def _a_session_middle(conn: sqlite3.Connection) -> tuple[str, str, str]:
    """(agent, project, a time inside one of its sessions): the median stamp of the main session
    with the most timed messages."""
    agent, project, session_id = conn.execute(
        """SELECT s.agent, s.project, s.id FROM sessions s JOIN messages m ON m.session_id = s.id
           WHERE s.parent_id IS NULL AND s.project IS NOT NULL AND m.ts IS NOT NULL
           GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT 1"""
    ).fetchone()
    stamps = [
        str(r[0])
        for r in conn.execute(
            "SELECT ts FROM messages WHERE session_id = ? AND ts IS NOT NULL ORDER BY ts", (session_id,)
        )
    ]
    return str(agent), str(project), stamps[len(stamps) // 2]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    need_corpora(*CORPORA)
    db = tmp_path_factory.mktemp("web-runs") / "lessonloop.db"
    ingest(db, *CORPORA)
    conn = open_store(db)
    try:
        agent, project, middle = _a_session_middle(conn)
        during = _record(conn, "make during", middle, project)
        before = _record(conn, "make before", LONG_AGO, project)
        elsewhere = _record(conn, "make elsewhere", middle, OTHER_PROJECT)
    finally:
        conn.close()
    return Runs(db, agent, project, during, before, elsewhere)


@pytest.fixture(scope="module")
def server(runs: Runs) -> Iterator[Server]:
    with serving(runs.db) as running:
        yield running


def get(server: Server, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def get_json(server: Server, path: str) -> Any:
    status, body = get(server, path)
    assert status == 200, body[:300]
    return json.loads(body)


def _ids(server: Server, query: str) -> set[int]:
    return {run["id"] for run in get_json(server, "/api/runs" + query)["runs"]}


def _commands(server: Server, query: str) -> set[str]:
    return {row["command"] for row in get_json(server, "/api/dashboard" + query)["runs"]}


def _query(**values: str) -> str:
    return "?" + urllib.parse.urlencode(values)


def _overlaps(db: Path, agent: str, project: str, run_id: int) -> bool:
    """Whether a main session of `agent` in `project` was under way when run `run_id` started:
    its own start (the agent's, else its first stamp) to its end (likewise), both included."""
    conn = sqlite3.connect(db)
    try:
        started = conn.execute("SELECT started_at FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
        for session_id, start, end in conn.execute(
            "SELECT id, started_at, ended_at FROM sessions WHERE parent_id IS NULL AND agent = ? AND project = ?",
            (agent, project),
        ):
            stamps = [
                str(r[0])
                for r in conn.execute(
                    "SELECT ts FROM messages WHERE session_id = ? AND ts IS NOT NULL "
                    "UNION ALL SELECT ts FROM tool_calls WHERE session_id = ? AND ts IS NOT NULL",
                    (session_id, session_id),
                )
            ]
            first = start or (min(stamps) if stamps else None)
            last = end or (max(stamps) if stamps else None)
            if first is not None and last is not None and first <= started <= last:
                return True
        return False
    finally:
        conn.close()


@pytest.mark.slow
def test_runs_of_a_project(server: Server, runs: Runs) -> None:
    everything = {runs.during, runs.before, runs.elsewhere}
    assert _ids(server, "") == everything
    in_project = {runs.during, runs.before}
    assert _ids(server, _query(project=runs.project)) == in_project
    assert _ids(server, _query(project=runs.project.upper())) == in_project  # named as everywhere
    assert _ids(server, _query(project=OTHER_PROJECT)) == {runs.elsewhere}
    assert _commands(server, "") == {"make during", "make before", "make elsewhere"}
    assert _commands(server, _query(project=runs.project)) == {"make during", "make before"}
    listed = cli("runs", "--db", runs.db, "--json", "--project", runs.project.upper())
    assert listed.exit_code == 0, listed.stderr
    assert {run["id"] for run in listed.json()} == in_project


def test_runs_of_an_agent_are_those_started_during_its_sessions(server: Server, runs: Runs) -> None:
    assert _ids(server, _query(agent=runs.agent)) == {runs.during}
    assert _ids(server, _query(agent=runs.agent, project=runs.project)) == {runs.during}
    assert _ids(server, _query(agent=runs.agent, project=OTHER_PROJECT)) == set()
    assert _commands(server, _query(agent=runs.agent)) == {"make during"}
    status, body = get(server, "/runs" + _query(agent=runs.agent))
    assert status == 200
    assert f'href="/runs/{runs.during}"'.encode() in body
    assert f'href="/runs/{runs.before}"'.encode() not in body
    assert f'href="/runs/{runs.elsewhere}"'.encode() not in body
    for agent in ("gemini", "codex"):
        expected = {runs.during} if _overlaps(runs.db, agent, runs.project, runs.during) else set()
        assert _ids(server, _query(agent=agent)) == expected, agent
        listed = cli("runs", "--db", runs.db, "--json", "--agent", agent)
        assert listed.exit_code == 0, listed.stderr
        assert {run["id"] for run in listed.json()} == expected, agent
