"""Read-side queries over the store: sessions, statistics and a session's timeline.

A subagent belongs to its parent's session: session lists and statistics count main sessions
and include their subagents' tool calls and tokens.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence

from lessonloop.analyze.prompt_request import request_of
from lessonloop.report.costs import cost_json, cost_sums
from lessonloop.store.sessions.figures import first_prompt as first_request
from lessonloop.store.sessions.ids import SessionNotFound
from lessonloop.store.sessions.span import session_end, session_start
from lessonloop.store.sessions.totals import settle_for_read

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the reads of figures: issue 43)
if TYPE_CHECKING:
    from typing import Any

# Every session with the main session it belongs to.
_TREE = "SELECT id, coalesce(parent_id, id) AS root FROM sessions"


def scoped_tree(where: str) -> str:
    """Every session whose main session `s` meets `where` (session_filter's condition), with that
    main session's agent: rows (id, agent)."""
    return f"SELECT t.id, s.agent AS agent FROM ({_TREE}) t JOIN sessions s ON s.id = t.root WHERE {where}"


_ROW_FIELDS = (
    "id", "agent", "project", "cwd", "git_branch", "title", "first_prompt", "started_at", "ended_at", "model",
    "prompts", "tool_calls", "errors", "subagents", "input_tokens", "output_tokens", "cache_creation_tokens",
    "cache_read_tokens", "cost_usd", "unpriced_calls",
)  # fmt: skip


class SessionRow:
    """One main session with its subagents' figures folded in. (A plain class, not a dataclass: the
    reads of figures do without importing dataclasses and inspect, issue 43.)"""

    __slots__ = _ROW_FIELDS

    def __init__(
        self,
        id: str,
        agent: str,
        project: str | None,
        cwd: str | None,
        git_branch: str | None,
        title: str | None,
        first_prompt: str | None,  # what the person first asked (store/sessions/figures.py's first_prompt)
        started_at: str | None,
        ended_at: str | None,
        model: str | None,
        prompts: int,
        tool_calls: int,
        errors: int,
        subagents: int,
        input_tokens: int,
        output_tokens: int,
        cache_creation_tokens: int,
        cache_read_tokens: int,
        cost_usd: float | None = None,  # report/costs.py: the priced calls' cost; None when none is priced
        unpriced_calls: int = 0,  # calls whose model has no known price
    ) -> None:
        self.id, self.agent, self.project, self.cwd, self.git_branch = id, agent, project, cwd, git_branch
        self.title, self.first_prompt, self.started_at, self.ended_at = title, first_prompt, started_at, ended_at
        self.model, self.prompts, self.tool_calls, self.errors = model, prompts, tool_calls, errors
        self.subagents, self.input_tokens, self.output_tokens = subagents, input_tokens, output_tokens
        self.cache_creation_tokens, self.cache_read_tokens = cache_creation_tokens, cache_read_tokens
        self.cost_usd, self.unpriced_calls = cost_usd, unpriced_calls

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SessionRow):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _ROW_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass was

    def __repr__(self) -> str:
        return f"SessionRow({', '.join(f'{name}={getattr(self, name)!r}' for name in _ROW_FIELDS)})"

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_creation_tokens + self.cache_read_tokens

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "agent": self.agent,
            "project": self.project,
            "cwd": self.cwd,
            "git_branch": self.git_branch,
            "title": self.title,
            "first_prompt": self.first_prompt,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "model": self.model,
            "prompts": self.prompts,
            "tool_calls": self.tool_calls,
            "errors": self.errors,
            "subagents": self.subagents,
            "tokens": {
                "input": self.input_tokens,
                "output": self.output_tokens,
                "cache_creation": self.cache_creation_tokens,
                "cache_read": self.cache_read_tokens,
                "total": self.total_tokens,
            },
            **cost_json(self.cost_usd, self.unpriced_calls),
        }


