"""`analyze stats` compares like with like (issue 26, item 2): empty sessions in neither group,
sessions compared within strata of their number of tool calls (learning/engine/habit_stats.py).

The exact stratified p-value is checked against a brute-force enumeration written here from its
definition (every pair of tables with the strata's margins), the Mantel-Haenszel odds ratio
against its formula, and a Simpson's-paradox case: a habit that only long sessions have, where
long sessions end badly whatever the habit, is significant pooled and not within strata.
"""

from __future__ import annotations

import itertools
import math
import sqlite3
from fractions import Fraction
from pathlib import Path

import pytest
from scipy.stats import fisher_exact

from lessonloop.learning.engine.habit_stats import SIZE_STRATA, SessionFacts, associate_stratified, habit_outcome_stats
from tests.conftest import cli


def pairs_of(a: int, b: int, c: int, d: int) -> list[tuple[bool, bool]]:
    return [(True, True)] * a + [(True, False)] * b + [(False, True)] * c + [(False, False)] * d


def hand_stratified_p(tables: list[tuple[int, int, int, int]]) -> Fraction:
    """Every combination of tables with the same margins, its probability the product of the
    hypergeometric ones; p = the sum over combinations whose total `a` is no more likely."""

    def pmf(table: tuple[int, int, int, int]) -> dict[int, Fraction]:
        a, b, c, d = table
        n, row, col = a + b + c + d, a + b, a + c
        return {
            x: Fraction(math.comb(col, x) * math.comb(n - col, row - x), math.comb(n, row))
            for x in range(max(0, row + col - n), min(row, col) + 1)
        }

    by_total: dict[int, Fraction] = {}
    for combo in itertools.product(*(pmf(t).items() for t in tables)):
        total = sum(x for x, _ in combo)
        by_total[total] = by_total.get(total, Fraction(0)) + math.prod((p for _, p in combo), start=Fraction(1))
    observed = by_total[sum(t[0] for t in tables)]
    return sum((p for p in by_total.values() if p <= observed), Fraction(0))


TABLES = [(3, 2, 1, 6), (5, 1, 2, 2), (2, 4, 0, 7)]


def test_exact_stratified_p_matches_the_enumeration() -> None:
    result = associate_stratified("h", "o", [pairs_of(*t) for t in TABLES])
    assert result.strata == 3
    assert (result.with_bad, result.with_good, result.without_bad, result.without_good) == (10, 7, 3, 15)
    assert result.p_value == pytest.approx(float(hand_stratified_p(TABLES)), rel=1e-9)


def test_one_stratum_is_fishers_exact_test() -> None:
    table = (8, 2, 1, 9)
    assert float(hand_stratified_p([table])) == pytest.approx(float(fisher_exact([[8, 2], [1, 9]]).pvalue))
    result = associate_stratified("h", "o", [pairs_of(*table)])
    assert result.p_value == pytest.approx(float(fisher_exact([[8, 2], [1, 9]]).pvalue), rel=1e-12)


def test_mantel_haenszel_odds_ratio_and_weighted_risk_difference() -> None:
    result = associate_stratified("h", "o", [pairs_of(*t) for t in TABLES])
    mh = sum(a * d / (a + b + c + d) for a, b, c, d in TABLES) / sum(b * c / (a + b + c + d) for a, b, c, d in TABLES)
    assert result.odds_ratio == pytest.approx(mh, rel=1e-12)
    assert result.odds_ratio_ci is not None and result.odds_ratio_ci[0] < mh < result.odds_ratio_ci[1]
    weights = [(a + b) * (c + d) / (a + b + c + d) for a, b, c, d in TABLES]
    differences = [a / (a + b) - c / (c + d) for a, b, c, d in TABLES]
    expected = sum(w * x for w, x in zip(weights, differences, strict=True)) / sum(weights)
    assert result.risk_difference == pytest.approx(expected, rel=1e-12)


def test_strata_with_one_side_only_compare_nothing() -> None:
    # Only long sessions have the habit; the short ones have not: no stratum compares them.
    result = associate_stratified("h", "o", [pairs_of(0, 0, 1, 9), pairs_of(8, 2, 0, 0)])
    assert (result.p_value, result.odds_ratio, result.strata) == (None, None, 0)
    assert (result.with_bad, result.with_good, result.without_bad, result.without_good) == (8, 2, 1, 9)


def facts(session: str, calls: int, prompts: int, blind: int, unresolved: int) -> SessionFacts:
    return SessionFacts(session, None, {}, blind, 0, unresolved, None, 0, None, 0, 0, calls, prompts)


def test_size_not_the_habit_is_no_association_within_strata() -> None:
    """Short sessions (3 calls) never end badly, long ones (60 calls) do 80% of the time; the
    habit is in most long sessions and few short ones, at the same rate of bad endings within
    each size."""
    short = [facts(f"s{i}", 3, 1, int(i < 10), 0) for i in range(100)]
    long = [facts(f"l{i}", 60, 5, int(i < 40), int(i < 32 or 40 <= i < 48)) for i in range(50)]
    empty = [facts(f"e{i}", 0, 0, 0, 0) for i in range(200)]  # opened and left: in no group
    by_key = {(r.habit, r.outcome): r for r in habit_outcome_stats(short + long + empty)}
    result = by_key[("blind edits", "unresolved_errors")]
    assert result.strata == 2
    assert (result.with_bad, result.with_good, result.without_bad, result.without_good) == (32, 18, 8, 92)
    pooled = fisher_exact([[result.with_bad, result.with_good], [result.without_bad, result.without_good]]).pvalue
    assert pooled < 0.001  # what comparing unlike sessions said
    assert result.p_value == pytest.approx(1.0) and result.odds_ratio == pytest.approx(1.0)
    assert SIZE_STRATA[1] < 3 <= SIZE_STRATA[2] and SIZE_STRATA[5] < 60 <= SIZE_STRATA[6]


def test_aider_dev_stats_leave_empty_sessions_out(aider_dev_store: tuple[Path, Path]) -> None:
    _history, db = aider_dev_store
    result = cli("analyze", "stats", "--db", db, "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    conn = sqlite3.connect(db)
    try:
        empty = conn.execute(
            """SELECT count(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM tool_calls c WHERE c.session_id = s.id)
               AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.session_id = s.id AND m.kind = 'prompt')"""
        ).fetchone()[0]
    finally:
        conn.close()
    assert data["empty_sessions_left_out"] == empty > 0
    for association in data["associations"]:
        table = association["table"]
        compared = sum(table[side][o] for side in ("with_habit", "without_habit") for o in ("bad", "good"))
        assert compared <= data["sessions"] - empty
    blind = next(a for a in data["associations"] if a["habit"] == "blind edits" and a["outcome"] == "unresolved_errors")
    assert blind["strata"] > 1 and blind["p_value"] > 1e-6  # it was 3e-31 comparing unlike sessions
