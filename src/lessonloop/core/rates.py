"""Figures as the reports give them: a share that has no value when there is nothing to divide
by, and a value rounded for JSON (replay, recall's factors, habit statistics, command timing)."""

from __future__ import annotations

import math


def rate(part: int, whole: int) -> float | None:
    """part / whole; None when `whole` is 0 (no figure, rather than a misleading 0)."""
    return part / whole if whole else None


def per_100(part: int, whole: int) -> float | None:
    """part per 100 of whole (replay's false stops per 100 successful calls); None when `whole` is 0."""
    found = rate(part, whole)
    return None if found is None else 100 * found


def rounded(value: float | None, digits: int = 4) -> float | None:
    """`value` rounded to `digits` decimals; None stays None, NaN (no figure) becomes None,
    infinity stays infinity."""
    if value is None or math.isnan(value):
        return None
    return round(value, digits)
