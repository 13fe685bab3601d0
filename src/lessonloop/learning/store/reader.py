"""What learning reads from the store, as rows (learning/runs/source.py, learning's one reader,
makes them learning's items): the calls in learning's order through a cursor (a full relearn
never holds the history), the calls at or after a time (incremental learning), one main
session's (to check that what was learned from it is unchanged), calls by id; the corrections;
the warnings the hooks gave; the person's prompts; what batch lessons read (findings, the analyzed
projects); and the few facts a learning run asks of the lessons kept.

Learning's order: each call's time (a call without one: its session's start), then its context,
then its place in the context. Each reader keeps its own query: rows of equal keys come in the
order SQLite gives them, and learning keeps that order.

A call row (`CALL_ROW_WIDTH` values): the call's columns (session_reader.CALL_COLUMNS, the
result's text and the diff NULL), then its main session's id, project, git branch, folder and
agent, the call's error class (call_errors) and its session's start (its main session's when it
has none). A correction row: session, message, label, detail (JSON), project, its session's
start, the signal's id.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from lessonloop.core import json_codec
from lessonloop.store.sessions.reader import CALL_COLUMNS

# Learning reads neither a result's text nor an edit's diff (analysis does): NULL in their place
# (they were more than half the bytes a full learn read, hashed and dropped). What a session's
# calls showed of a file is read for one session when a lesson needs it (`session_file_rows`).
_NOT_LEARNED = frozenset({"result_text", "diff"})
_T_COLUMNS = ", ".join(
    "NULL" if name.strip() in _NOT_LEARNED else f"t.{name.strip()}" for name in CALL_COLUMNS.split(",")
)
_VIEW_COLUMNS = ", ".join("NULL" if name.strip() == "diff" else f"t.{name.strip()}" for name in CALL_COLUMNS.split(","))
CALL_WIDTH = len(CALL_COLUMNS.split(","))  # a call row's call columns (session_reader.call_from_row's)
CALL_ROW_WIDTH = CALL_WIDTH + 7  # and its main session's facts, error class and start
_FROM = """FROM tool_calls t
    JOIN sessions s ON s.id = t.session_id
    JOIN sessions m ON m.id = coalesce(s.parent_id, s.id)
    LEFT JOIN call_errors e ON e.tool_use_id = t.id"""
_KEY = "coalesce(nullif(t.ts, ''), coalesce(s.started_at, m.started_at), '')"  # = CallEvent.ts
_CALL_SELECT = f"SELECT {_T_COLUMNS}, m.id, m.project, m.git_branch, m.cwd, m.agent, e.class, coalesce(s.started_at, m.started_at) {_FROM}"
_CORRECTIONS_SELECT = """SELECT a.session_id, a.message_uuid, a.label, a.detail, m.project, m.started_at, a.id
    FROM analysis_signals a JOIN sessions m ON m.id = a.session_id WHERE a.kind = 'correction'"""
_ONLY = "(? IS NULL OR m.project = ?) AND (? IS NULL OR m.agent = ?)"  # one project's, one agent's
_CHUNK = 500

Row = Sequence[Any]

# ---------------------------------------------------------------------------- calls


def all_call_rows(conn: sqlite3.Connection) -> Iterator[Row]:
    """Every call row in learning's order, through a cursor: the calls with a time in the order of
    the time index, merged with those without one (by their session's start). One ORDER BY over
    the whole key sorted every row, wide columns and all, in a temporary b-tree."""
    timed = conn.execute(f"{_CALL_SELECT} WHERE t.ts > '' ORDER BY t.ts, t.session_id, t.seq")
    untimed = conn.execute(f"{_CALL_SELECT} WHERE t.ts IS NULL OR t.ts = '' ORDER BY {_KEY}, t.session_id, t.seq")
    yield from heapq.merge(timed, untimed, key=_row_order)


def _row_order(row: Row) -> tuple[str, str, int]:
    """A call row's place in learning's order (`_KEY`, then its session and place)."""
    return (row[3] or row[CALL_WIDTH + 6] or "", row[1], row[2])


def call_rows_of(conn: sqlite3.Connection, project: str | None, agent: str | None) -> Iterator[Row]:
    """The call rows of one project, of one agent's sessions (None: any), in no order."""
    yield from conn.execute(f"{_CALL_SELECT} WHERE {_ONLY}", (project, project, agent, agent))


def call_rows_from(conn: sqlite3.Connection, boundary: str) -> list[Row]:
    """The call rows timed at `boundary` or later, and those without a time of the sessions that
    started then or later (by the time index), in no order."""
    rows = conn.execute(f"{_CALL_SELECT} WHERE t.ts >= ? AND t.ts != ''", (boundary,)).fetchall()
    rows += conn.execute(
        f"{_CALL_SELECT} WHERE (t.ts IS NULL OR t.ts = '') AND t.session_id IN "
        "(SELECT s2.id FROM sessions s2 LEFT JOIN sessions m2 ON m2.id = s2.parent_id "
        " WHERE coalesce(s2.started_at, m2.started_at, '') >= ?)",
        (boundary,),
    ).fetchall()
    return rows


def call_rows_by_id(conn: sqlite3.Connection, ids: Iterable[str]) -> Iterator[Row]:
    """The call rows of these calls (each once)."""
    wanted = list(dict.fromkeys(ids))
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        marks = ", ".join("?" * len(part))
        yield from conn.execute(f"{_CALL_SELECT} WHERE t.id IN ({marks})", part)


def session_call_rows(conn: sqlite3.Connection, root: str) -> list[Row]:
    """The call rows of main session `root` and its subagents."""
    return conn.execute(f"{_CALL_SELECT} WHERE s.id = ? OR s.parent_id = ?", (root, root)).fetchall()


def session_file_rows(conn: sqlite3.Connection, root: str) -> list[Row]:
    """The call rows of main session `root` and its subagents with their results' text: what the
    session's calls showed of its files (learning/engine/file_views.py; read only when a lesson that needs a
    file's text meets a call of the session)."""
    select = _CALL_SELECT.replace(_T_COLUMNS, _VIEW_COLUMNS, 1)
    return conn.execute(f"{select} WHERE s.id = ? OR s.parent_id = ?", (root, root)).fetchall()


def call_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM tool_calls").fetchone()[0])


def last_calls(conn: sqlite3.Connection) -> dict[str, str]:
    """Each main session's last call in learning's order."""
    return dict(
        conn.execute(
            f"""SELECT root, id FROM (
                  SELECT m.id AS root, t.id AS id,
                         row_number() OVER (PARTITION BY m.id ORDER BY {_KEY} DESC, t.session_id DESC, t.seq DESC) AS n
                  FROM tool_calls t JOIN sessions s ON s.id = t.session_id
                  JOIN sessions m ON m.id = coalesce(s.parent_id, s.id))
                WHERE n = 1"""
        )
    )


def latest_time(conn: sqlite3.Connection) -> str:
    """The latest learning time of any call (by the time index; calls without a time: their
    session's start)."""
    timed = conn.execute("SELECT max(ts) FROM tool_calls").fetchone()[0] or ""
    untimed = ""
    for empty in ("t.ts IS NULL", "t.ts = ''"):  # each by the time index
        found = conn.execute(
            f"""SELECT max(coalesce(s.started_at, m.started_at)) FROM tool_calls t
                JOIN sessions s ON s.id = t.session_id LEFT JOIN sessions m ON m.id = s.parent_id WHERE {empty}"""
        ).fetchone()[0]
        untimed = max(untimed, found or "")
    return max(timed, untimed)


# ---------------------------------------------------------------------------- corrections


def all_correction_rows(conn: sqlite3.Connection) -> list[Row]:
    """Every correction row, in no order (few: a person's words)."""
    return conn.execute(_CORRECTIONS_SELECT).fetchall()


def correction_rows_of(conn: sqlite3.Connection, project: str | None, agent: str | None) -> list[Row]:
    """The correction rows of one project, of one agent's sessions (None: any), in no order."""
    return conn.execute(f"{_CORRECTIONS_SELECT} AND {_ONLY}", (project, project, agent, agent)).fetchall()


def session_correction_rows(conn: sqlite3.Connection, root: str) -> list[Row]:
    """The correction rows of main session `root`, in no order."""
    return conn.execute(f"{_CORRECTIONS_SELECT} AND a.session_id = ?", (root,)).fetchall()


# ---------------------------------------------------------------------------- warnings


def all_warnings(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """tool_use_id -> signatures of the lessons a PreToolUse hook warned about on that call."""
    return _warnings(conn, "", ())


def warnings_for(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for start in range(0, len(ids), _CHUNK):
        part = list(ids[start : start + _CHUNK])
        out.update(_warnings(conn, f" AND tool_use_id IN ({', '.join('?' * len(part))})", part))
    return out


def session_warnings(conn: sqlite3.Connection, root: str) -> dict[str, list[str]]:
    return _warnings(
        conn,
        " AND tool_use_id IN (SELECT t.id FROM tool_calls t JOIN sessions s ON s.id = t.session_id"
        " WHERE s.id = ? OR s.parent_id = ?)",
        (root, root),
    )


def _warnings(conn: sqlite3.Connection, where: str, args: Sequence[str]) -> dict[str, list[str]]:
    rows = conn.execute(
        "SELECT tool_use_id, lessons FROM hook_decisions WHERE event = 'PreToolUse' AND action != 'none'"
        f" AND tool_use_id IS NOT NULL AND lessons IS NOT NULL{where} ORDER BY id",
        tuple(args),
    ).fetchall()
    if not rows:
        return {}
    signatures = dict(conn.execute("SELECT id, signature FROM lessons"))
    out: dict[str, list[str]] = {}
    for tool_use_id, lessons in rows:
        try:
            ids = json_codec.loads(lessons)
        except ValueError:
            continue
        found = [signatures[i] for i in ids if i in signatures] if isinstance(ids, list) else []
        if found:
            out.setdefault(tool_use_id, []).extend(found)
    return out


# ---------------------------------------------------------------------------- sessions


def roots_of(conn: sqlite3.Connection, ids: Iterable[str]) -> tuple[set[str], set[str]]:
    """The main sessions of these sessions (main or subagent), and the ids the store no longer has."""
    wanted = list(dict.fromkeys(ids))
    roots: set[str] = set()
    known: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start : start + _CHUNK]
        marks = ", ".join("?" * len(part))
        for sid, root in conn.execute(f"SELECT id, coalesce(parent_id, id) FROM sessions WHERE id IN ({marks})", part):
            known.add(sid)
            roots.add(root)
    return roots, set(wanted) - known


def session_models(conn: sqlite3.Connection, roots: Iterable[str]) -> dict[str, str]:
    """Each of these main sessions' most used model (its subagents' calls included)."""
    out: dict[str, str] = {}
    for root in dict.fromkeys(roots):
        row = conn.execute(
            """SELECT u.model, count(*) AS n FROM token_usage u
               WHERE u.model NOT LIKE '<%' AND u.session_id IN (SELECT id FROM sessions WHERE id = ? OR parent_id = ?)
               GROUP BY u.model ORDER BY n DESC, u.model LIMIT 1""",
            (root, root),
        ).fetchone()
        if row is not None:
            out[root] = row[0]
    return out


def model_counts(conn: sqlite3.Connection) -> Iterator[tuple[str, str, int]]:
    """(main session, model, responses) of every model of every main session (its subagents'
    responses included)."""
    yield from conn.execute(
        """SELECT coalesce(s.parent_id, s.id), u.model, count(*)
           FROM token_usage u JOIN sessions s ON s.id = u.session_id
           WHERE u.model NOT LIKE '<%' GROUP BY 1, 2"""
    )


# ---------------------------------------------------------------------------- prompts

# The person's prompts of each main session (its subagents' included), in time order, for the
# learner: a lesson learned from a person's rejection does not warn against what the person asked
# for in the session (lesson_model/prompt_match.py).
PROMPT_CHARS = 2000  # of each prompt: what it asks for is at its start
# (main session, time, text) of the prompts; its one parameter: PROMPT_CHARS
_PROMPTS_SELECT = """SELECT m.id, coalesce(g.ts, ''), substr(g.text, 1, ?)
    FROM messages g JOIN sessions s ON s.id = g.session_id JOIN sessions m ON m.id = coalesce(s.parent_id, s.id)
    WHERE g.kind = 'prompt' AND g.text IS NOT NULL"""
_PROMPTS_ORDER = " ORDER BY coalesce(g.ts, ''), g.seq"


def load_prompts(
    conn: sqlite3.Connection, project: str | None = None, agent: str | None = None
) -> dict[str, list[tuple[str, str]]]:
    """main session id -> [(time, text)] of its prompts (of one project, of one agent's sessions)."""
    prompts: dict[str, list[tuple[str, str]]] = {}
    for root, ts, text in conn.execute(
        f"{_PROMPTS_SELECT} AND {_ONLY}{_PROMPTS_ORDER}", (PROMPT_CHARS, project, project, agent, agent)
    ):
        prompts.setdefault(root, []).append((ts, text))
    return prompts


def session_prompts(conn: sqlite3.Connection, root: str) -> list[tuple[str, str, str]]:
    """(main session, time, text) of its prompts and its subagents', in time order."""
    return [
        (root, ts, text)
        for _root, ts, text in conn.execute(
            f"{_PROMPTS_SELECT} AND (s.id = ? OR s.parent_id = ?){_PROMPTS_ORDER}", (PROMPT_CHARS, root, root)
        )
    ]


def all_prompts(conn: sqlite3.Connection) -> Iterator[tuple[str, str, str]]:
    """(main session, time, text) of every prompt, through a cursor."""
    yield from conn.execute(_PROMPTS_SELECT, (PROMPT_CHARS,))


def any_prompt(conn: sqlite3.Connection) -> bool:
    """Whether the store holds any prompt."""
    return (
        conn.execute("SELECT 1 FROM messages WHERE kind = 'prompt' AND text IS NOT NULL LIMIT 1").fetchone() is not None
    )


# ---------------------------------------------------------------------------- batch lessons


def finding_rows(conn: sqlite3.Connection) -> list[Row]:
    """Every finding matched to a session: id, source, kind, rule, severity, path, message,
    session, call, time (the call's when the finding has none), the main session's project."""
    return conn.execute(
        """SELECT f.id, f.source, f.kind, f.rule, f.severity, f.path, f.message, f.session_id, f.tool_use_id,
                  coalesce(f.ts, t.ts), m.project
           FROM findings f JOIN sessions m ON m.id = f.session_id
           LEFT JOIN tool_calls t ON t.id = f.tool_use_id
           WHERE f.session_id IS NOT NULL"""
    ).fetchall()


def analyzed_projects(conn: sqlite3.Connection) -> list[str | None]:
    """The projects of the analyzed sessions (session_executions), sorted."""
    return [row[0] for row in conn.execute("SELECT DISTINCT project FROM session_executions ORDER BY 1")]


# ---------------------------------------------------------------------------- lessons


def lesson_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM lessons").fetchone()[0])
