"""Lessons that know their own precision (issue 15, item 3): every warning is followed up (the
warned call failed with the lesson's error: right; it succeeded without the prevention: a false
alarm), and a lesson's confidence and tier fall with its false alarms (lesson_model/confidence
.precision_bound, Lesson.recount, Learner._count)."""

from __future__ import annotations

from lessonloop.learn.engine import Learner
from lessonloop.lesson_model.confidence import ACTIVE_BELOW, PRECISION_PRIOR, precision_bound
from tests.learning_helpers import Script, no_upstream, play


def push_lesson(learner: Learner, script: Script) -> str:
    s = script.session("s0", branch="feat-0")
    play(learner, s.bash("git push", error=no_upstream("feat-0"), error_class="MISSING_PREREQUISITE"))
    play(learner, s.bash("git push -u origin feat-0"))
    (signature,) = learner.lessons
    return signature


def test_precision_bound_falls_with_false_alarms_and_rises_with_right_warnings() -> None:
    values = [precision_bound(0, n) for n in range(12)]
    assert values == sorted(values, reverse=True)
    assert precision_bound(0, 0) > ACTIVE_BELOW  # a new lesson's first warnings are trusted
    assert precision_bound(0, 10) < ACTIVE_BELOW  # ten false alarms and nothing right: too noisy
    assert precision_bound(5, 10) > precision_bound(0, 10)
    assert PRECISION_PRIOR >= 1


def test_every_warning_is_followed_up() -> None:
    learner = Learner()
    script = Script()
    signature = push_lesson(learner, script)
    lesson = learner.lessons[signature]
    s1 = script.session("s1", branch="feat-1")
    right = play(learner, s1.bash("git push", error=no_upstream("feat-1"), error_class="MISSING_PREREQUISITE"))
    assert right.warned
    s2 = script.session("s2", branch="feat-2")
    wrong = play(learner, s2.bash("git push"))  # went through without --set-upstream: a false alarm
    assert wrong.warned
    assert (lesson.warnings, lesson.warned_right, lesson.false_alarms) == (2, 1, 1)


def test_a_lesson_whose_warnings_keep_being_false_alarms_stops_warning() -> None:
    learner = Learner()
    script = Script()
    signature = push_lesson(learner, script)
    lesson = learner.lessons[signature]
    s = script.session("s1", branch="feat-1")
    warned = 0
    for _ in range(15):
        if play(learner, s.bash("git push")).warned:
            warned += 1
    assert lesson.false_alarms == warned
    assert 0 < warned < 15  # it warned at first, then its false alarms took it below the warning tiers
    assert lesson.tier == "candidate"
    assert lesson.base_confidence <= precision_bound(0, lesson.false_alarms)


def test_a_lesson_proven_by_its_warnings_is_not_demoted_by_one_clean_session() -> None:
    """One failing and one clean session alone demote a lesson (Wilson 0.12); warnings that were
    right keep it at least at their precision (DIALYZER in spotter: right 4 times, then 3 false
    alarms in another session, still warned a 5th rejection)."""
    dialyzer = "Pre-commit validation failed:\\n\\n[DIALYZER]\\nTotal errors: 1"
    commit = "git add -A && git commit -m x"
    outcomes = {}
    for right in (0, 3):
        learner = Learner()
        script = Script()
        s0 = script.session("s0")
        play(learner, s0.bash("mix credo --strict"))
        play(learner, s0.edit("lib/a.ex"))
        play(learner, s0.bash(commit, error=dialyzer, error_class="CHECK_FAILED"))  # learned here
        (signature,) = learner.lessons
        for _ in range(right):
            play(learner, s0.edit("lib/a.ex"))
            assert play(learner, s0.bash(commit, error=dialyzer, error_class="CHECK_FAILED")).warned
        learner.end_session("s0")
        s1 = script.session("s1")
        play(learner, s1.edit("lib/b.ex"))
        assert play(learner, s1.bash(commit)).warned  # went through without mix dialyzer: a false alarm
        learner.end_session("s1")
        lesson = learner.lessons[signature]
        assert (lesson.warned_right, lesson.false_alarms, lesson.failed_sessions, lesson.sessions) == (right, 1, 1, 2)
        outcomes[right] = lesson.tier
    assert outcomes == {0: "candidate", 3: "active"}
