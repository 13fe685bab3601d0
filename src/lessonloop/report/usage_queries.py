"""Token usage and cost per day, week or month (`lessonloop stats --by day|week|month`, docs/costs.md):
like ccusage's daily, weekly and monthly reports, one row per period with the tokens by kind, the
cost at list prices (report/costs.py) and the models used, each model's figures beside.

A call counts in the period of its own time (token_usage.ts) in local time (the TZ of the
process); weeks start on Monday (ISO weeks, named by their Monday's date). The figures are read
from the totals kept per session, model and quarter of an hour (store/sessions/totals.py): every
time zone's offset is a whole number of quarters, so the periods are the same as the calls'. A
--since/--until that is not on a quarter of an hour reads the calls themselves. The sessions counted are
those --project and --agent select (a subagent's calls count with its main session's project and
agent); --since/--until bound the calls' times. Calls with no time are left out.
"""

from __future__ import annotations

import re
import sqlite3

from lessonloop.report.costs import cost_json, cost_sums
from lessonloop.report.queries import scoped_tree, session_filter
from lessonloop.store.sessions.totals import settle_for_read, stored_price_table

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the reads of figures: issue 43)
if TYPE_CHECKING:
    from typing import Any

PERIODS = ("day", "week", "month")

_PERIOD_SQL = {
    "day": "date({t}, 'localtime')",
    "week": "date({t}, 'localtime', '-6 days', 'weekday 1')",  # the Monday on or before the day
    "month": "strftime('%Y-%m', {t}, 'localtime')",
}

# A bound (arg_types.since_time/until_time's canonical UTC text) on a quarter of an hour: the
# calls from or before it are whole slots of the totals.
_ON_A_QUARTER = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:(?:00|15|30|45):00\.000Z")

# (period, agent, model, calls, input, output, cache_creation, cache_read, reasoning, cost, unpriced)
# of the totals `u` of the sessions in scope (`u.slot`: the calls' quarter of an hour) ...
# (session by session, as report/queries.py's _FIGURES: a session's totals lie together) ...
_FROM_TOTALS = """SELECT {period}, tr.agent, u.model, sum(u.calls), sum(u.input), sum(u.output),
                         sum(u.cache_creation), sum(u.cache_read), sum(u.reasoning), sum(u.cost_usd), sum(u.unpriced)
                  FROM ({scoped}) tr CROSS JOIN usage_totals u ON u.session_id = tr.id
                  WHERE u.slot != ''{bounds}
                  GROUP BY 1, 2, 3"""
