"""`lessonloop stats`: the totals over the store, or one row per day, week or month (--by)."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import UsageError, console, emit_json, known_agent, more_hint, open_cli_store
from lessonloop.cli.empty_results import no_sessions_text, session_filters
from lessonloop.cli.session_commands import STATS_PERIODS, STATS_ROWS
from lessonloop.report.queries import stats

MISTAKE_ROWS = 5  # rows of `stats`' mistakes by model without --all: the models with the most calls

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the reads of figures: issue 43)
if TYPE_CHECKING:
    from typing import Any


def cmd_stats(args: argparse.Namespace) -> int:
    if args.by:
        return _stats_by_period(args)
    if args.breakdown:
        raise UsageError("--breakdown goes with --by day, week or month")

    with open_cli_store(
        args.db, reading=True, refresh=not getattr(args, "no_refresh", False), figures_only=True
    ) as conn:
        data = stats(conn, args.project, known_agent(conn, args.agent), since=args.since, until=args.until)
        empty = None
        if not args.json and not data.get("sessions") and not data.get("subagent_sessions"):
            empty = no_sessions_text(conn, session_filters(args), "sessions")
    if args.json:
        emit_json(data)
    elif empty is not None:
        print(empty)
    else:
        from lessonloop.report.render import render_stats

        shown_data, left_out = data, list[str]()
        if not args.all:
            shown_data, left_out = _first_rows(data)
        render_stats(console(), shown_data)
        if left_out:
            print(f"Not shown: {', '.join(left_out)} (the least used); --all shows every row.")
    return 0


def _first_rows(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`stats`' figures with at most STATS_ROWS models and projects (the first: the busiest), and
    what was left out, in words."""
    shown = dict(data)
    left_out = []
    for key, what, most in (
        ("by_agent_model", "model", STATS_ROWS),
        ("by_project", "project", STATS_ROWS),
        ("models", "model's mistakes", MISTAKE_ROWS),
    ):
        rows = data.get(key)
        if rows is None or len(rows) <= most:
            continue
        more = len(rows) - most
        shown[key] = dict(list(rows.items())[:most]) if isinstance(rows, dict) else rows[:most]
        left_out.append(f"{more:,} {what}" if what.endswith("s") else f"{more:,} {what}{'' if more == 1 else 's'}")
    return shown, left_out


def _stats_by_period(args: argparse.Namespace) -> int:
    """`stats --by day|week|month|block` (report/usage_queries.py): one row per period, or per
    5-hour billing block; the latest STATS_PERIODS without --all."""
    from lessonloop.report import usage_queries

    blocks = args.by == "block"
    if blocks and args.breakdown:
        raise UsageError("--breakdown goes with --by day, week or month (a block lists its models)")
    key = "blocks" if blocks else "periods"
    with open_cli_store(
        args.db, reading=True, refresh=not getattr(args, "no_refresh", False), figures_only=True
    ) as conn:
        scope = (args.project, known_agent(conn, args.agent), args.since, args.until)
        if blocks:
            data = usage_queries.usage_blocks(conn, *scope)
        else:
            data = usage_queries.usage_periods(conn, args.by, *scope)
        empty = None
        if not args.json and not data[key]:
            empty = no_sessions_text(conn, session_filters(args), "token usage")
    if args.json:
        emit_json(data)
    elif empty is not None:
        print(empty)
    else:
        from lessonloop.report.usage_render import render_usage_blocks, render_usage_periods

        rows = data[key]
        earlier = 0 if args.all else max(0, len(rows) - STATS_PERIODS)
        shown = {**data, key: rows[earlier:]}
        if blocks:
            render_usage_blocks(console(), shown)
        else:
            render_usage_periods(console(), shown, breakdown=args.breakdown)
        if earlier:
            print(more_hint(earlier, f"earlier {args.by}", "in the total; --since WHEN starts later"))
    return 0
