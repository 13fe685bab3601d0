"""timestamps.format_timestamp: canonical UTC text, the same as strftime's for every year."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

from lessonloop.core.timestamps import format_timestamp, normalize_timestamp


def _reference(moment: datetime) -> str:
    moment = (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def test_the_text_strftime_gives_naive_aware_and_offset_times() -> None:
    rng = random.Random(7)
    zones = [None, UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-11))]
    for _ in range(5_000):
        moment = datetime(
            rng.choice([1000, 1969, 1970, 2026, 9998]),
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randint(0, 23),
            rng.randint(0, 59),
            rng.randint(0, 59),
            rng.randint(0, 999_999),
            tzinfo=rng.choice(zones),
        )
        assert format_timestamp(moment) == _reference(moment)


def test_years_before_1000_keep_strftimes_unpadded_year() -> None:
    moment = datetime(999, 3, 4, 5, 6, 7, 891_000, tzinfo=UTC)
    assert format_timestamp(moment) == _reference(moment)
    assert format_timestamp(datetime(2026, 2, 12, 15, 36, 9, 570_999)) == "2026-02-12T15:36:09.570Z"
    assert normalize_timestamp("2026-02-12T16:36:09.5+01:00") == "2026-02-12T15:36:09.500Z"
