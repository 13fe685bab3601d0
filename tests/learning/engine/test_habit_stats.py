"""Which habits go with bad outcomes: the 2x2 tables, Fisher's exact test and the effect sizes.

The statistics are checked against values computed independently here (the hypergeometric
distribution from binomial coefficients, the conditional odds ratio by bisection), not only
against scipy, which the module itself calls.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

import pytest
from scipy.stats import fisher_exact

from lessonloop.learning.engine.habit_stats import (
    OUTCOMES,
    Association,
    SessionFacts,
    associate,
    habit_outcome_stats,
    habits,
)

Table = tuple[int, int, int, int]  # with_bad, with_good, without_bad, without_good


def pairs_of(a: int, b: int, c: int, d: int) -> list[tuple[bool, bool]]:
    """(has habit, bad outcome) pairs making the table [[a, b], [c, d]]."""
    return [(True, True)] * a + [(True, False)] * b + [(False, True)] * c + [(False, False)] * d


def _support(a: int, b: int, c: int, d: int) -> tuple[int, int, int, range]:
    """Row totals, first column total and the possible values of the top-left cell."""
    n1, n2, m1 = a + b, c + d, a + c
    return n1, n2, m1, range(max(0, m1 - n2), min(n1, m1) + 1)


def hand_fisher_p(a: int, b: int, c: int, d: int) -> Fraction:
    """Two-sided Fisher's exact p-value, exactly: the hypergeometric probabilities (margins fixed)
    of every table no more likely than the observed one."""
    n1, n2, m1, support = _support(a, b, c, d)
    weight = {k: math.comb(n1, k) * math.comb(n2, m1 - k) for k in support}
    return Fraction(sum(w for w in weight.values() if w <= weight[a]), math.comb(n1 + n2, m1))


def _noncentral(a: int, b: int, c: int, d: int, psi: float) -> dict[int, float]:
    """Fisher's noncentral hypergeometric distribution of the top-left cell at odds ratio psi."""
    n1, n2, m1, support = _support(a, b, c, d)
    logs = {k: math.log(math.comb(n1, k) * math.comb(n2, m1 - k)) + k * math.log(psi) for k in support}
    top = max(logs.values())
    weights = {k: math.exp(v - top) for k, v in logs.items()}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


def _bisect_log(increasing: Callable[[float], float], target: float) -> float:
    """The psi where an increasing function of psi reaches target, by bisection on log(psi)."""
    low, high = -30.0, 30.0
    for _ in range(200):
        mid = (low + high) / 2
        if increasing(math.exp(mid)) < target:
            low = mid
        else:
            high = mid
    return math.exp((low + high) / 2)


def hand_conditional_odds_ratio(a: int, b: int, c: int, d: int) -> tuple[float, float, float]:
    """The conditional maximum-likelihood odds ratio (expected top-left cell = observed) and its
    exact 95% interval (each tail probability 2.5%)."""

    def mean(psi: float) -> float:
        return sum(k * p for k, p in _noncentral(a, b, c, d, psi).items())

    def upper_tail(psi: float) -> float:  # P(A >= a), increasing in psi
        return sum(p for k, p in _noncentral(a, b, c, d, psi).items() if k >= a)

    def minus_lower_tail(psi: float) -> float:  # -P(A <= a), increasing in psi
        return -sum(p for k, p in _noncentral(a, b, c, d, psi).items() if k <= a)

    return (
        _bisect_log(mean, a),
        _bisect_log(upper_tail, 0.025),
        _bisect_log(minus_lower_tail, -0.025),
    )


# --- the independent reference values themselves -----------------------------------------------


def test_hand_fisher_p_of_the_reference_table() -> None:
    # margins: rows 10 and 10, first column 9, 20 sessions; C(20, 9) = 167960 tables.
    # k = 8 and k = 1 each have C(10,8)*C(10,1) = 450, k = 9 and k = 0 each C(10,9) = 10.
    assert math.comb(20, 9) == 167960
    assert hand_fisher_p(8, 2, 1, 9) == Fraction(450 + 450 + 10 + 10, 167960) == Fraction(23, 4199)
    assert round(float(hand_fisher_p(8, 2, 1, 9)), 6) == 0.005477
    assert float(fisher_exact([[8, 2], [1, 9]]).pvalue) == pytest.approx(float(Fraction(23, 4199)), rel=1e-12)


