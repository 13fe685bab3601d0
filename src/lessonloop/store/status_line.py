"""What `lessonloop statusline` reads (apply/status_line.py): an agent's latest calls back to its
last five-hour silence, a session's cost, the lessons active in a project, the stops of a day. Each
read costs what the day or the block holds, not the store: the calls by time (m057), the hooks'
decisions newest first by id.

Stdlib only at import: the status line runs on every turn of the agent's interface."""

from __future__ import annotations

import sqlite3

from lessonloop.analyze.billing_blocks import HOURS, UsageEntry, epoch_ms_of

# (time, model, input, output, cache_creation, cache_read, reasoning, cost) of an agent's calls,
# newest first (a subagent's calls are its main session's agent's)
_LATEST_CALLS = """SELECT u.ts, u.model, u.input_tokens, u.output_tokens, u.cache_creation_tokens,
                          u.cache_read_tokens, u.reasoning_tokens, u.price_usd
                   FROM token_usage u JOIN sessions s ON s.id = u.session_id
                   LEFT JOIN sessions r ON r.id = s.parent_id
                   WHERE u.ts IS NOT NULL AND coalesce(r.agent, s.agent) = ?
                   ORDER BY u.ts DESC"""


def calls_of_running_block(conn: sqlite3.Connection, agent: str, now: int) -> list[UsageEntry]:
    """The agent's calls its running billing block may hold (analyze/billing_blocks.py): those from
    the newest call that follows a silence of more than five hours, newest first; none when its
    latest call is five hours old or more (no block runs). Read newest first by time (m057), so
    the read stops at that silence."""
    length = HOURS * 3_600_000
    calls: list[UsageEntry] = []
    for ts, model, i, o, cc, cr, reasoning, cost in conn.execute(_LATEST_CALLS, (agent,)):
        try:
            when = epoch_ms_of(ts)
        except ValueError:
            continue
        if not calls and now - when >= length:
            return []
        if calls and calls[-1].when - when > length:
            break
        calls.append(UsageEntry(when, model, i, o, cc, cr, reasoning, cost))
    return calls


def session_cost(conn: sqlite3.Connection, session_id: str) -> tuple[float | None, int] | None:
    """(cost of the priced calls, unpriced calls) of a session and its subagents; None when the
    store holds no call of it."""
    row = conn.execute(
        """SELECT count(*), sum(u.price_usd), coalesce(sum(u.price_usd IS NULL), 0)
           FROM token_usage u WHERE u.session_id IN (SELECT id FROM sessions WHERE id = ? OR parent_id = ?)""",
        (session_id, session_id),
    ).fetchone()
    if row is None or not row[0]:
        return None
    return row[1], int(row[2])


def session_project(conn: sqlite3.Connection, session_id: str) -> tuple[bool, str | None]:
    """(known, project) of a session: the project the hooks placed it in at its first event, else
    the one ingest gave it; (False, None) when the store has not seen it."""
    for query in (
        "SELECT project FROM hook_sessions WHERE session_id = ?",
        "SELECT project FROM sessions WHERE id = ?",
    ):
        row = conn.execute(query, (session_id,)).fetchone()
        if row is not None:
            return True, row[0]
    return False, None


def lessons_active(conn: sqlite3.Connection, project: str | None) -> int:
    """The active lessons the hooks give in `project` (tier active or core; the global ones too)."""
    row = conn.execute(
        """SELECT count(*) FROM lessons WHERE status = 'active' AND tier IN ('active', 'core')
           AND (scope = 'global' OR project = ?)""",
        (project,),
    ).fetchone()
    return int(row[0]) if row else 0


def stops_since(conn: sqlite3.Connection, since: str) -> int:
    """The calls the hooks stopped (a stop, or a block of the configuration) from `since` (UTC
    text) on, read newest first until an older decision."""
    stops = 0
    for ts, action in conn.execute("SELECT ts, action FROM hook_decisions ORDER BY id DESC"):
        if ts < since:
            break
        if action in ("stop", "block"):
            stops += 1
    return stops
