"""Which habits go with bad outcomes: 2x2 tables, Fisher's exact test and effect sizes.

A habit is an exposure a session has or not: not fully compliant (compliance < 1), each workflow
rule violated (against satisfied; sessions where it does not apply are left out), and blind
edits / search loops present. An outcome is a bad ending a session has or not (see
analyze/outcomes.py). For every habit and outcome: the counts, the outcome's rate with and
without the habit, Fisher's exact test (two-sided) p-value, the conditional maximum-likelihood
odds ratio with its 95% confidence interval, and the risk difference. scipy computes the tests.

Like with like (issue 26): sessions with no typed prompt and no tool call (an agent opened and
left) are in neither group, and sessions are compared within strata of their number of tool calls
(SIZE_STRATA): a habit such as blind edits needs edits, so its sessions are longer than the rest,
and long sessions end with errors more often whatever the habit. With one stratum the figures are
those of the one 2x2 table; with several, the table shown sums the strata, the p-value is the
exact stratified test (the exact conditional distribution of the with-habit bad count given every
stratum's margins: the convolution of their hypergeometric distributions, two-sided as Fisher's;
with one stratum it is Fisher's exact test), the odds ratio the Mantel-Haenszel estimate with the
Robins-Breslow-Greenland 95% interval, and the risk difference the Mantel-Haenszel weighted one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lessonloop.core.rates import rate, rounded

OUTCOMES: dict[str, str] = {
    "unresolved_errors": "errors left unresolved at the end",
    "tests_failing_at_end": "tests failing at the end (sessions that ran tests)",
    "corrections_needed": "corrections needed, in the session or at the start of the next one",
    "reverted_changes": "changes rolled back: reverted later in the session, or a commit of it undone by a later commit",
    "any_bad_outcome": "any of the above",
}


# Upper bounds of the strata of sessions by number of tool calls: 0, 1-2, 3-5, 6-10, ... 201 and more.
SIZE_STRATA = (0, 2, 5, 10, 20, 50, 100, 200)


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What the statistics need of one analyzed session."""

    session_id: str
    compliance: float | None
    rules: Mapping[str, str]  # rule id -> satisfied | violated | not_applicable
    blind_edits: int
    search_loops: int
    unresolved_errors: int
    tests_failing_at_end: bool | None
    corrections_in_session: int
    corrections_next_session: bool | None
    reverted_changes: int
    rolled_back_commits: int = 0  # its commits a later commit undid (git links, docs/git.md)
    tool_calls: int | None = None  # None: not known (never left out, its own stratum)
    typed_prompts: int | None = None

    @property
    def empty(self) -> bool:
        """No typed prompt and no tool call: nothing to compare."""
        return self.tool_calls == 0 and self.typed_prompts == 0

    @property
    def stratum(self) -> int:
        """The index of the SIZE_STRATA bound its number of tool calls is at most (-1: unknown)."""
        if self.tool_calls is None:
            return -1
        return next((i for i, bound in enumerate(SIZE_STRATA) if self.tool_calls <= bound), len(SIZE_STRATA))

    def outcome(self, name: str) -> bool | None:
        if name == "unresolved_errors":
            return self.unresolved_errors > 0
        if name == "tests_failing_at_end":
            return self.tests_failing_at_end
        if name == "corrections_needed":
            return self.corrections_in_session > 0 or bool(self.corrections_next_session)
        if name == "reverted_changes":
            return self.reverted_changes > 0 or self.rolled_back_commits > 0
        if name == "any_bad_outcome":
            return any(self.outcome(n) for n in OUTCOMES if n != "any_bad_outcome")
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Association:
    """One habit against one outcome."""

    habit: str
    outcome: str
    with_bad: int  # sessions with the habit and the bad outcome
    with_good: int
    without_bad: int
    without_good: int
    p_value: float | None
    odds_ratio: float | None
    odds_ratio_ci: tuple[float, float] | None
    risk_difference: float | None
    strata: int = 1  # strata that compared sessions with and without the habit

    @property
    def rate_with(self) -> float | None:
        return rate(self.with_bad, self.with_bad + self.with_good)

    @property
    def rate_without(self) -> float | None:
        return rate(self.without_bad, self.without_bad + self.without_good)

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < 0.05

    def to_json(self) -> dict[str, Any]:
        return {
            "habit": self.habit,
            "outcome": self.outcome,
            "table": {
                "with_habit": {"bad": self.with_bad, "good": self.with_good},
                "without_habit": {"bad": self.without_bad, "good": self.without_good},
            },
            "rate_with_habit": rounded(self.rate_with),
            "rate_without_habit": rounded(self.rate_without),
            "p_value": None if self.p_value is None else float(f"{self.p_value:.4g}"),  # 2.85e-31 stays itself
            "odds_ratio": rounded(self.odds_ratio),
            "odds_ratio_ci95": [rounded(v) for v in self.odds_ratio_ci] if self.odds_ratio_ci else None,
            "risk_difference": rounded(self.risk_difference),
            "significant": self.significant,
            "strata": self.strata,
        }