# ... or of the calls themselves (a bound inside a quarter of an hour)
_FROM_CALLS = """SELECT {period}, coalesce(r.agent, s.agent), u.model, count(*), sum(u.input_tokens),
                        sum(u.output_tokens), sum(u.cache_creation_tokens), sum(u.cache_read_tokens),
                        sum(u.reasoning_tokens), {costs}
                 FROM token_usage u JOIN sessions s ON s.id = u.session_id LEFT JOIN sessions r ON r.id = s.parent_id
                 WHERE u.ts IS NOT NULL AND u.session_id IN ({in_scope}){bounds}
                 GROUP BY 1, 2, 3"""

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
    settle_for_read(conn)
    whole = all(bound is None or _ON_A_QUARTER.fullmatch(bound) for bound in (since, until))
    column = "u.slot" if whole else "u.ts"
    bounds, bound_params = "", list[str]()
    if since is not None:
        bounds, bound_params = bounds + f" AND {column} >= ?", [*bound_params, since[:16] if whole else since]
    if until is not None:
        bounds, bound_params = bounds + f" AND {column} < ?", [*bound_params, until[:16] if whole else until]
    sql = (_FROM_TOTALS if whole else _FROM_CALLS).format(
        period=_PERIOD_SQL[by].format(t=column),
        in_scope=in_scope,
        scoped=scoped_tree(where),
        bounds=bounds,
        costs=cost_sums("u"),
    )
    periods: dict[str, dict[str, Any]] = {}
    for period, agent_id, model, calls, i, o, cc, cr, reasoning, cost, unpriced in conn.execute(
        sql, [*params, *bound_params]
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
        "price_table": stored_price_table(conn),
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


# (time, agent, model, input, output, cache_creation, cache_read, reasoning, cost) of each call of
# the sessions in scope, oldest first: billing blocks group the calls themselves
_BLOCK_CALLS = """SELECT u.ts, tr.agent, u.model, u.input_tokens, u.output_tokens, u.cache_creation_tokens,
                         u.cache_read_tokens, u.reasoning_tokens, u.price_usd
                  FROM ({scoped}) tr CROSS JOIN token_usage u ON u.session_id = tr.id
                  WHERE u.ts IS NOT NULL{bounds}
                  ORDER BY u.ts"""


def usage_blocks(
    conn: sqlite3.Connection,
    project: str | None = None,
    agent: str | None = None,
    since: str | None = None,
    until: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """`stats --by block`: each agent's calls in 5-hour billing blocks (analyze/billing_blocks.py),
    {"by": "block", "hours", "since", "until", "price_table", "blocks": [...], "totals": {...}};
    blocks oldest first, each agent's gaps between its blocks among them. --since/--until bound the
    calls' times (a block is made of the calls in the bounds); `now` (milliseconds since the epoch):
    which block is active."""
    import time

    from lessonloop.analyze.billing_blocks import HOURS, UsageEntry, billing_blocks, epoch_ms_of

    where, params = session_filter(conn, project, agent)
    settle_for_read(conn)
    bounds, bound_params = "", list[str]()
    if since is not None:
        bounds, bound_params = bounds + " AND u.ts >= ?", [*bound_params, since]
    if until is not None:
        bounds, bound_params = bounds + " AND u.ts < ?", [*bound_params, until]
    by_agent: dict[str, list[UsageEntry]] = {}
    for ts, agent_id, model, i, o, cc, cr, reasoning, cost in conn.execute(
        _BLOCK_CALLS.format(scoped=scoped_tree(where), bounds=bounds), [*params, *bound_params]
    ):
        try:
            when = epoch_ms_of(ts)
        except ValueError:  # a time that cannot be read: left out, as by the other periods
            continue
        by_agent.setdefault(agent_id, []).append(UsageEntry(when, model, i, o, cc, cr, reasoning, cost))
    moment = int(time.time() * 1000) if now is None else now
    rows: list[dict[str, Any]] = []
    for agent_id, entries in by_agent.items():
        rows.extend(_block_json(agent_id, block, moment) for block in billing_blocks(entries))
    rows.sort(key=lambda row: (row["start"], row["agent"]))
    totals = _empty(None)
    for key in ("period", "breakdown"):
        del totals[key]
    for row in rows:
        _add(totals, row)
    totals["models"] = sorted({m for row in rows for m in row["models"]})
    return {
        "by": "block",
        "hours": HOURS,
        "since": since,
        "until": until,
        "price_table": stored_price_table(conn),
        "blocks": rows,
        "totals": totals,
    }


def _block_json(agent: str, block: Any, now: int) -> dict[str, Any]:
    from lessonloop.analyze.billing_blocks import utc_text

    def moment(when: int | None) -> str | None:
        return None if when is None else utc_text(when)

    rate = block.burn_rate()
    projection = block.projection(now)
    row: dict[str, Any] = {
        "agent": agent,
        "start": moment(block.start),
        "end": moment(block.end),
        "first_call": moment(block.first_call),
        "last_call": moment(block.last_call),
        "gap": block.gap,
        "active": block.active(now),
        "calls": block.calls,
        **{key: getattr(block, key) for key in _TOKEN_KEYS},
        "total": block.total,
        **cost_json(block.cost_usd, block.unpriced),
        "models": list(block.models),
        "burn_rate": None
        if rate is None
        else {
            "tokens_per_minute": round(rate[0], 3),
            "input_output_per_minute": round(rate[1], 3),
            "cost_per_hour": round(rate[2], 6),
        },
        "projection": None
        if projection is None
        else {"total": projection[0], "cost_usd": projection[1], "minutes_left": projection[2]},
    }
    return row
