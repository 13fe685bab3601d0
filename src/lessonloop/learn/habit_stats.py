"""Which habits go with bad outcomes: 2x2 tables, Fisher's exact test and effect sizes.

A habit is an exposure a session has or not: not fully compliant (compliance < 1), each workflow
rule violated (against satisfied; sessions where it does not apply are left out), and blind
edits / search loops present. An outcome is a bad ending a session has or not (see
analyze/outcomes.py). For every habit and outcome: the counts, the outcome's rate with and
without the habit, Fisher's exact test (two-sided) p-value, the conditional maximum-likelihood
odds ratio with its 95% confidence interval, and the risk difference. scipy computes the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lessonloop.rates import rate, rounded

OUTCOMES: dict[str, str] = {
    "unresolved_errors": "errors left unresolved at the end",
    "tests_failing_at_end": "tests failing at the end (sessions that ran tests)",
    "corrections_needed": "corrections needed, in the session or at the start of the next one",
    "reverted_changes": "changes rolled back: reverted later in the session, or a commit of it undone by a later commit",
    "any_bad_outcome": "any of the above",
}


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
            "p_value": rounded(self.p_value, 6),
            "odds_ratio": rounded(self.odds_ratio),
            "odds_ratio_ci95": [rounded(v) for v in self.odds_ratio_ci] if self.odds_ratio_ci else None,
            "risk_difference": rounded(self.risk_difference),
            "significant": self.significant,
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


def habit_outcome_stats(facts: Sequence[SessionFacts]) -> list[Association]:
    """Every habit against every outcome, strongest evidence (smallest p) first."""
    results: list[Association] = []
    for habit, has in habits(facts).items():
        for outcome in OUTCOMES:
            pairs: list[tuple[bool, bool]] = []
            for f in facts:
                exposed, bad = has(f), f.outcome(outcome)
                if exposed is not None and bad is not None:
                    pairs.append((exposed, bad))
            results.append(associate(habit, outcome, pairs))
    results.sort(key=lambda r: (r.p_value is None, r.p_value if r.p_value is not None else 1.0, r.habit, r.outcome))
    return results
