"""Reading what `lessonloop run` recorded: the runs (newest first), one run in full, and the raw
material of pattern effectiveness (each pattern a run watched for, with how the run went)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from lessonloop.core.json_codec import loads
from lessonloop.runs.runner.run_record import RUN_COLUMNS, PatternUse, RunRecord
from lessonloop.store.sessions.span import session_end, session_start

VERDICTS = ("should_have_waited", "should_have_stopped")
# The most recent runs of a command that count for its suggestions and its anomalies (`suggest`,
# `run --auto`, the dashboards): old runs say less about today.
HISTORY_RUNS = 500

_SELECT_RUNS = f"SELECT {', '.join('r.' + c for c in RUN_COLUMNS)} FROM runs r"


def run_count(conn: sqlite3.Connection) -> int:
    """Runs `lessonloop run` recorded."""
    return int(conn.execute("SELECT count(*) FROM runs").fetchone()[0])


def unmatched_findings(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """(id, source, kind, rule, severity, path, line, message, ts, the run's folder) of the run
    findings not tied to a session yet, by id."""
    return conn.execute(
        """SELECT f.id, f.source, f.kind, f.rule, f.severity, f.path, f.line, f.message, f.ts, r.cwd
           FROM findings f JOIN runs r ON r.id = f.run_id
           WHERE f.run_id IS NOT NULL AND f.session_id IS NULL
           ORDER BY f.id"""
    ).fetchall()


def command_summaries(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """`lessonloop run`'s telemetry per project and normalized command: runs, failures, early stops,
    total and longest duration, first and last run (what a team shares: core/wing.py's
    command_summaries)."""
    rows = conn.execute(
        """SELECT project, command_norm, min(program), count(*),
                  sum(CASE WHEN child_status IS NULL OR child_status <> 0 THEN 1 ELSE 0 END),
                  sum(stopped), sum(duration), max(duration), min(started_at), max(started_at)
           FROM runs GROUP BY project, command_norm ORDER BY project, command_norm"""
    )
    names = [
        "project",
        "command",
        "program",
        "runs",
        "failures",
        "stopped",
        "duration_total",
        "duration_max",
        "first_seen",
        "last_seen",
    ]
    return [dict(zip(names, row, strict=True)) for row in rows]


class RunNotFound(LookupError):
    """No stored run has this id; the message says so."""


@dataclass(frozen=True, slots=True)
class RunPattern:
    """A pattern a run watched for, and how often it matched."""

    kind: str  # error | success | exclude
    pattern: str
    matches: int

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "pattern": self.pattern, "matches": self.matches}


@dataclass(frozen=True, slots=True)
class RunMatch:
    """One match of a run: the line (number within its stream) and the lines around it."""

    seq: int
    kind: str  # error | success | repeat
    pattern: str
    stream: str
    line: int
    offset: float
    text: str
    before: list[str]
    after: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "pattern": self.pattern,
            "stream": self.stream,
            "line": self.line,
            "offset": self.offset,
            "text": self.text,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True, slots=True)
class RunFinding:
    """A finding stored with the run (a matched error line, for the learning loop)."""

    id: int
    source: str
    kind: str
    rule: str
    severity: str
    path: str | None
    line: int | None
    message: str
    ts: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "kind": self.kind,
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "message": self.message,
            "ts": self.ts,
        }


@dataclass(frozen=True, slots=True)
class RunDetail:
    """One run in full: its row, its patterns, its matches and its findings."""

    run: RunRecord
    patterns: list[RunPattern]
    matches: list[RunMatch]
    findings: list[RunFinding]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.run.to_json(),
            "patterns": [p.to_json() for p in self.patterns],
            "matches": [m.to_json() for m in self.matches],
            "findings": [f.to_json() for f in self.findings],
        }


def _run(row: tuple[Any, ...]) -> RunRecord:
    values = dict(zip(RUN_COLUMNS, row, strict=True))
    values["settings"] = loads(values["settings"]) if values["settings"] else {}
    values["idle_periods"] = loads(values["idle_periods"]) if values["idle_periods"] else []
    values["stopped"] = bool(values["stopped"])
    return RunRecord(**values)


def _like(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere (ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def run_scope(project: str | None = None, agent: str | None = None) -> tuple[list[str], list[Any]]:
    """SQL conditions on runs `r` (and their parameters) for a project and an agent.

    `project`: the runs recorded in that stored project (exactly; callers resolve a value with
    store/projects/names.py). `agent`: a run has no agent of its own (`lessonloop run` does not
    know who started it), so the runs of an agent are those started while a main session of that
    agent was under way in the run's project: from the session's start to its end
    (store/sessions/span.py), both included. A run of no project belongs to no agent."""
    where: list[str] = []
    params: list[Any] = []
    if project is not None:
        where.append("r.project = ?")
        params.append(project)
    if agent is not None:
        where.append(
            "EXISTS (SELECT 1 FROM sessions s WHERE s.parent_id IS NULL AND s.agent = ? AND s.project = r.project"
            f" AND {session_start('s')} <= r.started_at AND {session_end('s')} >= r.started_at)"
        )
        params.append(agent)
    return where, params


def list_runs(
    conn: sqlite3.Connection,
    *,
    command: str | None = None,
    limit: int | None = None,
    project: str | None = None,
    agent: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[RunRecord]:
    """Stored runs, newest first. `command`: the runs whose normalized command is exactly it; when
    there are none, the runs whose normalized or raw command contains it. `project`, `agent`: only
    the runs of that project (exact) and agent (run_scope). `since`, `until` (canonical UTC text):
    only the runs started from `since` on and before `until`. `limit`: at most that many."""
    base_where, params = run_scope(project, agent)
    if since is not None:
        base_where, params = [*base_where, "r.started_at >= ?"], [*params, since]
    if until is not None:
        base_where, params = [*base_where, "r.started_at < ?"], [*params, until]
    tail = " ORDER BY r.started_at DESC, r.id DESC" + (" LIMIT ?" if limit is not None else "")
    tail_params: list[Any] = [limit] if limit is not None else []

    def query(where: list[str], extra: list[Any]) -> list[RunRecord]:
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        return [_run(row) for row in conn.execute(_SELECT_RUNS + clause + tail, [*params, *extra, *tail_params])]

    if command is None:
        return query(base_where, [])
    exact = query([*base_where, "r.command_norm = ?"], [command])
    if exact:
        return exact
    pattern = _like(command)
    return query(
        [*base_where, "(r.command_norm LIKE ? ESCAPE '\\' OR r.command LIKE ? ESCAPE '\\')"], [pattern, pattern]
    )


def command_history(
    conn: sqlite3.Connection,
    command_norm: str,
    limit: int = HISTORY_RUNS,
    *,
    project: str | None = None,
    agent: str | None = None,
) -> list[RunRecord]:
    """The runs of exactly `command_norm`, newest first: the latest `limit` (HISTORY_RUNS), the
    window a command's suggestions and anomalies are computed over everywhere; only those of
    `project` and `agent` when given (run_scope)."""
    where, params = run_scope(project, agent)
    clause = "".join(f" AND {condition}" for condition in where)
    return [
        _run(row)
        for row in conn.execute(
            _SELECT_RUNS + f" WHERE r.command_norm = ?{clause} ORDER BY r.started_at DESC, r.id DESC LIMIT ?",
            (command_norm, *params, limit),
        )
    ]


def get_run(conn: sqlite3.Connection, run_id: int) -> RunDetail | None:
    """One run with its patterns, matches (in order) and findings; None when there is no such run
    (an id SQLite cannot hold included)."""
    if not 0 < run_id < 2**63:
        return None
    row = conn.execute(_SELECT_RUNS + " WHERE r.id = ?", (run_id,)).fetchone()
    if row is None:
        return None
    patterns = [
        RunPattern(kind, pattern, matches)
        for kind, pattern, matches in conn.execute(
            """SELECT kind, pattern, matches FROM run_patterns WHERE run_id = ?
               ORDER BY CASE kind WHEN 'error' THEN 0 WHEN 'success' THEN 1 ELSE 2 END, rowid""",
            (run_id,),
        )
    ]
    matches = [
        RunMatch(
            seq,
            kind,
            pattern,
            stream,
            line,
            offset,
            text,
            loads(before) if before else [],
            loads(after) if after else [],
        )
        for seq, kind, pattern, stream, line, offset, text, before, after in conn.execute(
            """SELECT seq, kind, pattern, stream, line, offset, text, before, after FROM run_matches
               WHERE run_id = ? ORDER BY seq""",
            (run_id,),
        )
    ]
    findings = [
        RunFinding(*found)
        for found in conn.execute(
            """SELECT id, source, kind, rule, severity, path, line, message, ts FROM findings
               WHERE run_id = ? ORDER BY id""",
            (run_id,),
        )
    ]
    return RunDetail(_run(row), patterns, matches, findings)


def run_row(conn: sqlite3.Connection, run_id: int) -> RunRecord:
    """The run `run_id`; RunNotFound when there is none."""
    row = conn.execute(_SELECT_RUNS + " WHERE r.id = ?", (run_id,)).fetchone()
    if row is None:
        raise RunNotFound(f"no run has the id {run_id} (`lessonloop runs` lists them)")
    return _run(row)


def pattern_rows(conn: sqlite3.Connection, command_norm: str | None = None) -> list[PatternUse]:
    """Every (pattern, run) pair: each pattern each run watched for, with its matches and how the
    run went, oldest run first; only the runs of `command_norm` (exact) when given."""
    where = " WHERE r.command_norm = ?" if command_norm is not None else ""
    params: tuple[Any, ...] = (command_norm,) if command_norm is not None else ()
    return [
        PatternUse(
            run_id=row[0],
            command_norm=row[1],
            kind=row[2],
            pattern=row[3],
            matches=row[4],
            reason=row[5],
            exit_status=row[6],
            child_status=row[7],
            stopped=bool(row[8]),
            rating=row[9],
            verdict=row[10],
        )
        for row in conn.execute(
            f"""SELECT r.id, r.command_norm, p.kind, p.pattern, p.matches, r.reason, r.exit_status,
                       r.child_status, r.stopped, r.rating, r.verdict
                FROM run_patterns p JOIN runs r ON r.id = p.run_id{where}
                ORDER BY r.started_at, r.id, p.kind, p.pattern""",
            params,
        )
    ]


def run_projects(conn: sqlite3.Connection) -> list[str]:
    """The projects runs were recorded in, sorted."""
    return [
        str(row[0]) for row in conn.execute("SELECT DISTINCT project FROM runs WHERE project IS NOT NULL ORDER BY 1")
    ]


def latest_command_line(conn: sqlite3.Connection, command_norm: str) -> str | None:
    """The command line of the latest recorded run of `command_norm` (None when it has none)."""
    row = conn.execute(
        "SELECT command FROM runs WHERE command_norm = ? ORDER BY started_at DESC, id DESC LIMIT 1", (command_norm,)
    ).fetchone()
    return None if row is None else str(row[0])


def has_runs_of(conn: sqlite3.Connection, command_norm: str) -> bool:
    """Whether a run of exactly this normalized command is recorded."""
    return conn.execute("SELECT 1 FROM runs WHERE command_norm = ? LIMIT 1", (command_norm,)).fetchone() is not None