def habits(facts: Sequence[SessionFacts]) -> dict[str, Callable[[SessionFacts], bool | None]]:
    """Each habit's name and how to tell whether a session has it (None: leave the session out)."""
    found: dict[str, Callable[[SessionFacts], bool | None]] = {
        "not fully compliant": lambda f: None if f.compliance is None else f.compliance < 1.0,
        "blind edits": lambda f: f.blind_edits > 0,
        "search loops": lambda f: f.search_loops > 0,
    }
    rule_ids = sorted({rule for f in facts for rule in f.rules})
    for rule in rule_ids:
        found[f"violates {rule}"] = _rule_habit(rule)
    return found


def _rule_habit(rule: str) -> Callable[[SessionFacts], bool | None]:
    def has(f: SessionFacts) -> bool | None:
        status = f.rules.get(rule)
        return None if status in (None, "not_applicable") else status == "violated"

    return has


def associate(habit: str, outcome: str, pairs: Sequence[tuple[bool, bool]]) -> Association:
    """The 2x2 table of (has habit, bad outcome) pairs and its statistics."""
    a = sum(1 for h, o in pairs if h and o)
    b = sum(1 for h, o in pairs if h and not o)
    c = sum(1 for h, o in pairs if not h and o)
    d = sum(1 for h, o in pairs if not h and not o)
    p_value = odds = None
    ci = None
    risk_difference = None
    if (a + b) and (c + d):
        from scipy.stats import fisher_exact
        from scipy.stats.contingency import odds_ratio

        table = [[a, b], [c, d]]
        p_value = float(fisher_exact(table).pvalue)
        result = odds_ratio(table, kind="conditional")
        odds = float(result.statistic)
        low, high = result.confidence_interval(confidence_level=0.95)
        ci = (float(low), float(high))
        risk_difference = a / (a + b) - c / (c + d)
    return Association(habit, outcome, a, b, c, d, p_value, odds, ci, risk_difference)


def associate_stratified(habit: str, outcome: str, strata: Sequence[Sequence[tuple[bool, bool]]]) -> Association:
    """The (has habit, bad outcome) pairs of each stratum compared within it (module docstring).
    Strata with sessions on one side only compare nothing and are left out."""
    if len(strata) <= 1:
        return associate(habit, outcome, strata[0] if strata else [])
    informative = [pairs for pairs in strata if any(h for h, _ in pairs) and any(not h for h, _ in pairs)]
    if not informative:  # the sessions with the habit and those without are of different sizes
        a, b, c, d = _table([pair for pairs in strata for pair in pairs])
        return Association(habit, outcome, a, b, c, d, None, None, None, None, 0)
    if len(informative) == 1:
        return associate(habit, outcome, informative[0])
    tables = [_table(pairs) for pairs in informative]
    a, b, c, d = (sum(t[i] for t in tables) for i in range(4))
    p_value = _exact_stratified_p(tables)
    odds, ci = _mantel_haenszel(tables)
    weights = [(t[0] + t[1]) * (t[2] + t[3]) / sum(t) for t in tables]
    risk_difference = sum(
        w * (t[0] / (t[0] + t[1]) - t[2] / (t[2] + t[3])) for w, t in zip(weights, tables, strict=True)
    ) / sum(weights)
    return Association(habit, outcome, a, b, c, d, p_value, odds, ci, risk_difference, len(tables))