# --- associate -----------------------------------------------------------------------------------


def test_associate_reference_table() -> None:
    result = associate("blind edits", "unresolved_errors", pairs_of(8, 2, 1, 9))
    assert (result.habit, result.outcome) == ("blind edits", "unresolved_errors")
    assert (result.with_bad, result.with_good, result.without_bad, result.without_good) == (8, 2, 1, 9)
    assert result.p_value == pytest.approx(float(Fraction(23, 4199)), rel=1e-12)
    assert result.p_value == pytest.approx(0.005477, abs=5e-7)
    assert result.rate_with == 0.8
    assert result.rate_without == 0.1
    assert result.risk_difference == pytest.approx(0.7, abs=1e-12)
    assert result.significant is True
    odds, low, high = hand_conditional_odds_ratio(8, 2, 1, 9)
    assert result.odds_ratio == pytest.approx(odds, rel=1e-6)
    assert result.odds_ratio == pytest.approx(27.3268, abs=1e-4)
    assert result.odds_ratio != 36.0  # the conditional MLE, not the sample odds ratio 8*9 / (2*1)
    assert result.odds_ratio_ci is not None
    assert result.odds_ratio_ci[0] == pytest.approx(low, rel=1e-5)
    assert result.odds_ratio_ci[1] == pytest.approx(high, rel=1e-5)
    assert result.odds_ratio_ci == pytest.approx((2.05797, 1766.95), rel=1e-5)


def test_associate_to_json() -> None:
    assert associate("blind edits", "unresolved_errors", pairs_of(8, 2, 1, 9)).to_json() == {
        "habit": "blind edits",
        "outcome": "unresolved_errors",
        "table": {"with_habit": {"bad": 8, "good": 2}, "without_habit": {"bad": 1, "good": 9}},
        "rate_with_habit": 0.8,
        "rate_without_habit": 0.1,
        "p_value": 0.005477,
        "odds_ratio": 27.3268,
        "odds_ratio_ci95": [2.058, 1766.9504],
        "risk_difference": 0.7,
        "significant": True,
        "strata": 1,
    }


def test_associate_pair_order_does_not_matter() -> None:
    pairs = pairs_of(8, 2, 1, 9)
    assert associate("h", "o", pairs) == associate("h", "o", list(reversed(pairs)))


@pytest.mark.parametrize(
    ("a", "b", "c", "d", "rates"),
    [(3, 0, 0, 0, (1.0, None)), (0, 0, 2, 5, (None, 2 / 7))],
)
def test_associate_with_an_empty_row_has_no_statistics(
    a: int, b: int, c: int, d: int, rates: tuple[float | None, float | None]
) -> None:
    result = associate("h", "o", pairs_of(a, b, c, d))
    assert (result.with_bad, result.with_good, result.without_bad, result.without_good) == (a, b, c, d)
    assert (result.p_value, result.odds_ratio, result.odds_ratio_ci, result.risk_difference) == (None, None, None, None)
    assert (result.rate_with, result.rate_without) == rates
    assert result.significant is False


def test_associate_with_an_empty_row_to_json() -> None:
    assert associate("h", "o", pairs_of(3, 0, 0, 0)).to_json() == {
        "habit": "h",
        "outcome": "o",
        "table": {"with_habit": {"bad": 3, "good": 0}, "without_habit": {"bad": 0, "good": 0}},
        "rate_with_habit": 1.0,
        "rate_without_habit": None,
        "p_value": None,
        "odds_ratio": None,
        "odds_ratio_ci95": None,
        "risk_difference": None,
        "significant": False,
        "strata": 1,
    }


