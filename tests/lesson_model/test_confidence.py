"""Confidence rules (lesson_model/confidence.py): the Wilson lower bound, decay, tiers with a gap,
severity by frequency, archiving.

The Wilson values are checked against the textbook formula written out here, not against the
module's own arithmetic.
"""

from __future__ import annotations

import math

import pytest

from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.confidence import (
    confidence,
    decay_factor,
    next_tier,
    severity_for,
    should_archive,
    wilson_lower_bound,
)

Z = 1.645  # one-sided 95%


def textbook_wilson(k: int, n: int, z: float = Z) -> float:
    """Lower end of the Wilson score interval: (p + z²/2n - z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    p = k / n
    numerator = p + z**2 / (2 * n) - z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return max(0.0, numerator / (1 + z**2 / n))


# ----------------------------------------------------------------------------- Wilson lower bound


@pytest.mark.parametrize(
    ("k", "n"), [(1, 1), (1, 2), (2, 3), (3, 3), (5, 10), (7, 10), (10, 10), (1, 20), (30, 60), (59, 60), (99, 100)]
)
def test_wilson_matches_the_textbook_formula(k: int, n: int) -> None:
    assert wilson_lower_bound(k, n) == pytest.approx(textbook_wilson(k, n), abs=1e-12)


def test_wilson_uses_z_1645_by_default() -> None:
    assert conf.Z == Z
    # with z = 1.96 the bound would be lower: the default is the one-sided 95% bound
    assert wilson_lower_bound(3, 3) > textbook_wilson(3, 3, 1.96)
    assert wilson_lower_bound(3, 3, z=1.96) == pytest.approx(textbook_wilson(3, 3, 1.96))


@pytest.mark.parametrize(("n", "expected"), [(1, 0.27), (3, 0.53), (10, 0.79), (100, 0.97)])
def test_all_failing_trials_follow_the_curve(n: int, expected: float) -> None:
    value = wilson_lower_bound(n, n)
    assert value == pytest.approx(expected, abs=0.005)
    assert value == pytest.approx(n / (n + Z * Z), abs=1e-12)  # the closed form with p = 1


def test_no_trials_gives_zero() -> None:
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(3, 0) == 0.0
    assert confidence(0, 0) == 0.0


def test_failures_are_clamped_to_the_trials() -> None:
    assert wilson_lower_bound(5, 3) == wilson_lower_bound(3, 3)
    assert wilson_lower_bound(-2, 3) == wilson_lower_bound(0, 3) == 0.0


GRID = [(k, n) for n in range(1, 61) for k in range(n + 1)]


def test_adding_a_failing_trial_never_lowers_the_bound() -> None:
    worse = [(k, n) for k, n in GRID if wilson_lower_bound(k + 1, n + 1) < wilson_lower_bound(k, n)]
    assert worse == []


def test_adding_a_non_failing_trial_never_raises_the_bound() -> None:
    higher = [(k, n) for k, n in GRID if wilson_lower_bound(k, n + 1) > wilson_lower_bound(k, n)]
    assert higher == []


def test_more_failures_out_of_the_same_trials_never_lower_the_bound() -> None:
    worse = [(k, n) for k, n in GRID if k < n and wilson_lower_bound(k + 1, n) < wilson_lower_bound(k, n)]
    assert worse == []


def test_at_a_fixed_rate_more_trials_never_lower_the_bound() -> None:
    lower = []
    for k, n in GRID:
        for factor in range(2, 60 // n + 1):
            if wilson_lower_bound(k * factor, n * factor) < wilson_lower_bound(k, n):
                lower.append((k, n, factor))
    assert lower == []
    # three observations cannot outrank a hundred at the same rate
    assert wilson_lower_bound(3, 3) < wilson_lower_bound(100, 100)
    assert wilson_lower_bound(2, 4) < wilson_lower_bound(50, 100)


def test_the_bound_stays_between_zero_and_one() -> None:
    values = [wilson_lower_bound(k, n) for k, n in GRID]
    assert min(values) >= 0.0
    assert max(values) <= 1.0
    assert all(wilson_lower_bound(k, n) <= k / n for k, n in GRID)  # a lower bound of the rate
    assert wilson_lower_bound(0, 60) == 0.0


# ----------------------------------------------------------------------------- decay


def test_decay_is_five_percent_per_thirty_days() -> None:
    assert decay_factor(30) == pytest.approx(0.95, abs=1e-12)
    assert decay_factor(60) == pytest.approx(0.95**2, abs=1e-12)
    assert decay_factor(15) == pytest.approx(0.95**0.5, abs=1e-12)
    assert decay_factor(400) == pytest.approx(0.95 ** (400 / 30), abs=1e-12)


@pytest.mark.parametrize("days", [0, 0.0, -1, -400])
def test_no_decay_without_days_unseen(days: float) -> None:
    assert decay_factor(days) == 1.0


def test_confidence_is_the_decayed_bound() -> None:
    assert confidence(3, 3) == pytest.approx(textbook_wilson(3, 3))
    assert confidence(3, 3, days_unseen=60) == pytest.approx(textbook_wilson(3, 3) * 0.95**2)
    assert confidence(3, 3, days_unseen=-5) == confidence(3, 3)


# ----------------------------------------------------------------------------- tiers


def test_promotion_thresholds() -> None:
    assert next_tier(0.24, "candidate") == "candidate"
    assert next_tier(0.25, "candidate") == "active"
    assert next_tier(wilson_lower_bound(1, 1), "candidate") == "active"  # one clean failing session
    assert next_tier(0.74, "active") == "active"
    assert next_tier(0.75, "active") == "core"
    assert next_tier(0.80, "candidate") == "core"


def test_promotion_and_demotion_thresholds_differ() -> None:
    assert next_tier(0.20, "active") == "active"
    assert next_tier(0.20, "candidate") == "candidate"
    assert next_tier(0.65, "core") == "core"
    assert next_tier(0.65, "active") == "active"


def test_demotion_thresholds() -> None:
    assert next_tier(0.14, "active") == "candidate"
    assert next_tier(0.59, "core") == "active"
    assert next_tier(0.10, "core") == "candidate"
    # one failing and one clean session (0.12): below the active tier's floor
    assert wilson_lower_bound(1, 2) == pytest.approx(0.12, abs=0.005)
    assert next_tier(wilson_lower_bound(1, 2), "active") == "candidate"


def test_an_unknown_tier_is_read_as_candidate() -> None:
    assert next_tier(0.20, "bogus") == "candidate"
    assert next_tier(0.30, "bogus") == "active"


@pytest.mark.parametrize(
    ("start", "values"),
    [
        ("active", [0.26, 0.24, 0.26, 0.24, 0.26, 0.24]),  # around the promotion to active
        ("candidate", [0.24, 0.26, 0.24, 0.26, 0.24]),
        ("core", [0.76, 0.74, 0.76, 0.74, 0.76]),  # around the promotion to core
        ("active", [0.16, 0.14, 0.16, 0.14]),  # around the demotion from active
    ],
)
def test_oscillating_values_do_not_flip_the_tier_every_step(start: str, values: list[float]) -> None:
    tier = start
    tiers = []
    for value in values:
        tier = next_tier(value, tier)
        tiers.append(tier)
    changes = sum(1 for a, b in zip([start, *tiers], tiers, strict=False) if a != b)
    assert changes <= 1, tiers


# ----------------------------------------------------------------------------- severity


@pytest.mark.parametrize(
    ("base", "failed", "expected"),
    [
        ("low", 1, "low"),
        ("low", 4, "low"),
        ("low", 5, "medium"),
        ("low", 14, "medium"),
        ("low", 15, "high"),
        ("low", 100, "high"),
        ("medium", 5, "high"),
        ("medium", 15, "critical"),
        ("high", 15, "critical"),
        ("critical", 1, "critical"),
        ("critical", 50, "critical"),
        ("bogus", 1, "medium"),
    ],
)
def test_severity_rises_with_failing_sessions_and_caps_at_critical(base: str, failed: int, expected: str) -> None:
    assert severity_for(base, failed) == expected


# ----------------------------------------------------------------------------- archiving


def test_never_archived_at_or_above_the_floor() -> None:
    floor = conf.ARCHIVE_FLOOR
    assert not should_archive(floor, days_unseen=10_000, sessions=100, failed_sessions=1)
    assert not should_archive(0.5, days_unseen=10_000, sessions=100, failed_sessions=1)


def test_below_the_floor_archived_only_when_stale_or_contradicted() -> None:
    low = conf.ARCHIVE_FLOOR / 2
    assert not should_archive(low, days_unseen=179, sessions=1, failed_sessions=1)  # fresh, not contradicted
    assert should_archive(low, days_unseen=180, sessions=1, failed_sessions=1)  # stale
    assert should_archive(low, days_unseen=0, sessions=4, failed_sessions=1)  # 3 clean sessions: contradicted
    assert not should_archive(low, days_unseen=0, sessions=3, failed_sessions=1)  # 2 clean: not yet
    # contradicted needs at least as many clean sessions as failing ones
    assert not should_archive(low, days_unseen=0, sessions=9, failed_sessions=5)
    assert should_archive(low, days_unseen=0, sessions=10, failed_sessions=5)


def test_decay_alone_archives_a_one_session_lesson_after_long() -> None:
    days = 2000.0
    value = confidence(1, 1, days_unseen=days)
    assert value < conf.ARCHIVE_FLOOR
    assert should_archive(value, days, 1, 1)
    fresh = confidence(1, 1, days_unseen=30)
    assert not should_archive(fresh, 30, 1, 1)
