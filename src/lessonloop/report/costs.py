"""Costs as figures show them (docs/costs.md): sums of the costs stored with each call.

A call's cost is worked out once, by analyze/pricing.py when the store settles its totals
(store/sessions/totals.py), and kept in `token_usage.price_usd` (NULL: unpriced, its model has no
known price; never taken as $0); the per-session and per-day totals sum them. So a read imports
neither genai-prices nor pydantic, and costs what it shows, not one Python call per stored call.

`cost_sums(alias)` gives the two aggregate columns every grouped query over token_usage rows adds:
the summed cost and the count of unpriced calls. The totals tables hold the same two figures
(`cost_usd`, `unpriced`) per session, model and quarter of an hour.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the reads of figures: issue 43)
if TYPE_CHECKING:
    from typing import Any


__all__ = ["cost_json", "cost_sums", "cost_text"]


def cost_sums(alias: str = "u") -> str:
    """Two aggregate columns over token_usage rows `alias`: the cost of the priced calls (NULL when
    none is) and how many calls are unpriced."""
    return f"sum({alias}.price_usd), coalesce(sum({alias}.price_usd IS NULL), 0)"


def cost_json(cost: float | None, unpriced: int) -> dict[str, Any]:
    """The JSON fields of a cost: "cost_usd" (null when no call is priced: unknown, not $0) and
    "unpriced_calls" (calls whose model has no price; when some, cost_usd is a lower bound)."""
    return {"cost_usd": None if cost is None else round(cost, 6), "unpriced_calls": int(unpriced or 0)}


def cost_text(cost: float | None, unpriced: int = 0) -> str:
    """A cost for a table: "$1.23"; "$1.23+" when some calls are unpriced; "unknown" when no call
    is priced; "-" for nothing at all."""
    if cost is None:
        return "unknown" if unpriced else "-"
    text = f"${cost:,.2f}"
    return f"{text}+" if unpriced else text
