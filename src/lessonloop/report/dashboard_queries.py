"""The dashboards' figures (the web UI and `report --html`): errors by class and by tool per day,
the most repeated mistakes, habits against outcomes, tokens and cost per day by model and agent, and the
runner's runs per command. Read-only SQL; every value is plain JSON (charts are drawn in the
browser from it).

A subagent counts with its main session (its project and agent are the main session's), as in
queries.py. Days are UTC days, the first ten characters of the stored time. A bundled sample
session that survived beside real ones is left out of every figure (sample_queries.py).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.core.wings import wings
from lessonloop.report.analysis_queries import habit_figures, session_facts
from lessonloop.report.costs import cost_json
from lessonloop.report.prevention_queries import prevention
from lessonloop.report.queries import scoped_tree, session_filter
from lessonloop.report.sample_queries import SampleScope, sample_scope
from lessonloop.store.lessons.reader import list_lessons
from lessonloop.store.sessions.totals import settle_for_read

TOP_MISTAKES = 15


def dashboard(
    conn: sqlite3.Connection,
    project: str | None = None,
    agent: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """Every dashboard's figures over the sessions of `project` and `agent` (all when None);
    `since`/`until` keep the sessions started then for the errors and tokens (session_filter).
    `sample`: the bundled sample's sessions, left out once real ones are stored."""
    scope = sample_scope(conn)
    where, params = session_filter(conn, project, agent, since, until)
    tree = scoped_tree(f"({where}) AND {scope.condition('s')}")
    return {
        "errors_by_class": errors_by_class(conn, tree, params),
        "errors_by_tool": errors_by_tool(conn, tree, params),
        "top_mistakes": top_mistakes(conn, project, agent=agent, scope=scope),
        "habits": habits(conn, project, agent, scope),
        "tokens": tokens_per_day(conn, tree, params),
        # what the hooks stopped and what came of it (the lessons of `project` and the global ones)
        "prevention": prevention(conn, project).to_json(),
        **wing_panels(conn, project, agent),
        "sample": scope.to_json(),
    }


def errors_by_class(conn: sqlite3.Connection, tree: str, params: list[Any]) -> list[dict[str, Any]]:
    """Classified tool errors per day and class: [{day, class, usage, errors}]."""
    return [
        {"day": day, "class": name, "usage": bool(usage), "errors": n}
        for day, name, usage, n in conn.execute(
            f"""SELECT substr(c.ts, 1, 10), e.class, max(e.usage), count(*)
                FROM call_errors e JOIN tool_calls c ON c.id = e.tool_use_id
                JOIN ({tree}) tr ON tr.id = c.session_id
                WHERE c.ts IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2""",
            params,
        )
    ]


def errors_by_tool(conn: sqlite3.Connection, tree: str, params: list[Any]) -> list[dict[str, Any]]:
    """Tool calls and failed ones per day and tool: [{day, tool, calls, errors}]."""
    return [
        {"day": day, "tool": tool, "calls": calls, "errors": errors}
        for day, tool, calls, errors in conn.execute(
            f"""SELECT substr(c.ts, 1, 10), c.tool, count(*), coalesce(sum(c.ok = 0), 0)
                FROM tool_calls c JOIN ({tree}) tr ON tr.id = c.session_id
                WHERE c.ts IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2""",
            params,
        )
    ]


