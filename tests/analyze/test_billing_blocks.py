"""Billing blocks (analyze/billing_blocks.py): the rules of ccusage's `blocks` report, each on calls
made to show it; the figures against ccusage itself on real transcripts are in
tests/cli/test_costs_ccusage.py."""

from __future__ import annotations

from datetime import UTC, datetime

from lessonloop.analyze.billing_blocks import (
    BillingBlock,
    UsageEntry,
    billing_blocks,
    epoch_ms,
    utc_text,
)

MINUTE = 60_000
HOUR = 60 * MINUTE


def _at(text: str) -> int:
    return epoch_ms(datetime.fromisoformat(text).astimezone(UTC))


def _call(when: int, tokens: int = 100, cost: float | None = 0.01, model: str = "m") -> UsageEntry:
    return UsageEntry(when, model, tokens, tokens, 0, tokens, 0, cost)


def _shape(blocks: list[BillingBlock]) -> list[tuple[str, str, bool, int]]:
    return [(utc_text(b.start), utc_text(b.end), b.gap, b.calls) for b in blocks]


def test_a_block_starts_at_the_hour_of_its_first_call_and_lasts_five_hours() -> None:
    start = _at("2026-03-01T10:55:30.250+00:00")
    blocks = billing_blocks([_call(start), _call(start + 2 * HOUR), _call(start + 4 * HOUR)])
    assert _shape(blocks) == [("2026-03-01T10:00:00.000Z", "2026-03-01T15:00:00.000Z", False, 3)]
    [block] = blocks
    assert (block.input, block.output, block.cache_read, block.total) == (300, 300, 300, 900)
    assert block.cost_usd is not None and abs(block.cost_usd - 0.03) < 1e-12
    assert utc_text(block.first_call or 0) == "2026-03-01T10:55:30.250Z"


def test_a_call_past_five_hours_from_the_start_opens_the_next_block_without_a_gap() -> None:
    start = _at("2026-03-01T10:10:00+00:00")
    calls = [_call(start + hour * HOUR) for hour in range(7)]  # one an hour: never 5 h apart
    assert _shape(billing_blocks(calls)) == [
        ("2026-03-01T10:00:00.000Z", "2026-03-01T15:00:00.000Z", False, 5),  # 10:10 .. 14:10
        ("2026-03-01T15:00:00.000Z", "2026-03-01T20:00:00.000Z", False, 2),  # 15:10 is 5 h 10 m after 10:00
    ]


def test_a_call_at_exactly_five_hours_stays_in_the_block() -> None:
    start = _at("2026-03-01T10:00:00+00:00")
    assert [b.calls for b in billing_blocks([_call(start), _call(start + 5 * HOUR)])] == [2]
    # a millisecond more is a new block, after a gap (the silence was longer than five hours)
    assert [(b.calls, b.gap) for b in billing_blocks([_call(start), _call(start + 5 * HOUR + 1)])] == [
        (1, False),
        (0, True),
        (1, False),
    ]


def test_a_silence_longer_than_five_hours_is_a_gap_between_two_blocks() -> None:
    first = _at("2026-03-01T09:30:00+00:00")
    later = _at("2026-03-01T21:45:00+00:00")
    blocks = billing_blocks([_call(later), _call(first)])  # any order
    assert _shape(blocks) == [
        ("2026-03-01T09:00:00.000Z", "2026-03-01T14:00:00.000Z", False, 1),
        ("2026-03-01T14:30:00.000Z", "2026-03-01T21:45:00.000Z", True, 0),  # 5 h after the last call
        ("2026-03-01T21:00:00.000Z", "2026-03-02T02:00:00.000Z", False, 1),
    ]
    assert blocks[1].burn_rate() is None and blocks[1].cost_usd is None


def test_burn_rate_and_the_active_blocks_projection() -> None:
    start = _at("2026-03-01T10:00:00+00:00")
    calls = [_call(start + 10 * MINUTE, 1000, 0.5), _call(start + 70 * MINUTE, 2000, 1.0)]
    [block] = billing_blocks(calls)
    per_minute, io_per_minute, per_hour = block.burn_rate() or (0.0, 0.0, 0.0)
    assert per_minute == 9000 / 60 and io_per_minute == 6000 / 60 and abs(per_hour - 1.5) < 1e-9
    now = start + 2 * HOUR  # 3 hours left
    assert block.active(now)
    assert block.projection(now) == (9000 + (150 * 180), 1.5 + 4.5, 180)
    assert not block.active(start + 5 * HOUR)  # its end has come
    assert block.projection(start + 5 * HOUR) is None
    assert not block.active(start + 70 * MINUTE + 5 * HOUR)  # the last call five hours ago


def test_unpriced_calls_are_counted_not_taken_as_free() -> None:
    start = _at("2026-03-01T10:00:00+00:00")
    [block] = billing_blocks([_call(start, cost=None), _call(start + MINUTE, cost=None)])
    assert (block.cost_usd, block.unpriced) == (None, 2)
    [block] = billing_blocks([_call(start, cost=None), _call(start + MINUTE, cost=0.25)])
    assert (block.cost_usd, block.unpriced) == (0.25, 1)