def test_associate_without_pairs() -> None:
    assert associate("h", "o", []) == Association("h", "o", 0, 0, 0, 0, None, None, None, None)


def test_associate_without_any_bad_outcome() -> None:
    result = associate("h", "o", pairs_of(0, 3, 0, 2))
    assert result.p_value == 1.0
    assert result.odds_ratio is not None and math.isnan(result.odds_ratio)
    assert result.risk_difference == 0.0
    as_json = result.to_json()
    assert (as_json["p_value"], as_json["odds_ratio"], as_json["risk_difference"], as_json["significant"]) == (
        1.0,
        None,
        0.0,
        False,
    )


def test_associate_negative_association() -> None:
    # the mirror image of the reference table: same p-value, odds ratio inverted, risk difference negated
    result = associate("h", "o", pairs_of(1, 9, 8, 2))
    assert result.p_value == pytest.approx(float(Fraction(23, 4199)), rel=1e-12)
    assert result.odds_ratio == pytest.approx(1 / 27.326807509325075, rel=1e-6)
    assert result.risk_difference == pytest.approx(-0.7, abs=1e-12)
    assert result.significant is True


def test_associate_not_significant_at_p_above_005() -> None:
    result = associate("h", "o", pairs_of(2, 0, 0, 2))
    assert result.p_value == pytest.approx(1 / 3, rel=1e-12)
    assert float(hand_fisher_p(2, 0, 0, 2)) == pytest.approx(1 / 3, rel=1e-12)
    assert result.risk_difference == 1.0
    assert result.significant is False


# --- habit_outcome_stats -------------------------------------------------------------------------


def facts(
    session_id: str,
    compliance: float | None,
    rules: dict[str, str],
    blind_edits: int,
    search_loops: int,
    unresolved_errors: int,
    tests_failing_at_end: bool | None,
    corrections_in_session: int,
    corrections_next_session: bool | None,
    reverted_changes: int,
) -> SessionFacts:
    return SessionFacts(
        session_id=session_id,
        compliance=compliance,
        rules=rules,
        blind_edits=blind_edits,
        search_loops=search_loops,
        unresolved_errors=unresolved_errors,
        tests_failing_at_end=tests_failing_at_end,
        corrections_in_session=corrections_in_session,
        corrections_next_session=corrections_next_session,
        reverted_changes=reverted_changes,
    )


# Habits (T has it, F has not, - left out):
#          not fully compliant  blind edits  search loops  violates r1  violates r2  violates r3
#   s1     F                    F            F             F            F            T
#   s2     T                    T            F             T            - (n/a)      -
#   s3     - (None)             F            T             T            -            -
#   s4     T                    T            T             -            T            -
#   s5     F                    F            F             F            T            -
# Bad outcomes (T bad, F good, - left out):
#          unresolved  tests failing  corrections  reverted  any
#   s1     F           F              F            F         F
#   s2     T           T              F (next None) F        T
#   s3     F           - (None)       T (in)       F         T
#   s4     F           F              T (next)     T         T
#   s5     F           - (None)       F            F         F
FACTS = [
    facts("s1", 1.0, {"r1": "satisfied", "r2": "satisfied", "r3": "violated"}, 0, 0, 0, False, 0, False, 0),
    facts("s2", 0.5, {"r1": "violated", "r2": "not_applicable"}, 2, 0, 1, True, 0, None, 0),
    facts("s3", None, {"r1": "violated"}, 0, 1, 0, None, 1, False, 0),
    facts("s4", 0.75, {"r2": "violated"}, 1, 3, 0, False, 0, True, 2),
    facts("s5", 1.0, {"r1": "satisfied", "r2": "violated"}, 0, 0, 0, None, 0, None, 0),
]

