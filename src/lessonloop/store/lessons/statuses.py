"""A lesson's statuses, and a --status value (or ?status) read as the statuses it means. Stdlib
only: `lessons`' parser checks the option with it (every parser is built for `lessonloop --help`)."""

from __future__ import annotations

from collections.abc import Iterable

STATUSES = ("active", "pending", "rejected", "archived")


def status_values(status: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """A --status value as the statuses it means: None or "all" mean any; "a,b" lists several.
    Raises ValueError naming an unknown status."""
    if status is None:
        return None
    items = [s.strip() for s in status.split(",")] if isinstance(status, str) else [s.strip() for s in status]
    items = [s for s in items if s]
    if not items or "all" in items:
        return None
    unknown = [s for s in items if s not in STATUSES]
    if unknown:
        raise ValueError(f"unknown status {unknown[0]!r} (expected {', '.join(STATUSES)} or all)")
    return tuple(dict.fromkeys(items))
