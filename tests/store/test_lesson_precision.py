"""Lessons that know their own precision (issue 15, item 3): every warning is followed up (the
warned call failed with the lesson's error: right; it succeeded without the prevention: a false
alarm), and a lesson's confidence and tier fall with its false alarms (lesson_model/confidence
.precision_bound, Lesson.recount, Learner._count); right warnings never raise it (its sessions do).
The learners here only warn (Policy(stop=False), as `hooks install --warn-only`): a warned call runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from lessonloop.learning.engine.engine import Learner, Policy
from lessonloop.lesson_model.confidence import ACTIVE_BELOW, PRECISION_PRIOR, precision_bound, wilson_lower_bound
from tests.learning_helpers import Script, no_upstream, play


def push_lesson(learner: Learner, script: Script) -> str:
    """The push lesson, learned from the same mistake in two sessions (s0a, s0b): active. Its
    note in s0b (a one-off's, lesson_model/decision.py) was right: one right warning."""
    for session_id in ("s0a", "s0b"):
        s = script.session(session_id, branch="feat-0")
        play(learner, s.bash("git push", error=no_upstream("feat-0"), error_class="MISSING_PREREQUISITE"))
        play(learner, s.bash("git push -u origin feat-0"))
        learner.end_session(session_id)
    (signature,) = learner.lessons
    assert learner.lessons[signature].tier == "active"
    return signature


def test_precision_bound_falls_with_false_alarms_and_rises_with_right_warnings() -> None:
    values = [precision_bound(0, n) for n in range(12)]
    assert values == sorted(values, reverse=True)
    assert precision_bound(0, 0) > ACTIVE_BELOW  # a new lesson's first warnings are trusted
    assert precision_bound(0, 10) < ACTIVE_BELOW  # ten false alarms and nothing right: too noisy
    assert precision_bound(5, 10) > precision_bound(0, 10)
    assert PRECISION_PRIOR >= 1


def test_every_warning_is_followed_up() -> None:
    learner = Learner(Policy(stop=False))
    script = Script()
    signature = push_lesson(learner, script)
    lesson = learner.lessons[signature]
    s1 = script.session("s1", branch="feat-1")
    right = play(learner, s1.bash("git push", error=no_upstream("feat-1"), error_class="MISSING_PREREQUISITE"))
    assert right.warned
    s2 = script.session("s2", branch="feat-2")
    wrong = play(learner, s2.bash("git push"))  # went through without --set-upstream: a false alarm
    assert wrong.warned
    assert (lesson.warnings, lesson.warned_right, lesson.false_alarms) == (3, 2, 1)  # (s0b's note too)


def test_a_lesson_whose_warnings_keep_being_false_alarms_stops_warning() -> None:
    learner = Learner(Policy(stop=False))
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
    assert lesson.warned_right == 1  # the one-off's note in s0b
    assert lesson.base_confidence <= precision_bound(1, lesson.false_alarms)


def test_right_warnings_do_not_raise_a_lesson_its_sessions_decide() -> None:
    """A lesson's confidence counts sessions, never calls: warnings that were right in one failing
    session are retries of one mistake, so they do not raise the lesson above its sessions' Wilson
    bound (Lesson.recount once lifted a lesson to its right warnings' precision). Two failing
    sessions and one clean one: 0.25 with one right warning (the one-off's note in s1) or four
    (the false alarm's cap is above it either way), and the lesson stays active (demoted below
    0.15 only)."""
    dialyzer = "Pre-commit validation failed:\\n\\n[DIALYZER]\\nTotal errors: 1"
    commit = "git add -A && git commit -m x"
    outcomes = {}
    for right in (0, 3):
        learner = Learner(Policy(stop=False))
        script = Script()
        s0 = script.session("s0")
        play(learner, s0.bash("mix credo --strict"))
        play(learner, s0.edit("lib/a.ex"))
        play(learner, s0.bash(commit, error=dialyzer, error_class="CHECK_FAILED"))  # learned here
        (signature,) = learner.lessons
        learner.end_session("s0")
        s1 = script.session("s1")
        play(learner, s1.edit("lib/a.ex"))
        note = play(learner, s1.bash(commit, error=dialyzer, error_class="CHECK_FAILED"))
        assert note.action == "warn"  # a one-off's note, right
        assert learner.lessons[signature].tier == "active"  # it failed in a second session
        for _ in range(right):
            play(learner, s1.edit("lib/a.ex"))
            assert play(learner, s1.bash(commit, error=dialyzer, error_class="CHECK_FAILED")).warned
        learner.end_session("s1")
        s2 = script.session("s2")
        play(learner, s2.edit("lib/b.ex"))
        assert play(learner, s2.bash(commit)).warned  # went through without mix dialyzer: a false alarm
        learner.end_session("s2")
        lesson = learner.lessons[signature]
        assert (lesson.warned_right, lesson.false_alarms, lesson.failed_sessions, lesson.sessions) == (
            right + 1,
            1,
            2,
            3,
        )
        assert precision_bound(right + 1, 1) > wilson_lower_bound(2, 3)  # the cap does not decide it here
        outcomes[right] = (round(lesson.base_confidence, 6), lesson.tier)
    assert outcomes == {r: (round(wilson_lower_bound(2, 3), 6), "active") for r in (0, 3)}


def test_the_hook_asks_only_as_far_as_the_lessons_precision_allows(tmp_path: Path) -> None:
    """The PreToolUse hook (a real process, `--ask`) reads the confidence learning stored, capped by
    the lesson's false alarms: a lesson that failed in 14 of 14 sessions (0.78 by sessions alone)
    asks; one whose warnings were twice false alarms (0.27) does not ask: it stops the call once
    (the hooks' default: this person's own lesson, 14 failing sessions, 0.27 >= decision.STOP_AT),
    and with `--warn-only` it only warns."""
    from lessonloop.store import open_store
    from lessonloop.store.lessons.writer import save_learned
    from tests.hook_helpers import HookSession, hook_env, run_hook

    project = tmp_path / "app"
    project.mkdir()
    outcomes = {}
    for false_alarms in (0, 2):
        learner = Learner()
        script = Script(datetime.now(UTC) - timedelta(minutes=5))  # seen now: no decay
        s = script.session("s0", project=str(project), cwd=str(project), branch="feat-0")
        play(learner, s.bash("git push", error=no_upstream("feat-0"), error_class="MISSING_PREREQUISITE"))
        play(learner, s.bash("git push -u origin feat-0"))
        (lesson,) = learner.lessons.values()
        lesson.session_failed = {f"s{i}": True for i in range(14)}
        lesson.false_alarms = false_alarms
        lesson.recount()
        assert lesson.tier in ("active", "core")
        db = tmp_path / f"store{false_alarms}" / "lessonloop.db"
        conn = open_store(db)
        try:
            save_learned(conn, [lesson], {}, script.tick())
        finally:
            conn.close()
        env = hook_env(db)
        for mode, options in (("stop", ("--ask",)), ("warn-only", ("--ask", "--warn-only"))):
            session = HookSession(project, env)  # a session of its own: no stop of the other's to go past
            payload = session.payload("PreToolUse", tool_name="Bash", tool_input={"command": "git push"})
            out = run_hook("PreToolUse", payload, env, *options)
            assert out.returncode == 0, out.stderr
            assert out.output is not None and "git push -u origin" in out.context
            outcomes[false_alarms, mode] = out.output["hookSpecificOutput"].get("permissionDecision")
    assert outcomes == {(0, "stop"): "ask", (0, "warn-only"): "ask", (2, "stop"): "deny", (2, "warn-only"): None}