EXPECTED_TABLES: dict[tuple[str, str], Table] = {
    ("not fully compliant", "unresolved_errors"): (1, 1, 0, 2),
    ("not fully compliant", "tests_failing_at_end"): (1, 1, 0, 1),
    ("not fully compliant", "corrections_needed"): (1, 1, 0, 2),
    ("not fully compliant", "reverted_changes"): (1, 1, 0, 2),
    ("not fully compliant", "any_bad_outcome"): (2, 0, 0, 2),
    ("blind edits", "unresolved_errors"): (1, 1, 0, 3),
    ("blind edits", "tests_failing_at_end"): (1, 1, 0, 1),
    ("blind edits", "corrections_needed"): (1, 1, 1, 2),
    ("blind edits", "reverted_changes"): (1, 1, 0, 3),
    ("blind edits", "any_bad_outcome"): (2, 0, 1, 2),
    ("search loops", "unresolved_errors"): (0, 2, 1, 2),
    ("search loops", "tests_failing_at_end"): (0, 1, 1, 1),
    ("search loops", "corrections_needed"): (2, 0, 0, 3),
    ("search loops", "reverted_changes"): (1, 1, 0, 3),
    ("search loops", "any_bad_outcome"): (2, 0, 1, 2),
    ("violates r1", "unresolved_errors"): (1, 1, 0, 2),
    ("violates r1", "tests_failing_at_end"): (1, 0, 0, 1),
    ("violates r1", "corrections_needed"): (1, 1, 0, 2),
    ("violates r1", "reverted_changes"): (0, 2, 0, 2),
    ("violates r1", "any_bad_outcome"): (2, 0, 0, 2),
    ("violates r2", "unresolved_errors"): (0, 2, 0, 1),
    ("violates r2", "tests_failing_at_end"): (0, 1, 0, 1),
    ("violates r2", "corrections_needed"): (1, 1, 0, 1),
    ("violates r2", "reverted_changes"): (1, 1, 0, 1),
    ("violates r2", "any_bad_outcome"): (1, 1, 0, 1),
    ("violates r3", "unresolved_errors"): (0, 1, 0, 0),
    ("violates r3", "tests_failing_at_end"): (0, 1, 0, 0),
    ("violates r3", "corrections_needed"): (0, 1, 0, 0),
    ("violates r3", "reverted_changes"): (0, 1, 0, 0),
    ("violates r3", "any_bad_outcome"): (0, 1, 0, 0),
}


def test_habits_include_fixed_habits_and_every_rule_seen() -> None:
    assert list(habits(FACTS)) == [
        "not fully compliant",
        "blind edits",
        "search loops",
        "violates r1",
        "violates r2",
        "violates r3",
    ]
    assert list(habits([])) == ["not fully compliant", "blind edits", "search loops"]


def test_habit_values_per_session() -> None:
    found = habits(FACTS)
    assert {name: [has(f) for f in FACTS] for name, has in found.items()} == {
        "not fully compliant": [False, True, None, True, False],
        "blind edits": [False, True, False, True, False],
        "search loops": [False, False, True, True, False],
        "violates r1": [False, True, True, None, False],
        "violates r2": [False, None, None, True, True],
        "violates r3": [True, None, None, None, None],
    }


def test_outcome_values_per_session() -> None:
    assert {name: [f.outcome(name) for f in FACTS] for name in OUTCOMES} == {
        "unresolved_errors": [False, True, False, False, False],
        "tests_failing_at_end": [False, True, None, False, None],
        "corrections_needed": [False, False, True, True, False],
        "reverted_changes": [False, False, False, True, False],
        "any_bad_outcome": [False, True, True, True, False],
    }
    with pytest.raises(KeyError):
        FACTS[0].outcome("no such outcome")


def test_any_bad_outcome_combines_each_outcome() -> None:
    good = facts("g", 1.0, {}, 0, 0, 0, False, 0, False, 0)
    assert good.outcome("any_bad_outcome") is False
    assert facts("u", 1.0, {}, 0, 0, 2, None, 0, None, 0).outcome("any_bad_outcome") is True
    assert facts("t", 1.0, {}, 0, 0, 0, True, 0, None, 0).outcome("any_bad_outcome") is True
    assert facts("c", 1.0, {}, 0, 0, 0, None, 1, None, 0).outcome("any_bad_outcome") is True
    assert facts("n", 1.0, {}, 0, 0, 0, None, 0, True, 0).outcome("any_bad_outcome") is True
    assert facts("r", 1.0, {}, 0, 0, 0, None, 0, None, 1).outcome("any_bad_outcome") is True
    # habits and unknown tests leave any_bad_outcome good
    assert facts("h", 0.2, {"r1": "violated"}, 5, 5, 0, None, 0, None, 0).outcome("any_bad_outcome") is False


