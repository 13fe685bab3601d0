"""One session in figures, as MCP's session_summary (apply/mcp_tools.py) reads it: which session
was active last (ingested, or only seen by the hooks so far), and a session's rows: its calls and
errors, prompts, corrections and outcome when ingested; its hook_sessions row and live calls when
only the hooks have seen it. Plain rows; the tool shapes them."""

from __future__ import annotations

import sqlite3

from lessonloop.analyze.prompt_request import request_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the reads of figures: issue 43)
if TYPE_CHECKING:
    from typing import Any

_LAST_ACTIVITY = """
WITH tree AS (SELECT id, coalesce(parent_id, id) AS root FROM sessions),
acts AS (
    SELECT t.root, max(m.ts) AS last FROM messages m JOIN tree t ON t.id = m.session_id GROUP BY t.root
    UNION ALL
    SELECT t.root, max(c.ts) FROM tool_calls c JOIN tree t ON t.id = c.session_id GROUP BY t.root)
SELECT s.id, max(a.last) FROM sessions s LEFT JOIN acts a ON a.root = s.id
WHERE s.parent_id IS NULL AND s.placeholder = 0 AND {where}
GROUP BY s.id"""
_HOOK_ACTIVITY = (
    "SELECT s.session_id, coalesce(s.last_event_at, s.ended_at, s.started_at) FROM hook_sessions s WHERE {where}"
)


# --- the session active last ---------------------------------------------------------------------


def latest_session(conn: sqlite3.Connection) -> str | None:
    """The id of the session active last, of all (ingested or only seen by the hooks)."""
    return _latest_where(conn, "1 = 1", ())


def latest_session_in_folder(conn: sqlite3.Connection, folder: str) -> str | None:
    """The id of the session active last that ran in `folder`."""
    return _latest_where(conn, "s.cwd = ?", (folder,))


def latest_session_of_project(conn: sqlite3.Connection, project: str, folder: str) -> str | None:
    """The id of the session active last whose project is `project` or `folder`."""
    return _latest_where(conn, "s.project IN (?, ?)", (project, folder))


def _latest_where(conn: sqlite3.Connection, where: str, params: tuple[str, ...]) -> str | None:
    found: dict[str, str] = {}
    for sql in (_LAST_ACTIVITY, _HOOK_ACTIVITY):
        for session_id, last in conn.execute(sql.format(where=where), params):
            found[str(session_id)] = max(found.get(str(session_id), ""), last or "")
    if not found:
        return None
    return max(found, key=lambda sid: (found[sid], sid))


def only_seen_by_hooks(conn: sqlite3.Connection, session_id: str) -> bool:
    """Whether the hooks have seen this session and its transcript is not ingested."""
    return (
        conn.execute(
            "SELECT 1 FROM hook_sessions WHERE session_id = ? AND session_id NOT IN (SELECT id FROM sessions)",
            (session_id,),
        ).fetchone()
        is not None
    )


def is_ingested(conn: sqlite3.Connection, session_id: str) -> bool:
    """Whether the session's transcript is stored (a `sessions` row)."""
    return conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is not None


# --- an ingested session -------------------------------------------------------------------------


def session_head(conn: sqlite3.Connection, session_id: str) -> tuple[Any, ...]:
    """(agent, project, cwd, git_branch, title) of a stored session (None when it is not stored)."""
    row: tuple[Any, ...] = conn.execute(
        "SELECT agent, project, cwd, git_branch, title FROM sessions WHERE id = ?", (session_id,)
    ).fetchone()
    return row


def subagent_ids(conn: sqlite3.Connection, session_id: str) -> list[str]:
    """The session's subagents, by id."""
    return [str(r[0]) for r in conn.execute("SELECT id FROM sessions WHERE parent_id = ? ORDER BY id", (session_id,))]


def call_figures(conn: sqlite3.Connection, contexts: list[str]) -> tuple[Any, ...]:
    """(calls, failed calls, first call's time, last call's time) of these sessions (not empty)."""
    marks = ", ".join("?" * len(contexts))
    row: tuple[Any, ...] = conn.execute(
        f"SELECT count(*), coalesce(sum(ok = 0), 0), min(ts), max(ts) FROM tool_calls WHERE session_id IN ({marks})",
        contexts,
    ).fetchone()
    return row


