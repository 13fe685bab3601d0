"""A habit lesson claims harm only when the data shows it (issue 83, item 5): its confidence is the
lower bound of the difference between the sessions that broke the rule and those that kept it,
never the rate of the first group alone, and it is never critical."""

from __future__ import annotations

from lessonloop.learning.engine.batch_lessons import workflow_lessons
from lessonloop.learning.engine.habit_stats import SessionFacts
from lessonloop.lesson_model import confidence as conf


def _facts(broke_bad: int, broke: int, kept_bad: int, kept: int) -> list[SessionFacts]:
    facts = []
    for n in range(broke + kept):
        violated = n < broke
        bad = n < broke_bad if violated else n - broke < kept_bad
        facts.append(
            SessionFacts(
                session_id=f"s{n}",
                compliance=None,
                rules={"read-before-edit": "violated" if violated else "satisfied"},
                blind_edits=0,
                search_loops=0,
                unresolved_errors=1 if bad else 0,
                tests_failing_at_end=None,
                corrections_in_session=0,
                corrections_next_session=None,
                reverted_changes=0,
            )
        )
    return facts


def test_the_issues_case_teaches_nothing_the_sessions_that_kept_the_rule_did_as_badly() -> None:
    """23 of 29 sessions that broke read-before-edit ended with errors, against 67 of 100 that kept
    it: a lesson at 0.65, critical, before. The difference's lower bound is below 0."""
    assert conf.difference_lower_bound(23, 29, 67, 100) < 0
    (lesson,) = workflow_lessons(_facts(23, 29, 67, 100), {}, "/p")
    assert lesson.base_confidence == 0 and lesson.tier == "candidate"  # given to no agent, ranked last
    assert lesson.severity != "critical" and "not shown by the counts" in lesson.title
    assert workflow_lessons(_facts(10, 29, 67, 100), {}, "/p") == []  # no worse where it was broken


def test_a_credible_difference_teaches_a_lesson_no_more_confident_than_the_difference() -> None:
    (lesson,) = workflow_lessons(_facts(25, 29, 10, 100), {}, "/p")
    bound = conf.difference_lower_bound(25, 29, 10, 100)
    assert 0 < bound < conf.wilson_lower_bound(25, 29)
    assert lesson.base_confidence <= bound + 1e-6 and lesson.stored <= round(bound, 6) + 1e-6
    assert lesson.severity != "critical" and lesson.failed_sessions == 25  # 25 failing sessions: critical before
    assert "25 of 29" in lesson.body and "10 of 100" in lesson.body


def test_the_bounds() -> None:
    assert conf.wilson_upper_bound(0, 0) == 1.0
    assert conf.wilson_lower_bound(5, 10) < 0.5 < conf.wilson_upper_bound(5, 10)
    assert conf.difference_lower_bound(10, 10, 0, 10) > 0.5
    assert conf.difference_lower_bound(5, 10, 5, 10) < 0
    assert conf.difference_lower_bound(1, 1, 0, 0) == -1.0
