"""A line parser's file read in parts, as ingest reads it: each part from where the read before
stopped (its parser's `restart_line` when it set one), with the state and the pending calls the
read before left. The readers' tests compare it with one read of the whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lessonloop.capture.adapters import LineParser, PendingCall


def parse_in_parts(
    open_parser: Callable[[dict[str, PendingCall], dict[str, Any] | None], LineParser],
    lines: list[bytes],
    cuts: list[int],
) -> list[Any]:
    """The batches of `lines` read in parts ending at `cuts` (line counts, 1-based), each by a new
    parser `open_parser(pending_calls, state)`."""
    pending: dict[str, PendingCall] = {}
    batches: list[Any] = []
    state: dict[str, Any] | None = None
    start = 1
    for end in [*cuts, len(lines)]:
        parser = open_parser(pending, state)
        batches.append(parser.parse(lines[start - 1 : end], start))
        state, pending = getattr(parser, "state", lambda: None)(), getattr(parser, "pending", pending)
        start = getattr(parser, "restart_line", None) or end + 1
    return batches