def message_span(conn: sqlite3.Connection, contexts: list[str]) -> tuple[Any, ...]:
    """(first message's time, last message's time) of these sessions (not empty)."""
    marks = ", ".join("?" * len(contexts))
    row: tuple[Any, ...] = conn.execute(
        f"SELECT min(ts), max(ts) FROM messages WHERE session_id IN ({marks})", contexts
    ).fetchone()
    return row


def first_prompt(conn: sqlite3.Connection, session_id: str) -> str | None:
    """What the person first asked in the session: its first prompt that holds a request, without
    the context the agent put around it (analyze/prompt_request.py: Codex's IDE context, harness
    tags, ...); None when no prompt holds one."""
    for (text,) in conn.execute(
        "SELECT text FROM messages WHERE session_id = ? AND kind = 'prompt' ORDER BY ts, seq", (session_id,)
    ):
        request = request_of(text)
        if request:
            return request
    return None


def errors_by_class(conn: sqlite3.Connection, session_id: str) -> dict[str, int]:
    """The session's classified errors per class, most first."""
    return {
        str(cls): int(n)
        for cls, n in conn.execute(
            "SELECT class, count(*) FROM call_errors WHERE session_id = ? GROUP BY class ORDER BY count(*) DESC, class",
            (session_id,),
        )
    }


def correction_signals(conn: sqlite3.Connection, session_id: str) -> list[tuple[str, str | None]]:
    """(label, detail) of the session's correction signals, in order."""
    return conn.execute(
        "SELECT label, detail FROM analysis_signals WHERE session_id = ? AND kind = 'correction' ORDER BY seq, id",
        (session_id,),
    ).fetchall()


def session_outcome(conn: sqlite3.Connection, session_id: str) -> tuple[Any, ...] | None:
    """(unresolved_errors, tests_run, tests_failing_at_end, corrections_in_session,
    corrections_next_session, reverted_changes, compliance) of the analyzed session, None when
    it is not analyzed."""
    row: tuple[Any, ...] | None = conn.execute(
        """SELECT unresolved_errors, tests_run, tests_failing_at_end, corrections_in_session,
                  corrections_next_session, reverted_changes, compliance
           FROM session_executions WHERE session_id = ?""",
        (session_id,),
    ).fetchone()
    return row


# --- a session only the hooks have seen ----------------------------------------------------------


class HookSessionHead:
    """The hooks' row of a session (agent None: the default agent's, or not known). A plain class:
    the reads that import this module import no typing."""

    __slots__ = ("agent", "cwd", "ended_at", "last_event_at", "model", "project", "started_at")

    def __init__(
        self,
        project: str | None,
        cwd: str | None,
        model: str | None,
        started_at: str | None,
        last_event_at: str | None,
        ended_at: str | None,
        agent: str | None,
    ) -> None:
        self.project = project
        self.cwd = cwd
        self.model = model
        self.started_at = started_at
        self.last_event_at = last_event_at
        self.ended_at = ended_at
        self.agent = agent


def hook_session_head(conn: sqlite3.Connection, session_id: str) -> HookSessionHead | None:
    """The hooks' row of the session, or None."""
    row = conn.execute(
        "SELECT project, cwd, model, started_at, last_event_at, ended_at, agent FROM hook_sessions WHERE session_id = ?",
        (session_id,),
    ).fetchone()
    return HookSessionHead(*row) if row is not None else None


def live_call_figures(conn: sqlite3.Connection, session_id: str) -> tuple[Any, ...]:
    """(calls, failed calls) the hooks stored for the session."""
    row: tuple[Any, ...] = conn.execute(
        "SELECT count(*), coalesce(sum(ok = 0), 0) FROM live_calls WHERE session_id = ?", (session_id,)
    ).fetchone()
    return row


def live_errors_by_class(conn: sqlite3.Connection, session_id: str) -> dict[str, int]:
    """The session's failed live calls per error class ("unclassified" without one), most first."""
    return {
        str(cls): int(n)
        for cls, n in conn.execute(
            """SELECT coalesce(error_class, 'unclassified'), count(*) FROM live_calls
               WHERE session_id = ? AND ok = 0 GROUP BY 1 ORDER BY count(*) DESC, 1""",
            (session_id,),
        )
    }


def decisions_given(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(event, action, ts, lessons) of the hooks' decisions on the session that did something, in order."""
    return conn.execute(
        "SELECT event, action, ts, lessons FROM hook_decisions WHERE session_id = ? AND action != 'none' ORDER BY ts, id",
        (session_id,),
    ).fetchall()