def test_habit_outcome_stats_tables() -> None:
    results = habit_outcome_stats(FACTS)
    assert len(results) == 30
    tables = {(r.habit, r.outcome): (r.with_bad, r.with_good, r.without_bad, r.without_good) for r in results}
    assert tables == EXPECTED_TABLES


def test_sessions_left_out_of_a_habit_or_outcome_table() -> None:
    by_key = {(r.habit, r.outcome): r for r in habit_outcome_stats(FACTS)}

    def total(habit: str, outcome: str) -> int:
        r = by_key[(habit, outcome)]
        return r.with_bad + r.with_good + r.without_bad + r.without_good

    assert total("blind edits", "unresolved_errors") == 5  # nobody left out
    assert total("not fully compliant", "unresolved_errors") == 4  # s3: compliance None
    assert total("violates r1", "unresolved_errors") == 4  # s4: r1 not seen
    assert total("violates r2", "unresolved_errors") == 3  # s2: not applicable, s3: not seen
    assert total("blind edits", "tests_failing_at_end") == 3  # s3, s5: no tests
    assert total("violates r2", "tests_failing_at_end") == 2  # both of the above
    assert total("violates r3", "any_bad_outcome") == 1


def test_habit_outcome_stats_p_values_match_hand_computation() -> None:
    for r in habit_outcome_stats(FACTS):
        if r.without_bad + r.without_good == 0:
            assert r.p_value is None
        else:
            expected = float(hand_fisher_p(r.with_bad, r.with_good, r.without_bad, r.without_good))
            assert r.p_value == pytest.approx(expected, rel=1e-9), (r.habit, r.outcome)


def test_habit_outcome_stats_sorted_by_p_value_with_none_last() -> None:
    results = habit_outcome_stats(FACTS)
    head = [(r.habit, r.outcome, round(r.p_value, 6) if r.p_value is not None else None) for r in results[:8]]
    assert head == [
        ("search loops", "corrections_needed", 0.1),  # (2, 0, 0, 3): 1 / C(5, 2)
        ("not fully compliant", "any_bad_outcome", 0.333333),  # (2, 0, 0, 2): 2 / C(4, 2)
        ("violates r1", "any_bad_outcome", 0.333333),
        ("blind edits", "any_bad_outcome", 0.4),  # (2, 0, 1, 2): (3 + 1) / C(5, 2)
        ("blind edits", "reverted_changes", 0.4),  # (1, 1, 0, 3): C(3, 1) * 2 / C(5, 2)
        ("blind edits", "unresolved_errors", 0.4),
        ("search loops", "any_bad_outcome", 0.4),
        ("search loops", "reverted_changes", 0.4),
    ]
    assert all(r.p_value == pytest.approx(1.0, abs=1e-12) for r in results[8:-5])
    tail = [(r.habit, r.outcome, r.p_value) for r in results[-5:]]
    assert tail == [
        ("violates r3", "any_bad_outcome", None),
        ("violates r3", "corrections_needed", None),
        ("violates r3", "reverted_changes", None),
        ("violates r3", "tests_failing_at_end", None),
        ("violates r3", "unresolved_errors", None),
    ]
    p_values = [r.p_value for r in results[:-5]]
    assert all(p is not None for p in p_values)
    assert p_values == sorted(p_values)  # type: ignore[type-var]
    assert [r.significant for r in results] == [False] * 30


