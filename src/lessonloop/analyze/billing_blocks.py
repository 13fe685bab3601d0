"""Billing blocks: an agent's calls grouped into the 5-hour windows its provider bills by (Claude's
usage limits), as ccusage's `blocks` report groups them; pure, stdlib only (the status line
reads it: apply/status_line.py).

The rules, over one agent's calls in time order:

- A block starts at the hour (UTC) of its first call and lasts `hours` (5): it ends then, whatever
  happened last.
- A call more than `hours` after its block's start, or more than `hours` after the call before it,
  starts a new block.
- Between two calls more than `hours` apart lies a gap: from `hours` after the first to the second
  (shown as a block with no calls, `gap`).
- A block is active when its last call is less than `hours` ago and its end is still to come.
- Burn rate: the block's tokens (every kind) per minute, its input and output tokens per minute,
  and its cost per hour, between its first and its last call (none when they are at one time).
- Projection (the active block only): its tokens and cost at its end if the burn rate holds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

HOURS = 5
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_HOUR = 3_600_000  # milliseconds

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the status line)
if TYPE_CHECKING:
    from collections.abc import Iterable


class UsageEntry:
    """One call's usage: its time (milliseconds since the epoch), model, tokens by kind and cost (None:
    its model has no known price)."""

    __slots__ = ("cache_creation", "cache_read", "cost_usd", "input", "model", "output", "reasoning", "when")

    def __init__(
        self,
        when: int,
        model: str,
        input: int,
        output: int,
        cache_creation: int,
        cache_read: int,
        reasoning: int = 0,
        cost_usd: float | None = None,
    ) -> None:
        self.when = when
        self.model = model
        self.input = input
        self.output = output
        self.cache_creation = cache_creation
        self.cache_read = cache_read
        self.reasoning = reasoning
        self.cost_usd = cost_usd


class BillingBlock:
    """A block of calls, or a gap between two (`gap`, no calls); times in milliseconds since the epoch."""

    __slots__ = (
        "cache_creation",
        "cache_read",
        "calls",
        "cost_usd",
        "end",
        "first_call",
        "gap",
        "input",
        "last_call",
        "models",
        "output",
        "reasoning",
        "start",
        "unpriced",
    )

    def __init__(self, start: int, end: int, *, gap: bool = False) -> None:
        self.start = start
        self.end = end
        self.gap = gap
        self.first_call: int | None = None
        self.last_call: int | None = None
        self.calls = 0
        self.input = self.output = self.cache_creation = self.cache_read = self.reasoning = 0
        self.cost_usd: float | None = None  # None: no call of the block is priced
        self.unpriced = 0
        self.models: list[str] = []  # in the order first used

    def add(self, entry: UsageEntry) -> None:
        if self.first_call is None:
            self.first_call = entry.when
        self.last_call = entry.when
        self.calls += 1
        self.input += entry.input
        self.output += entry.output
        self.cache_creation += entry.cache_creation
        self.cache_read += entry.cache_read
        self.reasoning += entry.reasoning
        if entry.cost_usd is None:
            self.unpriced += 1
        else:
            self.cost_usd = (self.cost_usd or 0.0) + entry.cost_usd
        if entry.model not in self.models:
            self.models.append(entry.model)

    @property
    def total(self) -> int:
        """Every kind of token (reasoning is part of output)."""
        return self.input + self.output + self.cache_creation + self.cache_read

    def active(self, now: int, hours: int = HOURS) -> bool:
        """Whether the block is still running at `now`: its last call less than `hours` ago, its end to come."""
        return not self.gap and self.last_call is not None and now - self.last_call < hours * _HOUR and now < self.end

    def burn_rate(self) -> tuple[float, float, float] | None:
        """(tokens per minute, input and output tokens per minute, cost per hour) between the first
        and the last call; None for a gap or a block whose calls are all at one time."""
        if self.first_call is None or self.last_call is None or self.last_call <= self.first_call:
            return None
        minutes = (self.last_call - self.first_call) / 60_000.0
        return (self.total / minutes, (self.input + self.output) / minutes, (self.cost_usd or 0.0) / minutes * 60.0)

    def projection(self, now: int, hours: int = HOURS) -> tuple[int, float, int] | None:
        """(tokens, cost, minutes left) at the end of an active block if its burn rate holds; None
        for a block that is not active or has no burn rate."""
        rate = self.burn_rate()
        if rate is None or not self.active(now, hours):
            return None
        minutes_left = max(0.0, (self.end - now) / 60_000.0)
        tokens = self.total + rate[0] * minutes_left
        cost = (self.cost_usd or 0.0) + rate[2] / 60.0 * minutes_left
        return round(tokens), round(cost, 2), round(minutes_left)


def hour_of(when: int) -> int:
    """The start of the UTC hour `when` falls in."""
    return when - when % _HOUR


def billing_blocks(entries: Iterable[UsageEntry], hours: int = HOURS) -> list[BillingBlock]:
    """The blocks of one agent's calls, gaps between them included, oldest first."""
    length = hours * _HOUR
    blocks: list[BillingBlock] = []
    current: BillingBlock | None = None
    last = 0
    for entry in sorted(entries, key=lambda e: e.when):
        if current is not None and (entry.when - current.start > length or entry.when - last > length):
            if entry.when - last > length:
                blocks.append(BillingBlock(last + length, entry.when, gap=True))
            current = None
        if current is None:
            start = hour_of(entry.when)
            current = BillingBlock(start, start + length)
            blocks.append(current)
        current.add(entry)
        last = entry.when
    return blocks


def epoch_ms(moment: datetime) -> int:
    """A timezone-aware datetime in whole milliseconds since the epoch (no float on the way: the
    stored times are to the millisecond, and a block's times are printed back the same)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def epoch_ms_of(text: str) -> int:
    """ISO-8601 text (a stored time: "2026-02-10T21:11:59.186Z") in milliseconds since the epoch; a
    time with no zone is UTC. Raises ValueError for text that is no time."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return epoch_ms(moment)


def utc_text(when: int) -> str:
    """Milliseconds since the epoch as canonical UTC text ("2026-02-10T21:00:00.000Z")."""
    moment = _EPOCH + timedelta(milliseconds=when)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