def project_filter(conn: sqlite3.Connection, project: str | None) -> tuple[str, list[Any]]:
    """SQL condition on `sessions.project` for a --project value: a stored project's name; a
    folder (existing: its repository's project; a path starting with / or ~: the stored projects
    it names, docs/projects.md); else the project the value names by the one rule of
    store/projects/names.py (UnknownProject when none or several)."""
    if not project:
        return "1 = 1", []
    from lessonloop.store.projects.names import resolve_project_name, stored_projects

    names = stored_projects(conn)
    if project in names:
        return "s.project = ?", [project]
    from lessonloop.capture.projects import project_for_cwd, projects_for_folder, windows_folder

    if os.path.isdir(os.path.expanduser(project)):
        exact = project_for_cwd(os.path.abspath(os.path.expanduser(project)))
        if conn.execute("SELECT 1 FROM sessions WHERE project = ? LIMIT 1", (exact,)).fetchone():
            return "s.project = ?", [exact]
    if project.startswith(("/", "~")) or windows_folder(project):
        # A folder that may no longer exist: a worktree or a folder of an inferred project, or the
        # project spelled with another home folder (docs/projects.md).
        pairs = conn.execute("SELECT DISTINCT project, cwd FROM sessions WHERE project IS NOT NULL").fetchall()
        found = sorted(projects_for_folder(project, pairs, os.path.expanduser("~")))
        if found:
            return f"s.project IN ({', '.join('?' * len(found))})", found
    return "s.project = ?", [resolve_project_name(conn, project)]


