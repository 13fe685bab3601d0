"""`lessonloop stats --by day|week|month` in the terminal: one row per period (report/usage_queries.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.report.costs import cost_text
from lessonloop.report.render import output_tokens, short_model

if TYPE_CHECKING:
    from rich.console import Console

_HEADS = {"day": "DAY", "week": "WEEK OF", "month": "MONTH"}


def render_usage_periods(console: Console, data: dict[str, Any], *, breakdown: bool = False) -> None:
    """The periods' table (`breakdown`: each period's agents and models on rows of their own, as
    ccusage's --breakdown), then a note on the price table and the unpriced calls."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    columns = [
        ("INPUT", "input"),
        ("OUTPUT", "output"),  # with the reasoning it holds (render.output_tokens)
        ("CACHE WRITE", "cache_creation"),
        ("CACHE READ", "cache_read"),
    ]
    table.add_column(_HEADS[data["by"]])
    table.add_column("MODELS")
    for name, _key in (*columns, ("TOTAL", "total")):
        table.add_column(name, justify="right")
    table.add_column("COST", justify="right")

    def cells(slot: dict[str, Any], label: str, models: str) -> list[str]:
        return [
            label,
            models,
            *(
                output_tokens(slot) if key == "output" else f"{slot[key]:,}"
                for _name, key in (*columns, ("TOTAL", "total"))
            ),
            cost_text(slot["cost_usd"], slot["unpriced_calls"]),
        ]

    for slot in data["periods"]:
        models = ", ".join(short_model(m) for m in slot["models"])
        table.add_row(*cells(slot, slot["period"], escape(models)))
        if breakdown:
            for row in slot["breakdown"]:
                table.add_row(*cells(row, f"[dim]  {escape(row['agent'])}[/]", f"[dim]{escape(row['model'])}[/]"))
    if len(data["periods"]) > 1:
        table.add_section()
        table.add_row(*cells(data["totals"], "[bold]total[/]", ""))
    console.print(table)
    unpriced = data["totals"]["unpriced_calls"]
    table_name = data["price_table"] or "no call priced yet"
    note = f"Cost at list prices ({table_name}; docs/costs.md)."
    if unpriced:
        note += f" {unpriced:,} call(s) of models with no known price are not in it (a cost with + is a lower bound)."
    console.print(f"[dim]{note}[/]")


def render_usage_blocks(console: Console, data: dict[str, Any]) -> None:
    """`stats --by block`: one row per billing block (local times), gaps dimmed, the active block's
    time left and projection under the table."""
    from datetime import datetime

    from rich.markup import escape
    from rich.table import Table

    def local(text: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        if text is None:
            return ""
        return datetime.fromisoformat(text).astimezone().strftime(fmt)

    agents = {row["agent"] for row in data["blocks"]}
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("BLOCK START")
    table.add_column("UNTIL")
    if len(agents) > 1:
        table.add_column("AGENT")
    table.add_column("MODELS")
    for name in ("CALLS", "TOKENS", "COST", "BURN"):
        table.add_column(name, justify="right")
    active = None
    for row in data["blocks"]:
        agent_cell = [escape(row["agent"])] if len(agents) > 1 else []
        if row["gap"]:
            hours = _hours(row["start"], row["end"])
            table.add_row(
                f"[dim]{local(row['start'])}[/]", f"[dim]{local(row['end'])}[/]", *agent_cell,
                f"[dim](no calls for {hours})[/]", "", "", "", "",
            )  # fmt: skip
            continue
        rate = row["burn_rate"]
        until = local(row["end"], "%H:%M") + (" [bold green]active[/]" if row["active"] else "")
        table.add_row(
            local(row["start"]),
            until,
            *agent_cell,
            escape(", ".join(short_model(m) for m in row["models"])),
            f"{row['calls']:,}",
            f"{row['total']:,}",
            cost_text(row["cost_usd"], row["unpriced_calls"]),
            "" if rate is None else f"${rate['cost_per_hour']:,.2f}/h",
        )
        if row["active"]:
            active = row
    if len(data["blocks"]) > 1:
        table.add_section()
        totals = data["totals"]
        table.add_row(
            "[bold]total[/]", "", *([""] if len(agents) > 1 else []), "", f"{totals['calls']:,}",
            f"{totals['total']:,}", cost_text(totals["cost_usd"], totals["unpriced_calls"]), "",
        )  # fmt: skip
    console.print(table)
    if active is not None and active["projection"] is not None:
        left = active["projection"]["minutes_left"]
        console.print(
            f"Active block: {left // 60}h {left % 60:02d}m left; at this rate it ends at "
            f"{active['projection']['total']:,} tokens, ${active['projection']['cost_usd']:,.2f}."
        )
    console.print(
        f"[dim]Blocks of {data['hours']} hours from the hour (UTC) of their first call, as the agents bill; "
        f"cost at list prices ({data['price_table'] or 'no call priced yet'}; docs/costs.md).[/]"
    )


def _hours(start: str, end: str) -> str:
    from datetime import datetime

    seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    hours = seconds / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} days"