def _table(pairs: Sequence[tuple[bool, bool]]) -> tuple[int, int, int, int]:
    a = sum(1 for h, o in pairs if h and o)
    b = sum(1 for h, o in pairs if h and not o)
    c = sum(1 for h, o in pairs if not h and o)
    return a, b, c, len(pairs) - a - b - c


def _exact_stratified_p(tables: Sequence[tuple[int, int, int, int]]) -> float:
    """Two-sided p of the observed sum of `a` given each table's margins (Fisher's rule: the
    probability of every sum no more likely than the observed one)."""
    import numpy as np
    from scipy.stats import hypergeom

    total = np.array([1.0])
    low = 0
    for a, b, c, d in tables:
        n, exposed, bad = a + b + c + d, a + b, a + c
        first, last = max(0, exposed + bad - n), min(exposed, bad)
        pmf = hypergeom.pmf(np.arange(first, last + 1), n, bad, exposed)
        total = np.convolve(total, pmf)
        low += first
    observed = total[sum(t[0] for t in tables) - low]
    return float(min(1.0, total[total <= observed * (1 + 1e-7)].sum()))


def _mantel_haenszel(
    tables: Sequence[tuple[int, int, int, int]],
) -> tuple[float | None, tuple[float, float] | None]:
    """The Mantel-Haenszel odds ratio and its Robins-Breslow-Greenland 95% interval."""
    r = [a * d / (a + b + c + d) for a, b, c, d in tables]
    s = [b * c / (a + b + c + d) for a, b, c, d in tables]
    p = [(a + d) / (a + b + c + d) for a, b, c, d in tables]
    q = [(b + c) / (a + b + c + d) for a, b, c, d in tables]
    sr, ss = sum(r), sum(s)
    if sr == 0 and ss == 0:
        return None, None
    if ss == 0:
        return math.inf, None
    if sr == 0:
        return 0.0, None
    odds = sr / ss
    variance = (
        sum(pi * ri for pi, ri in zip(p, r, strict=True)) / (2 * sr * sr)
        + sum(pi * si + qi * ri for pi, qi, ri, si in zip(p, q, r, s, strict=True)) / (2 * sr * ss)
        + sum(qi * si for qi, si in zip(q, s, strict=True)) / (2 * ss * ss)
    )
    spread = 1.959964 * math.sqrt(variance)
    return odds, (math.exp(math.log(odds) - spread), math.exp(math.log(odds) + spread))


def habit_outcome_stats(facts: Sequence[SessionFacts]) -> list[Association]:
    """Every habit against every outcome, strongest evidence (smallest p) first; empty sessions
    left out, the others compared within their size stratum (module docstring)."""
    compared = [f for f in facts if not f.empty]
    results: list[Association] = []
    for habit, has in habits(compared).items():
        for outcome in OUTCOMES:
            strata: dict[int, list[tuple[bool, bool]]] = {}
            for f in compared:
                exposed, bad = has(f), f.outcome(outcome)
                if exposed is not None and bad is not None:
                    strata.setdefault(f.stratum, []).append((exposed, bad))
            results.append(associate_stratified(habit, outcome, [strata[k] for k in sorted(strata)]))
    results.sort(key=lambda r: (r.p_value is None, r.p_value if r.p_value is not None else 1.0, r.habit, r.outcome))
    return results