def session_filter(
    conn: sqlite3.Connection,
    project: str | None,
    agent: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> tuple[str, list[Any]]:
    """SQL condition on sessions `s` for --project, --agent (the agent id, sessions.agent) and
    --since/--until (canonical UTC text, arg_types.since_time/until_time: the session's start,
    store/sessions/span.py's, from `since` on and before `until`; an untimed session is left out)."""
    where, params = project_filter(conn, project)
    if agent:
        where, params = f"({where}) AND s.agent = ?", [*params, agent]
    if since is not None:
        where, params = f"({where}) AND {session_start('s')} >= ?", [*params, since]
    if until is not None:
        where, params = f"({where}) AND {session_start('s')} < ?", [*params, until]
    return where, params


def not_empty(alias: str = "s") -> str:
    """SQL condition on the main session `alias`: it has a typed prompt or a tool call (its own
    or a subagent's). Listings leave the others out unless asked (--include-empty): an agent
    opened and closed, 517 of aider/aider-dev's 1,134 sessions before its reads were counted."""
    tree = f"(SELECT k.id FROM sessions k WHERE k.id = {alias}.id OR k.parent_id = {alias}.id)"
    return (
        f"(EXISTS (SELECT 1 FROM messages m WHERE m.session_id = {alias}.id AND m.kind = 'prompt')"
        f" OR EXISTS (SELECT 1 FROM tool_calls c WHERE c.session_id IN {tree}))"
    )


# Each main session's figures, summed over its subagents (`tree`: every session in scope with the
# main session it belongs to), from the row of figures kept per session (m041,
# store/sessions/totals.py), read session by session (CROSS JOIN keeps that order). The main model
# is the main session's own (the model of its requests with the most output); a main session
# without requests of its own takes its subagents' (_SUBAGENT_MODELS, for those alone).
_FIGURES = """SELECT t.root, sum(f.calls), sum(f.errors), min(f.calls_first), max(f.calls_last), min(f.msgs_first),
                     max(f.msgs_last), sum(CASE WHEN f.session_id = t.root THEN f.prompts ELSE 0 END),
                     sum(f.input), sum(f.output), sum(f.cache_creation), sum(f.cache_read), sum(f.cost_usd),
                     sum(f.unpriced), max(CASE WHEN f.session_id = t.root THEN f.model END),
                     max(f.model IS NOT NULL)
              FROM tree t CROSS JOIN session_figures f ON f.session_id = t.id GROUP BY t.root"""
_SUBAGENT_MODELS = """SELECT t.root, u.model FROM tree t CROSS JOIN usage_totals u ON u.session_id = t.id
                      WHERE t.root IN ({marks}) GROUP BY t.root, u.model ORDER BY t.root, sum(u.output) DESC, u.model"""
_SUBS = "SELECT root, count(*) FROM tree WHERE id != root GROUP BY root"
_NO_FIGURES = (0, 0, None, None, None, None, 0, 0, 0, 0, 0, None, 0, None, 0)


def _latest(a: str | None, b: str | None) -> str | None:
    return max(a, b) if a is not None and b is not None else a if a is not None else b


def _earliest(a: str | None, b: str | None) -> str | None:
    return min(a, b) if a is not None and b is not None else a if a is not None else b


def list_sessions(
    conn: sqlite3.Connection,
    project: str | None = None,
    limit: int | None = None,
    agent: str | None = None,
    ids: Sequence[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    include_empty: bool = True,
) -> list[SessionRow]:
    """Main sessions, oldest first (the newest `limit` when given); only the main sessions `ids`
    when given (their figures are then summed over them alone: a page of a long list). A row's
    start is store/sessions/span.py's (what the agent said, else its first message or call), the
    one the session browser filters by; its end the latest message or call, subagents' included.
    `since`/`until` keep the sessions that started in that span (session_filter)."""
    where, params = session_filter(conn, project, agent, since, until)
    if not include_empty:
        where = f"({where}) AND {not_empty('s')}"
    settle_for_read(conn)
    tree, tree_params = _TREE, []
    main = "s.parent_id IS NULL"
    if ids is not None:
        main = "+s.parent_id IS NULL"  # found by their ids (the + keeps SQLite from walking every main session)
        marks = ", ".join("?" * len(ids))
        tree, tree_params = f"{_TREE} WHERE id IN ({marks}) OR parent_id IN ({marks})", [*ids, *ids]
        where = f"({where}) AND s.id IN ({marks})"
        params = [*params, *ids]
    figures = {row[0]: row[1:] for row in conn.execute(f"WITH tree AS ({tree}) {_FIGURES}", tree_params)}
    subs = dict(conn.execute(f"WITH tree AS ({tree}) {_SUBS}", tree_params).fetchall())
    models = {root: row[13] for root, row in figures.items()}
    borrowed = [root for root, row in figures.items() if row[13] is None and row[14]]
    for start in range(0, len(borrowed), 400):  # no request of their own: their subagents' model
        part = borrowed[start : start + 400]
        sql = _SUBAGENT_MODELS.replace("{marks}", ", ".join("?" * len(part)))
        for root, model in conn.execute(f"WITH tree AS ({tree}) {sql}", [*tree_params, *part]):
            if models[root] is None:  # the first row of each: the most output
                models[root] = model
    # Each in a statement of its own: SQLite runs three correlated subqueries in one statement
    # several times slower than the three apart (35 ms against 6 for 576 sessions).
    asked = dict(
        conn.execute(
            f"""SELECT s.id, (SELECT text FROM messages pm WHERE pm.session_id = s.id AND pm.kind = 'prompt'
                              ORDER BY pm.ts, pm.seq LIMIT 1)
                FROM sessions s WHERE {main} AND {where}""",
            params,
        ).fetchall()
    )
    summaries = dict(  # a title older Claude Code wrote as a summary of the conversation's last message
        conn.execute(
            f"""SELECT s.id, (SELECT ss.summary FROM session_summaries ss JOIN messages lm
                              ON lm.uuid = ss.leaf_uuid AND lm.session_id = s.id ORDER BY ss.seq DESC LIMIT 1)
                FROM sessions s WHERE {main} AND {where} AND s.title IS NULL
                AND EXISTS (SELECT 1 FROM session_summaries)""",
            params,
        ).fetchall()
    )
    rows: list[SessionRow] = []
    for sid, agent_id, project_name, cwd, branch, title, started in conn.execute(
        f"""SELECT s.id, s.agent, s.project, s.cwd, s.git_branch, s.title, s.started_at
            FROM sessions s WHERE {main} AND {where}""",
        params,
    ):
        title = title if title is not None else summaries.get(sid)
        first_prompt = asked.get(sid)
        if first_prompt is not None:  # what the person asked, without the agent's context around it
            first_prompt = request_of(first_prompt) or first_request(conn, sid)
        n, errors, calls_first, calls_last, msgs_first, msgs_last, prompts, i, o, cc, cr, cost, unpriced = figures.get(
            sid, _NO_FIGURES
        )[:13]
        if started is None:  # store/sessions/span.py's start: the first record of the session or its subagents
            started = _earliest(msgs_first, calls_first)
        rows.append(
            SessionRow(
                sid, agent_id, project_name, cwd, branch, title, first_prompt,
                started, _latest(msgs_last, calls_last),
                models.get(sid), prompts or 0, n or 0, errors or 0, subs.get(sid, 0),
                i or 0, o or 0, cc or 0, cr or 0, cost, unpriced or 0,
            )
        )  # fmt: skip
    rows.sort(key=lambda row: (row.started_at is not None, row.started_at or "", row.id))  # NULL first, as SQL
    if limit is not None and limit >= 0:
        rows = rows[-limit:] if limit else []
    return rows


def stats(
    conn: sqlite3.Connection,
    project: str | None = None,
    agent: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """Store-wide figures: sessions, tool calls and errors per tool and per kind, tokens per model
    and per agent and model, figures per agent, and more. A subagent counts with its main session
    (its project and agent are the main session's). `since`/`until`: the sessions started then.

    Read from the totals kept per session (store/sessions/totals.py), each table once, grouped by
    what the figures need (tool, kind and agent; agent, project and model; agent and message kind)
    and summed further here: a handful of rows per session, never the calls themselves, read
    session by session (the CROSS JOINs: see _FIGURES)."""
    where, params = session_filter(conn, project, agent, since, until)
    settle_for_read(conn)
    scoped = f"""SELECT t.id, s.agent AS agent, s.project AS project
                 FROM ({_TREE}) t JOIN sessions s ON s.id = t.root WHERE {where}"""
    sessions, parent_only, projects = conn.execute(
        f"""SELECT count(*), coalesce(sum(s.placeholder = 1), 0), count(DISTINCT s.project)
            FROM sessions s WHERE s.parent_id IS NULL AND {where}""",
        params,
    ).fetchone()
    agents: dict[str, dict[str, Any]] = {}
    subagents = 0
    for agent_id, main, subs in conn.execute(
        f"""SELECT tr.agent, sum(x.parent_id IS NULL), sum(x.parent_id IS NOT NULL)
            FROM sessions x JOIN ({scoped}) tr ON tr.id = x.id GROUP BY tr.agent ORDER BY tr.agent""",
        params,
    ):
        agents[agent_id] = {"sessions": main, "subagent_sessions": subs, "prompts": 0, "tool_calls": 0}
        agents[agent_id].update(tool_errors=0, cost_usd=None, unpriced_calls=0)
        subagents += subs
    call_rows = conn.execute(
        f"""SELECT c.kind, c.tool, tr.agent, sum(c.calls), sum(c.errors) FROM ({scoped}) tr
            CROSS JOIN call_totals c ON c.session_id = tr.id GROUP BY c.kind, c.tool, tr.agent""",
        params,
    ).fetchall()
    token_rows = conn.execute(
        f"""SELECT tr.agent, tr.project, u.model, sum(u.calls), sum(u.input), sum(u.output), sum(u.cache_creation),
                   sum(u.cache_read), sum(u.reasoning), sum(u.cost_usd), sum(u.unpriced)
            FROM ({scoped}) tr CROSS JOIN usage_totals u ON u.session_id = tr.id GROUP BY 1, 2, 3""",
        params,
    ).fetchall()
    message_rows = conn.execute(
        f"""SELECT tr.agent, m.kind, sum(m.messages), min(m.first_ts), max(m.last_ts) FROM ({scoped}) tr
            CROSS JOIN message_totals m ON m.session_id = tr.id GROUP BY 1, 2""",
        params,
    ).fetchall()
    tools: dict[str, dict[str, int]] = {}
    for _kind, tool, agent_id, calls, errors in call_rows:
        figures = tools.setdefault(tool, {"calls": 0, "errors": 0})
        figures["calls"] += calls
        figures["errors"] += errors
        if agent_id in agents:
            agents[agent_id]["tool_calls"] += calls
            agents[agent_id]["tool_errors"] += errors
    tools = dict(sorted(tools.items(), key=lambda item: (-item[1]["calls"], item[0])))
    by_model = _token_figures(token_rows, lambda agent_id, _project, model: (None, model))
    by_agent_model = _token_figures(token_rows, lambda agent_id, _project, model: (agent_id, model))
    for row in by_agent_model:
        if row["agent"] in agents:
            _add_cost(agents[row["agent"]], row)
    kinds: dict[str, int] = {}
    first: str | None = None
    last: str | None = None
    for agent_id, kind, count, first_ts, last_ts in message_rows:
        kinds[kind] = kinds.get(kind, 0) + count
        if kind == "prompt" and agent_id in agents:
            agents[agent_id]["prompts"] += count
        first = first_ts if first is None or (first_ts is not None and first_ts < first) else first
        last = _latest(last, last_ts)
    models = model_figures(conn, scoped, params)
    totals = conn.execute("SELECT count(*), coalesce(sum(offset), 0) FROM source_files").fetchone()
    problems = conn.execute("SELECT count(*) FROM ingest_problems").fetchone()[0]
    tokens = {row.pop("model"): row for row in by_model}
    for row in tokens.values():
        del row["agent"]
    return {
        "sessions": sessions,
        "parent_only_sessions": parent_only,  # of `sessions`: known only as a subagent's parent
        "subagent_sessions": subagents,
        "projects": projects,
        "first_activity": first,
        "last_activity": last,
        "tool_calls": sum(t["calls"] for t in tools.values()),
        "tool_errors": sum(t["errors"] for t in tools.values()),
        "tools": tools,
        "kinds": _tool_kinds(call_rows),
        "tokens": tokens,
        **_total_cost(tokens.values()),
        "agents": agents,
        "by_agent_model": by_agent_model,
        "by_project": _project_costs(token_rows),
        "models": models,
        "messages": dict(sorted(kinds.items())),
        "source_files": totals[0],
        "bytes_read": totals[1],
        "ingest_problems": problems,
    }


UNKNOWN_MODEL = "(unknown)"  # a context whose model no record named


def model_figures(conn: sqlite3.Connection, scoped: str, params: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """Per model (each agent context's own: a subagent's is its own), of the sessions `scoped`
    selects (rows (id, agent, project)): {model: {"sessions": contexts, "tool_calls", "errors",
    "error_rate", "stops": calls the hooks stopped, "lessons": lessons whose mistake was made with
    it}}, the most calls first."""
    figures: dict[str, dict[str, Any]] = {}
    for model, contexts, calls, errors in conn.execute(
        f"""SELECT coalesce(nullif(x.model, ''), ?), count(DISTINCT x.id), coalesce(sum(c.calls), 0),
                   coalesce(sum(c.errors), 0)
            FROM ({scoped}) tr JOIN sessions x ON x.id = tr.id LEFT JOIN call_totals c ON c.session_id = tr.id
            GROUP BY 1""",
        [UNKNOWN_MODEL, *params],
    ):
        figures[model] = {"sessions": contexts, "tool_calls": calls, "errors": errors, "stops": 0, "lessons": 0}
    for model, stops in conn.execute(
        f"""SELECT coalesce(nullif(x.model, ''), ?), count(*)
            FROM hook_decisions d JOIN ({scoped}) tr ON tr.id = d.session_id JOIN sessions x ON x.id = d.session_id
            WHERE d.action IN ('stop', 'block') GROUP BY 1""",
        [UNKNOWN_MODEL, *params],
    ):
        figures.setdefault(model, {"sessions": 0, "tool_calls": 0, "errors": 0, "stops": 0, "lessons": 0})
        figures[model]["stops"] = stops
    for model, lessons in conn.execute(
        f"""SELECT coalesce(nullif(x.model, ''), ?), count(DISTINCT e.lesson_id)
            FROM lesson_evidence e JOIN ({scoped}) tr ON tr.id = e.session_id JOIN sessions x ON x.id = e.session_id
            WHERE e.role IN ('failure', 'correction', 'finding') GROUP BY 1""",
        [UNKNOWN_MODEL, *params],
    ):
        figures.setdefault(model, {"sessions": 0, "tool_calls": 0, "errors": 0, "stops": 0, "lessons": 0})
        figures[model]["lessons"] = lessons
    for row in figures.values():
        row["error_rate"] = round(row["errors"] / row["tool_calls"], 4) if row["tool_calls"] else None
    return dict(sorted(figures.items(), key=lambda item: (-item[1]["tool_calls"], item[0])))


def models_in_scope(
    conn: sqlite3.Connection,
    project: str | None = None,
    agent: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, dict[str, Any]]:
    """model_figures of the sessions --project, --agent, --since and --until select (`report`)."""
    where, params = session_filter(conn, project, agent, since, until)
    return model_figures(conn, scoped_tree(where), params)


def _tool_kinds(call_rows: list[tuple[Any, ...]]) -> dict[str, dict[str, Any]]:
    """Calls and errors per neutral kind of tool (core/tool_kinds.py: shell, read, edit, ...), the
    most calls first, each with the agents' own names for it: {kind: {"calls", "errors", "tools":
    [{"tool", "agent", "calls", "errors"}]}} (a tool under each kind its calls had: Codex's
    apply_patch is an edit, or a write when it only adds files). `call_rows`: (kind, tool, agent,
    calls, errors)."""
    kinds: dict[str, dict[str, Any]] = {}
    for kind, tool, agent, calls, errors in sorted(call_rows, key=lambda r: (-r[3], r[1], r[2])):
        figures = kinds.setdefault(kind, {"calls": 0, "errors": 0, "tools": []})
        figures["calls"] += calls
        figures["errors"] += errors
        figures["tools"].append({"tool": tool, "agent": agent, "calls": calls, "errors": errors})
    return dict(sorted(kinds.items(), key=lambda item: (-item[1]["calls"], item[0])))


_TOKEN_KEYS = ("input", "output", "cache_creation", "cache_read", "reasoning")


def _summed(token_rows: list[tuple[Any, ...]], key: Callable[[Any, Any, Any], Any]) -> dict[Any, list[Any]]:
    """`token_rows` ((agent, project, model, calls, input, output, cache_creation, cache_read,
    reasoning, cost, unpriced)) summed per `key(agent, project, model)`, in the rows' order:
    {key: [calls, input, output, cache_creation, cache_read, reasoning, cost (None while no call is
    priced), unpriced]}."""
    summed: dict[Any, list[Any]] = {}
    for agent_id, project_name, model, *figures, cost, unpriced in token_rows:
        slot = summed.setdefault(key(agent_id, project_name, model), [0, 0, 0, 0, 0, 0, None, 0])
        for index, value in enumerate(figures):
            slot[index] += value or 0
        if cost is not None:
            slot[6] = (slot[6] or 0.0) + cost
        slot[7] += unpriced or 0
    return summed


def _token_figures(token_rows: list[tuple[Any, ...]], key: Callable[[Any, Any, Any], Any]) -> list[dict[str, Any]]:
    """Tokens and cost of `token_rows` (see _summed) summed per `key(agent, project, model)` ->
    (agent or None, model), most output first: [{agent, model, input, ..., reasoning, cost_usd,
    unpriced_calls}] (report/costs.py: cost_usd null when no call is priced)."""
    rows = []
    for (agent_id, model), (_calls, *figures, cost, unpriced) in _summed(token_rows, key).items():
        row: dict[str, Any] = {"agent": agent_id, "model": model, **dict(zip(_TOKEN_KEYS, figures, strict=True))}
        rows.append({**row, **cost_json(cost, unpriced)})
    rows.sort(key=lambda r: (-r["output"], r["agent"] or "", r["model"]))
    return rows


def _project_costs(token_rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Tokens and cost per project (of the main session; a subagent's calls count with it), the
    costliest first: [{project, calls, input, output, cache_creation, cache_read, cost_usd,
    unpriced_calls}]."""
    rows = []
    for project_name, (calls, i, o, cc, cr, _reasoning, cost, unpriced) in _summed(
        token_rows, lambda _agent, project_name, _model: project_name
    ).items():
        row = {"project": project_name, "calls": calls, "input": i, "output": o, "cache_creation": cc, "cache_read": cr}
        rows.append({**row, **cost_json(cost, unpriced)})
    rows.sort(key=lambda r: (-(r["cost_usd"] or 0.0), r["project"] or ""))
    return rows


def _add_cost(into: dict[str, Any], row: dict[str, Any]) -> None:
    """Add `row`'s cost_usd and unpriced_calls to `into`'s (cost_usd stays null while none is priced)."""
    into.setdefault("cost_usd", None)
    if row.get("cost_usd") is not None:
        into["cost_usd"] = round((into["cost_usd"] or 0.0) + row["cost_usd"], 6)
    into["unpriced_calls"] = into.get("unpriced_calls", 0) + row.get("unpriced_calls", 0)


def _total_cost(rows: Any) -> dict[str, Any]:
    """The cost of all `rows` (each with cost_usd and unpriced_calls): {"cost_usd", "unpriced_calls"}."""
    total: dict[str, Any] = {"cost_usd": None, "unpriced_calls": 0}
    for row in rows:
        _add_cost(total, row)
    return total


class TimelineItem:
    """One entry of a session's timeline: a message or a tool call."""

    __slots__ = ("data", "seq", "ts", "type")

    def __init__(self, ts: str | None, seq: int, type: str, data: dict[str, Any]) -> None:
        self.ts = ts
        self.seq = seq
        self.type = type  # message | tool_call
        self.data = data

    def __repr__(self) -> str:
        return f"TimelineItem(ts={self.ts!r}, seq={self.seq!r}, type={self.type!r}, data={self.data!r})"


class Timeline:
    """A session's messages and tool calls in order, with its subagents and what the wings add to a
    main session's timeline (core/wing.py's TIMELINE: the commits linked to it, docs/git.md)."""

    __slots__ = ("items", "sections", "session", "subagents")

    def __init__(self, session: dict[str, Any]) -> None:
        self.session = session
        self.items: list[TimelineItem] = []
        self.subagents: list[dict[str, Any]] = []
        self.sections: dict[str, list[dict[str, Any]]] = {key: [] for key in timeline_sections()}

    @property
    def commits(self) -> list[dict[str, Any]]:
        """The commits linked to the session (the history wing's section; none without it)."""
        return self.sections.get("commits", [])

    def to_json(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "items": [{"type": item.type, "ts": item.ts, **item.data} for item in self.items],
            "subagents": self.subagents,
            **self.sections,
        }


def timeline_sections() -> list[str]:
    """The keys of the wings' sections of a main session's timeline (core/wing.py's TIMELINE)."""
    from lessonloop.core.wings import wings

    return [key for wing in wings() for key in wing.TIMELINE]


_SESSION_COLUMNS = (
    "id",
    "parent_id",
    "agent_id",
    "kind",
    "agent",
    "model",
    "started_at",
    "ended_at",
    "project",
    "cwd",
    "git_branch",
    "version",
    "slug",
    "title",
    "agent_type",
    "description",
    "spawn_tool_use_id",
    "placeholder",
)
_CALL_COLUMNS = (
    "id",
    "seq",
    "ts",
    "tool",
    "kind",
    "input_json",
    "target_path",
    "command",
    "ok",
    "status",
    "exit_code",
    "error_text",
    "result_text",
    "duration_ms",
    "diff",
    "lines_added",
    "lines_removed",
    "subagent_id",
)


def session_timeline(conn: sqlite3.Connection, session_id: str) -> Timeline:
    """A session's messages and tool calls in order, with its subagents."""
    # Its start and end as the session lists give them (store/sessions/span.py), not only what the agent recorded.
    columns = ", ".join(
        session_start("s") if c == "started_at" else session_end("s") if c == "ended_at" else f"s.{c}"
        for c in _SESSION_COLUMNS
    )
    row = conn.execute(f"SELECT {columns} FROM sessions s WHERE s.id = ?", (session_id,)).fetchone()
    if row is None:
        raise SessionNotFound(f"no session {session_id!r}")
    session = dict(zip(_SESSION_COLUMNS, row, strict=True))
    session["placeholder"] = bool(session["placeholder"])
    settle_for_read(conn)
    cost, unpriced = conn.execute(  # its own calls and its subagents' (report/costs.py)
        f"""SELECT {cost_sums("u")} FROM token_usage u
            WHERE u.session_id IN (SELECT id FROM sessions WHERE id = ? OR parent_id = ?)""",
        (session_id, session_id),
    ).fetchone()
    session.update(cost_json(cost, unpriced))
    timeline = Timeline(session)
    for ts, seq, role, kind, text, tool_use_id, uuid in conn.execute(
        "SELECT ts, seq, role, kind, text, tool_use_id, uuid FROM messages WHERE session_id = ?", (session_id,)
    ):
        timeline.items.append(
            TimelineItem(
                ts, seq, "message", {"role": role, "kind": kind, "text": text, "tool_use_id": tool_use_id, "uuid": uuid}
            )
        )
    for row in conn.execute(f"SELECT {', '.join(_CALL_COLUMNS)} FROM tool_calls WHERE session_id = ?", (session_id,)):
        data = dict(zip(_CALL_COLUMNS, row, strict=True))
        data["ok"] = None if data["ok"] is None else bool(data["ok"])
        timeline.items.append(TimelineItem(data.pop("ts"), int(data.pop("seq")), "tool_call", data))
    timeline.items.sort(key=lambda item: (item.ts or "", item.seq, item.type != "tool_call"))
    for sub in conn.execute(
        """SELECT s.id, s.agent_id, s.kind, s.agent_type, s.description,
                   coalesce(s.spawn_tool_use_id,
                            (SELECT c.id FROM tool_calls c WHERE c.session_id = s.parent_id AND c.subagent_id = s.agent_id LIMIT 1)),
                   (SELECT count(*) FROM tool_calls c WHERE c.session_id = s.id),
                   (SELECT coalesce(sum(c.ok = 0), 0) FROM tool_calls c WHERE c.session_id = s.id),
                   (SELECT min(ts) FROM messages m WHERE m.session_id = s.id)
            FROM sessions s WHERE s.parent_id = ? ORDER BY 9, s.id""",
        (session_id,),
    ):
        timeline.subagents.append(
            {
                "id": sub[0],
                "agent_id": sub[1],
                "kind": sub[2],
                "agent_type": sub[3],
                "description": sub[4],
                "spawned_by": sub[5],
                "tool_calls": sub[6],
                "errors": sub[7],
                "started_at": sub[8],
            }
        )
    if session["parent_id"] is None:  # the wings' sections name main sessions (links, ...)
        from lessonloop.core.wings import wings

        for wing in wings():
            timeline.sections.update(wing.timeline(conn, session_id))
    return timeline


def place_of(conn: sqlite3.Connection, session_id: str, at: str) -> tuple[str, str | None] | None:
    """Where `at` (a search hit's `at`: a tool call's id, a message's uuid, a commit's hash or a
    prefix of it) is in the main session `session_id` or one of its subagents: (the session
    holding it, the call id or message uuid of its timeline entry; None for a commit no call
    made). None when it is none of these."""
    at = at.strip()
    if not at:
        return None
    family = "SELECT id FROM sessions WHERE id = ? OR parent_id = ?"
    row = conn.execute(
        f"SELECT session_id, id FROM tool_calls WHERE id = ? AND session_id IN ({family})", (at, session_id, session_id)
    ).fetchone()
    if row is None:
        row = conn.execute(
            f"SELECT session_id, uuid FROM messages WHERE uuid = ? AND session_id IN ({family}) LIMIT 1",
            (at, session_id, session_id),
        ).fetchone()
    if row is not None:
        return str(row[0]), str(row[1])
    from lessonloop.core.wings import wings

    for wing in wings():  # a wing's place in a session: a linked commit's
        places = wing.search_places()
        call = None if places is None else places.place_at(conn, session_id, at)
        if call is None:
            continue
        if call:
            found = place_of(conn, session_id, call)
            if found is not None:
                return found
        return session_id, None
    return None


def item_index(timeline: Timeline, key: str | None) -> int | None:
    """The index in `timeline.items` of the tool call or message `key` names."""
    if key is None:
        return None
    for index, item in enumerate(timeline.items):
        if item.data.get("id" if item.type == "tool_call" else "uuid") == key:
            return index
    return None