def test_habit_outcome_stats_to_json_shape() -> None:
    by_key = {(r.habit, r.outcome): r for r in habit_outcome_stats(FACTS)}
    assert by_key[("search loops", "corrections_needed")].to_json() == {
        "habit": "search loops",
        "outcome": "corrections_needed",
        "table": {"with_habit": {"bad": 2, "good": 0}, "without_habit": {"bad": 0, "good": 3}},
        "rate_with_habit": 1.0,
        "rate_without_habit": 0.0,
        "p_value": 0.1,
        "odds_ratio": math.inf,
        "odds_ratio_ci95": [0.3647, math.inf],
        "risk_difference": 1.0,
        "significant": False,
        "strata": 1,
    }
    low = by_key[("search loops", "corrections_needed")].odds_ratio_ci
    assert low is not None and low[0] == pytest.approx(hand_conditional_odds_ratio(2, 0, 0, 3)[1], rel=1e-5)
    assert by_key[("violates r3", "reverted_changes")].to_json() == {
        "habit": "violates r3",
        "outcome": "reverted_changes",
        "table": {"with_habit": {"bad": 0, "good": 1}, "without_habit": {"bad": 0, "good": 0}},
        "rate_with_habit": 0.0,
        "rate_without_habit": None,
        "p_value": None,
        "odds_ratio": None,
        "odds_ratio_ci95": None,
        "risk_difference": None,
        "significant": False,
        "strata": 1,
    }


def test_habit_outcome_stats_strong_association() -> None:
    # ten sessions with blind edits, eight of them with errors left unresolved; ten without, one
    many = [facts(f"w{i}", 1.0, {}, 1, 0, int(i < 8), None, 0, None, 0) for i in range(10)]
    many += [facts(f"o{i}", 1.0, {}, 0, 0, int(i < 1), None, 0, None, 0) for i in range(10)]
    results = habit_outcome_stats(many)
    first = results[0]
    assert (first.habit, first.outcome) == ("blind edits", "any_bad_outcome")
    assert (first.with_bad, first.with_good, first.without_bad, first.without_good) == (8, 2, 1, 9)
    second = results[1]
    assert (second.habit, second.outcome) == ("blind edits", "unresolved_errors")
    assert second.to_json() == first.to_json() | {"outcome": "unresolved_errors"}
    assert first.p_value == pytest.approx(float(Fraction(23, 4199)), rel=1e-12)
    # no bad outcome but unresolved errors: p = 1; compliant and without search loops: an empty row
    assert [(r.habit, r.outcome, r.p_value) for r in results[2:]] == [
        ("blind edits", "corrections_needed", 1.0),
        ("blind edits", "reverted_changes", 1.0),
        ("blind edits", "tests_failing_at_end", None),
        ("not fully compliant", "any_bad_outcome", None),
        ("not fully compliant", "corrections_needed", None),
        ("not fully compliant", "reverted_changes", None),
        ("not fully compliant", "tests_failing_at_end", None),
        ("not fully compliant", "unresolved_errors", None),
        ("search loops", "any_bad_outcome", None),
        ("search loops", "corrections_needed", None),
        ("search loops", "reverted_changes", None),
        ("search loops", "tests_failing_at_end", None),
        ("search loops", "unresolved_errors", None),
    ]
    # no session ran tests: that outcome's tables are empty
    tests_table = next(r for r in results if (r.habit, r.outcome) == ("blind edits", "tests_failing_at_end"))
    assert (tests_table.with_bad, tests_table.with_good, tests_table.without_bad, tests_table.without_good) == (
        0,
        0,
        0,
        0,
    )


def test_a_tiny_p_value_keeps_its_figures_in_json() -> None:
    """It was rounded to 6 decimals: the dashboard showed p 0 where the CLI said 2.85e-31."""
    tiny = Association("blind_edit", "unresolved_error", 40, 2, 1, 60, 2.851234e-31, 144.0, (30.0, 700.0), 0.9)
    assert tiny.to_json()["p_value"] == 2.851e-31
    plain = Association("blind_edit", "unresolved_error", 4, 2, 1, 6, 0.0432187, 2.0, (1.0, 4.0), 0.1)
    assert plain.to_json()["p_value"] == 0.04322
