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
