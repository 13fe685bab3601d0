"""Token usage and cost per day, week or month (`lessonloop stats --by day|week|month`, docs/costs.md):
like ccusage's daily, weekly and monthly reports, one row per period with the tokens by kind, the
cost at list prices (report/costs.py) and the models used, each model's figures beside.

A call counts in the period of its own time (token_usage.ts) in local time (the TZ of the
process); weeks start on Monday (ISO weeks, named by their Monday's date). The sessions counted are
those --project and --agent select (a subagent's calls count with its main session's project and
agent); --since/--until bound the calls' times. Calls with no time are left out.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.report.costs import cost_json, cost_sums, price_table_version, use_costs
from lessonloop.report.queries import session_filter

PERIODS = ("day", "week", "month")

_PERIOD_SQL = {
    "day": "date(u.ts, 'localtime')",
    "week": "date(u.ts, 'localtime', '-6 days', 'weekday 1')",  # the Monday on or before the day
    "month": "strftime('%Y-%m', u.ts, 'localtime')",
}

_TOKEN_KEYS = ("input", "output", "cache_creation", "cache_read", "reasoning")


def usage_periods(
    conn: sqlite3.Connection,
    by: str,
    project: str | None = None,
    agent: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> dict[str, Any]:
    """{"by", "since", "until", "price_table", "periods": [{"period", "calls", tokens by kind,
    "total", "cost_usd", "unpriced_calls", "models": [...], "agents": [...], "breakdown": [{"agent",
    "model", ...}]}], "totals": {...}}; periods oldest first, a breakdown's rows costliest first."""
    if by not in _PERIOD_SQL:
        raise ValueError(f"a period is one of {', '.join(PERIODS)}, not {by!r}")
    where, params = session_filter(conn, project, agent)
    in_scope = f"""SELECT t.id FROM (SELECT id, coalesce(parent_id, id) AS root FROM sessions) t
                   JOIN sessions s ON s.id = t.root WHERE {where}"""
    bounds, bound_params = "", list[str]()
    if since is not None:
        bounds, bound_params = bounds + " AND u.ts >= ?", [*bound_params, since]
    if until is not None:
        bounds, bound_params = bounds + " AND u.ts < ?", [*bound_params, until]
    use_costs(conn)
    periods: dict[str, dict[str, Any]] = {}
    for period, agent_id, model, calls, i, o, cc, cr, reasoning, cost, unpriced in conn.execute(
        f"""SELECT {_PERIOD_SQL[by]}, coalesce(r.agent, s.agent), u.model, count(*), sum(u.input_tokens),
                   sum(u.output_tokens), sum(u.cache_creation_tokens), sum(u.cache_read_tokens),
                   sum(u.reasoning_tokens), {cost_sums("u")}
            FROM token_usage u JOIN sessions s ON s.id = u.session_id LEFT JOIN sessions r ON r.id = s.parent_id
            WHERE u.ts IS NOT NULL AND u.session_id IN ({in_scope}){bounds}
            GROUP BY 1, 2, 3""",
        [*params, *bound_params],
    ):
        if period is None:  # a time SQLite cannot read
            continue
        row: dict[str, Any] = {"agent": agent_id, "model": model, "calls": calls}
        row.update(zip(_TOKEN_KEYS, (i, o, cc, cr, reasoning), strict=True))
        row["total"] = i + o + cc + cr
        row.update(cost_json(cost, unpriced))
        slot = periods.setdefault(period, _empty(period))
        slot["breakdown"].append(row)
        _add(slot, row)
    totals = _empty(None)
    del totals["period"]
    out = []
    for period in sorted(periods):
        slot = periods[period]
        slot["breakdown"].sort(key=lambda r: (-(r["cost_usd"] or 0.0), -r["total"], r["agent"], r["model"]))
        slot["models"] = sorted({r["model"] for r in slot["breakdown"]})
        slot["agents"] = sorted({r["agent"] for r in slot["breakdown"]})
        _add(totals, slot)
        out.append(slot)
    del totals["breakdown"]
    totals["models"] = sorted({m for slot in out for m in slot["models"]})
    return {
        "by": by,
        "since": since,
        "until": until,
        "price_table": f"genai-prices {price_table_version()}",
        "periods": out,
        "totals": totals,
    }


def _empty(period: str | None) -> dict[str, Any]:
    return {
        "period": period,
        "calls": 0,
        **dict.fromkeys(_TOKEN_KEYS, 0),
        "total": 0,
        "cost_usd": None,
        "unpriced_calls": 0,
        "breakdown": [],
    }


def _add(into: dict[str, Any], row: dict[str, Any]) -> None:
    for key in ("calls", *_TOKEN_KEYS, "total", "unpriced_calls"):
        into[key] += row[key]
    if row["cost_usd"] is not None:
        into["cost_usd"] = round((into["cost_usd"] or 0.0) + row["cost_usd"], 6)