def top_mistakes(
    conn: sqlite3.Connection,
    project: str | None = None,
    limit: int = TOP_MISTAKES,
    *,
    agent: str | None = None,
    scope: SampleScope | None = None,
) -> list[dict[str, Any]]:
    """The lessons seen failing in the most sessions (rejected ones left out): the most repeated
    mistakes, with their counts and confidence. With `agent`: the lessons seen failing in that
    agent's sessions (a subagent's with its main session's agent), ranked by how many of them;
    "failed_sessions" then counts that agent's sessions, "failed_sessions_all" every agent's.
    With a `scope` leaving the sample out: the lessons seen failing in real sessions, counted
    over them (a lesson learned from the sample alone is not shown)."""
    statuses = "pending,active,archived"
    without_sample = scope is not None and scope.left_out
    if agent is None and not without_sample:
        rows = list_lessons(conn, status=statuses, project=project, limit=limit, order="mistakes")
        failed = {row.id: row.failed_sessions for row in rows}
    else:
        where = ["e.role = 'failure'", scope.condition("m") if scope is not None else "1"]
        if agent is not None:
            where.append("m.agent = ?")
        failed = dict(
            conn.execute(
                f"""SELECT e.lesson_id, count(DISTINCT coalesce(s.parent_id, s.id))
                   FROM lesson_evidence e JOIN sessions s ON s.id = e.session_id
                   JOIN sessions m ON m.id = coalesce(s.parent_id, s.id)
                   WHERE {" AND ".join(where)} GROUP BY e.lesson_id""",
                () if agent is None else (agent,),
            ).fetchall()
        )
        candidates = [
            row for row in list_lessons(conn, status=statuses, project=project, order="mistakes") if failed.get(row.id)
        ]
        rows = sorted(candidates, key=lambda row: (-failed[row.id], -row.observations, row.id))[:limit]
    figures: list[dict[str, Any]] = []
    for row in rows:
        item = {
            "id": row.id,
            "title": row.title,
            "kind": row.kind,
            "status": row.status,
            "failed_sessions": failed[row.id],
            "sessions": row.sessions,
            "observations": row.observations,
            "warnings": row.warnings,
            "prevented": row.prevented,
            "confidence": round(float(row.confidence), 4),
        }
        if agent is not None:
            item["failed_sessions_all"] = row.failed_sessions
        figures.append(item)
    return figures


def habits(
    conn: sqlite3.Connection, project: str | None = None, agent: str | None = None, scope: SampleScope | None = None
) -> dict[str, Any]:
    """Workflow habits against outcomes, as `analyze stats --json` gives them (Fisher's exact test);
    over the sessions `scope` shows (all without one)."""
    facts = session_facts(conn, project, agent)
    if scope is not None:
        facts = [f for f in facts if scope.shown(f.session_id)]
    return habit_figures(facts)


def tokens_per_day(conn: sqlite3.Connection, tree: str, params: list[Any]) -> list[dict[str, Any]]:
    """Token counts and cost per day (UTC), agent and model, from the totals kept per session
    (store/sessions/totals.py): [{day, agent, model, requests, input, output, cache_creation,
    cache_read, reasoning, cost_usd, unpriced_calls}] (report/costs.py: cost_usd null when no call
    of the row has a known price)."""
    settle_for_read(conn)
    return [
        {
            "day": day,
            "agent": agent,
            "model": model,
            "requests": requests,
            "input": i,
            "output": o,
            "cache_creation": cc,
            "cache_read": cr,
            "reasoning": reasoning,
            **cost_json(cost, unpriced),
        }
        for day, agent, model, requests, i, o, cc, cr, reasoning, cost, unpriced in conn.execute(
            f"""SELECT substr(u.slot, 1, 10), tr.agent, u.model, sum(u.calls), sum(u.input), sum(u.output),
                       sum(u.cache_creation), sum(u.cache_read), sum(u.reasoning), sum(u.cost_usd), sum(u.unpriced)
                FROM ({tree}) tr CROSS JOIN usage_totals u ON u.session_id = tr.id
                WHERE u.slot != '' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""",
            params,
        )
    ]


def wing_panels(conn: sqlite3.Connection, project: str | None, agent: str | None) -> dict[str, Any]:
    """The wings' dashboard panels (core/wing.py's dashboard(conn, project, agent): its figures
    by panel)."""
    return {key: figures for wing in wings() for key, figures in wing.dashboard(conn, project, agent).items()}
