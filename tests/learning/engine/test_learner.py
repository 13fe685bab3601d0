"""The learning loop (learning/engine/engine.py) on scripted sessions: lessons from fixed failures, warnings
before later calls, counting per session, merging, corrections and scope."""

from __future__ import annotations

import pytest

from lessonloop.learning.engine.engine import Learner, Policy
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.general_lessons import is_general
from lessonloop.lesson_model import confidence as conf
from lessonloop.lesson_model.lesson import Lesson
from tests.learning_helpers import (
    IGNORED,
    PRE_COMMIT,
    Script,
    ScriptedSession,
    no_upstream,
    play,
    play_all,
    push_failure,
)

PUSH_SIGNATURE = "shell|fatal: The current branch <branch> has no upstream branch."
OTHER_PROJECT = "/home/dev/other"


def commit_failure(s: ScriptedSession, command: str = "git add -A && git commit -m x") -> CallEvent:
    return s.bash(command, error=PRE_COMMIT, error_class="WORKFLOW_SEQUENCE")


def learn_push(learner: Learner, script: Script, session_id: str = "s1", **where: str | None) -> ScriptedSession:
    """A session where `git push` fails for a missing upstream and the agent sets it."""
    s = script.session(session_id, **where)
    play(learner, push_failure(s))
    play(learner, s.bash(f"git push --set-upstream origin {s.branch}"))
    learner.end_session(session_id)
    return s


def learn_format(learner: Learner, script: Script, session_id: str = "s1") -> None:
    """A session where a commit is rejected until `mix format` runs."""
    s = script.session(session_id)
    play(learner, s.edit("lib/a.ex"))
    play(learner, commit_failure(s))
    play(learner, s.bash("mix format"))
    play(learner, s.bash("git add -A && git commit -m x"))
    learner.end_session(session_id)


def only(learner: Learner) -> Lesson:
    assert len(learner.lessons) == 1, [lesson.title for lesson in learner.lessons.values()]
    return next(iter(learner.lessons.values()))


# ----------------------------------------------------------------------------- (a) missing upstream


def test_push_without_upstream_teaches_one_lesson() -> None:
    learner = Learner()
    learn_push(learner, Script())
    lesson = only(learner)
    assert lesson.kind == "usage"
    assert lesson.trigger is not None
    assert lesson.trigger.kind == "shell"
    assert lesson.trigger.words == ("git", "push")
    assert set(lesson.trigger.lacks) == {"-u", "--set-upstream"}
    assert lesson.prevention_command == "git push --set-upstream origin <branch>"
    assert lesson.error_signature == PUSH_SIGNATURE
    assert lesson.error_class == "MISSING_PREREQUISITE"
    assert (lesson.sessions, lesson.failed_sessions, lesson.observations) == (1, 1, 1)
    assert lesson.tier == "candidate"  # one failing session: a one-off until it fails again
    assert lesson.base_confidence == pytest.approx(conf.wilson_lower_bound(1, 1))
    assert lesson.projects == {"/home/dev/app"}
    roles = [e.role for e in lesson.evidence]
    assert roles == ["failure", "fix"]


def test_a_lesson_of_one_failing_session_stops_once_in_its_project_until_a_second() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script)
    lesson = only(learner)
    assert (lesson.tier, lesson.failed_sessions) == ("candidate", 1)
    decision = learner.decide(script.session("s2").bash("git push"))
    # a one-off that names its remedy stops the call in the next session of its project (issue 80:
    # where the repeat happens), at its live confidence
    assert (decision.action, [f.lesson for f in decision.fired], decision.matched) == ("stop", [lesson], [lesson])
    assert decision.fired[0].confidence == pytest.approx(conf.wilson_lower_bound(1, 1))
    assert conf.wilson_lower_bound(1, 1) >= conf.ONE_OFF_AT
    warn_only = Learner(Policy(stop=False), lessons=[lesson])
    assert warn_only.decide(script.session("s2").bash("git push")).action == "warn"  # --warn-only: a note
    elsewhere = learner.decide(script.session("s9", project="/other").bash("git push"))
    assert elsewhere.fired == [] and elsewhere.matched == []  # another project's one-off: not a lesson here
    learn_push(learner, script, "s2")
    assert (lesson.failed_sessions, lesson.tier) == (2, "active")
    assert learner.decide(script.session("s3").bash("git push")).action == "stop"  # two failing sessions


def test_a_one_off_whose_call_then_works_falls_silent() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script)
    lesson = only(learner)
    s2 = script.session("s2")
    assert play(learner, s2.bash("git push")).action == "stop"  # its stop; the push works this time
    learner.end_session("s2")
    assert (lesson.sessions, lesson.failed_sessions, lesson.tier) == (2, 1, "candidate")
    decision = learner.decide(script.session("s3").bash("git push"))
    assert (decision.action, decision.fired, decision.matched) == ("none", [], [lesson])  # 1 of 2: below ONE_OFF_AT


def test_a_later_session_is_warned_before_the_same_push() -> None:
    learner = Learner(Policy(stop=False))  # warnings only (--warn-only)
    script = Script()
    learn_push(learner, script)
    learn_push(learner, script, "s2")
    s3 = script.session("s3", branch="feat-y")
    decision = learner.decide(push_failure(s3, "git push 2>&1"))
    assert decision.action == "warn"
    assert [f.lesson for f in decision.fired] == [only(learner)]
    assert decision.fired[0].confidence == pytest.approx(conf.wilson_lower_bound(2, 2))


def test_no_warning_once_the_push_set_the_upstream() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script)
    learn_push(learner, script, "s2")
    s3 = script.session("s3", branch="feat-y")
    assert play(learner, s3.bash("git push -u origin feat-y")).action == "none"  # the fixed form itself
    assert learner.decide(script.session("s9").bash("git push -u origin x && git push --tags")).action == "none"
    decision = play(learner, s3.bash("git push"))
    assert decision.action == "none"
    assert decision.prevented == [only(learner)]
    assert only(learner).prevented == 1
    # another session has not done it: two failing sessions, the lesson stops the call
    assert learner.decide(script.session("s4").bash("git push")).action == "stop"


def test_pending_lessons_do_not_warn_under_review() -> None:
    learner = Learner(Policy(review=True))
    script = Script()
    learn_push(learner, script)
    learn_push(learner, script, "s2")
    assert (only(learner).status, only(learner).tier) == ("pending", "active")  # silent for its status only
    decision = learner.decide(script.session("s3").bash("git push"))
    assert decision.action == "none"
    assert decision.matched == [only(learner)]


def test_ask_and_block_follow_the_policy() -> None:
    script = Script()
    learner = Learner(Policy(ask_at=0.2))
    learn_push(learner, script)
    learn_push(learner, script, "s2")
    assert learner.decide(script.session("s3").bash("git push")).action == "ask"
    learner = Learner(Policy(block=True, block_at=0.2))
    learn_push(learner, script, "s4")
    learn_push(learner, script, "s5")
    assert learner.decide(script.session("s6").bash("git push")).action == "block"


# ----------------------------------------------------------------------------- (b) pre-commit format


def test_pre_commit_format_rejection_teaches_format_since_the_last_change() -> None:
    learner = Learner()
    script = Script()
    learn_format(learner, script)
    lesson = only(learner)
    assert lesson.trigger is not None
    assert lesson.trigger.words == ("git", "commit")
    unless = lesson.trigger.unless
    assert unless is not None
    assert unless.words == ("mix", "format")
    assert unless.since == "change"
    assert ".ex" in unless.exts and ".exs" in unless.exts
    assert lesson.trigger.describe() == "shell `git commit`, unless `mix format` ran since the last change"
    assert lesson.prevention_command == "mix format"
    assert lesson.error_class == "WORKFLOW_SEQUENCE"
    assert lesson.tier == "candidate"  # one failing session
    learn_format(learner, script, "s2")
    assert only(learner) is lesson and (lesson.failed_sessions, lesson.tier) == (2, "active")


def test_commit_warns_until_formatted_and_again_after_an_elixir_change() -> None:
    learner = Learner(Policy(stop=False))  # warnings only (--warn-only)
    script = Script()
    learn_format(learner, script)
    learn_format(learner, script, "s2")
    s3 = script.session("s3")
    play(learner, s3.edit("lib/b.ex"))
    assert learner.decide(s3.bash("git commit -am y")).action == "warn"
    play(learner, s3.bash("mix format"))
    assert play(learner, s3.bash("git add -A && git commit -m y")).action == "none"
    play(learner, s3.edit("scripts/release.sh"))
    assert learner.decide(s3.bash("git commit -m z")).action == "none"  # mix format does not check .sh files
    play(learner, s3.edit("lib/c.ex"))
    assert learner.decide(s3.bash("git commit -m z")).action == "warn"


def test_formatting_in_the_same_command_line_is_the_prevention() -> None:
    learner = Learner()
    script = Script()
    learn_format(learner, script)
    learn_format(learner, script, "s2")
    lesson = only(learner)
    s3 = script.session("s3")
    play(learner, s3.edit("lib/b.ex"))
    decision = play(learner, s3.bash("mix format && git add -A && git commit -m y"))
    assert decision.action == "none"
    assert decision.prevented == [lesson]
    learner.end_session("s3")
    assert (lesson.sessions, lesson.failed_sessions) == (2, 2)  # following the lesson does not contradict it
    # the prevention after the commit does not count
    s4 = script.session("s4")
    assert learner.decide(s4.bash("git commit -m z && mix format")).action == "stop"


def test_a_failed_format_is_not_the_prevention() -> None:
    learner = Learner()
    script = Script()
    learn_format(learner, script)
    learn_format(learner, script, "s2")
    s3 = script.session("s3")
    play(learner, s3.bash("mix format", error="Exit code 1\n** (SyntaxError) lib/a.ex:3"))
    assert learner.decide(s3.bash("git commit -m y")).action == "stop"


# ----------------------------------------------------------------------------- (c) ignored path


def test_ignored_path_is_warned_for_that_path_only_without_teaching_force() -> None:
    learner = Learner(Policy(stop=False))  # warnings only (--warn-only)
    script = Script()
    for session_id in ("s1", "s2"):  # the same mistake in two sessions: an active lesson
        s = script.session(session_id)
        add = s.bash("git add a.ex priv/static/assets/app.css", error=IGNORED, error_class="INCORRECT_PARAMETER")
        play(learner, add)
        play(learner, s.bash("git add -f priv/static/assets/app.css && git add a.ex"))
        learner.end_session(session_id)
    lesson = only(learner)
    assert (lesson.failed_sessions, lesson.tier) == (2, "active")
    assert lesson.trigger is not None
    assert lesson.trigger.words == ("git", "add")
    assert lesson.trigger.operand == "priv/static/assets"
    assert set(lesson.trigger.lacks) == {"-f", "--force"}
    assert lesson.prevention_command is None and "git add -f" not in (lesson.prevention or "")
    s3 = script.session("s3")
    assert learner.decide(s3.bash("git add lib/x.ex")).action == "none"
    assert learner.decide(s3.bash("git add lib/x.ex priv/static/assets/app.css")).action == "warn"
    assert learner.decide(s3.bash("git add -f priv/static/assets/app.css")).action == "none"
    assert learner.decide(s3.bash("git add --force ./priv/static/assets/app.css")).action == "none"


# ----------------------------------------------------------------------------- (d) nothing to learn


def test_a_test_failure_fixed_by_edits_teaches_nothing() -> None:
    learner = Learner()
    s = Script().session("s1")
    failure = "Exit code 2\n  1) test lists panes\n     the tools/ls helper fails\n\n3 tests, 1 failure"
    play_all(
        learner,
        [
            s.bash("mix test", error=failure, error_class="CHECK_FAILED"),
            s.bash("ls lib"),
            s.read("lib/a.ex"),
            s.edit("lib/a.ex"),
            s.bash("mix test"),
        ],
    )
    learner.end_session("s1")
    assert learner.lessons == {}


def test_unlearnable_failures_teach_nothing() -> None:
    learner = Learner()
    s = Script().session("s1")
    play(learner, s.bash("git push", error=no_upstream("feat-x"), error_class="CASCADE"))
    play(learner, s.bash("git push -u origin feat-x"))
    play(learner, s.bash("git push", status="rejected", error="The user doesn't want to proceed"))
    play(learner, s.bash("git push -u origin feat-x"))
    assert learner.lessons == {}


def test_a_failure_not_fixed_in_time_is_dropped() -> None:
    learner = Learner()
    s = Script().session("s1")
    play(learner, push_failure(s))
    for i in range(70):
        play(learner, s.read(f"lib/f{i}.ex"))
    play(learner, s.bash("git push -u origin feat-x"))
    # No flag lesson: only the general lesson the failure taught at once, without a remedy
    (lesson,) = learner.lessons.values()
    assert is_general(lesson) and lesson.prevention is None


def test_a_fix_in_another_agent_context_does_not_resolve_the_failure() -> None:
    learner = Learner()
    s = Script().session("s1")
    play(learner, push_failure(s))
    play(learner, s.call("Bash", command="git push -u origin feat-x", context="s1/agent-1"))
    (lesson,) = learner.lessons.values()
    assert is_general(lesson) and lesson.prevention is None


# ----------------------------------------------------------------------------- (e) merging


def test_the_same_episode_in_two_sessions_is_one_lesson() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script, "s1", branch="feat-x")
    learn_push(learner, script, "s2", branch="fix/other")
    lesson = only(learner)
    assert lesson.failed_sessions == 2
    assert lesson.sessions == 2
    assert lesson.observations == 2
    assert lesson.session_failed == {"s1": True, "s2": True}
    assert lesson.base_confidence == pytest.approx(conf.wilson_lower_bound(2, 2))
    # the general lesson the failure taught first was superseded: its signature is an alias
    assert set(learner.aliases.values()) == {lesson.signature}


def test_a_near_duplicate_title_merges_into_the_first_lesson() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script, "s1")
    s2 = script.session("s2", branch="feat-y")
    variant = no_upstream("feat-y").replace("upstream branch.", "upstream branch set.")
    play(learner, s2.bash("git push", error=variant, error_class="MISSING_PREREQUISITE"))
    play(learner, s2.bash("git push -u origin feat-y"))
    learner.end_session("s2")
    lesson = only(learner)
    assert lesson.failed_sessions == 2
    assert lesson.error_signature == PUSH_SIGNATURE  # the first lesson's text is kept
    assert set(learner.aliases.values()) == {lesson.signature}
    assert learner.aliases and lesson.signature not in learner.aliases


def test_a_different_error_of_the_same_command_is_another_lesson() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script, "s1")
    s2 = script.session("s2")
    error = "Exit code 1\nerror: failed to push some refs: pre-push hook declined; run 'mix test' first"
    play(learner, s2.bash("git push", error=error, error_class="WORKFLOW_SEQUENCE"))
    play(learner, s2.bash("mix test"))
    play(learner, s2.bash("git push"))
    learner.end_session("s2")
    assert len(learner.lessons) == 2
    # only superseded general lessons are aliases: the two shaped lessons did not merge
    assert set(learner.aliases.values()) == {lesson.signature for lesson in learner.lessons.values()}


def test_different_class_does_not_merge_even_with_similar_words() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script, "s1")
    s2 = script.session("s2", branch="feat-y")
    variant = no_upstream("feat-y").replace("upstream branch.", "upstream branch set.")
    play(learner, s2.bash("git push", error=variant, error_class="INCORRECT_PARAMETER"))
    play(learner, s2.bash("git push -u origin feat-y"))
    assert len(learner.lessons) == 2


# ----------------------------------------------------------------------------- (f) counting per session


def test_several_failures_in_one_session_count_one_failing_session() -> None:
    learner = Learner()
    script = Script()
    s = script.session("s1")
    play_all(learner, [push_failure(s), push_failure(s, "git push 2>&1"), s.bash("git push -u origin feat-x")])
    lesson = only(learner)
    assert (lesson.failed_sessions, lesson.sessions, lesson.observations) == (1, 1, 2)
    s2 = script.session("s2")
    play_all(learner, [push_failure(s2), push_failure(s2), push_failure(s2), s2.bash("git push -u origin feat-x")])
    learner.end_session("s2")
    assert (lesson.failed_sessions, lesson.sessions, lesson.observations) == (2, 2, 5)


def test_a_clean_session_counts_when_it_ends() -> None:
    learner = Learner(Policy(stop=False))  # warnings only (--warn-only): the warned pushes run
    script = Script()
    learn_push(learner, script)
    learn_push(learner, script, "s2")
    lesson = only(learner)
    before = lesson.base_confidence
    s3 = script.session("s3")
    decision = play(learner, s3.bash("git push"))  # the upstream existed: the push worked
    assert decision.action == "warn"  # a false alarm, but the lesson could not know yet
    assert lesson.session_failed["s3"] is None
    assert (lesson.sessions, lesson.failed_sessions) == (2, 2)
    # not counted as a session yet: only the false alarm's cap may lower it (not here: its note in
    # s2, a one-off then, was right)
    assert lesson.warned_right == 1
    assert lesson.base_confidence == pytest.approx(min(before, conf.precision_bound(1, 1)))
    play(learner, s3.bash("git push"))
    learner.end_session("s3")
    assert lesson.session_failed == {"s1": True, "s2": True, "s3": False}
    assert (lesson.sessions, lesson.failed_sessions, lesson.observations) == (3, 2, 2)
    assert lesson.base_confidence == pytest.approx(conf.wilson_lower_bound(2, 3))
    assert lesson.base_confidence < before
    assert lesson.tier == "active"  # 0.25: above the demotion threshold
    for session_id in ("s4", "s5"):  # two more clean sessions
        play(learner, script.session(session_id).bash("git push"))
        learner.end_session(session_id)
    assert (lesson.sessions, lesson.failed_sessions) == (5, 2)
    assert lesson.base_confidence == pytest.approx(conf.wilson_lower_bound(2, 5))
    assert lesson.base_confidence < conf.ACTIVE_BELOW
    assert lesson.tier == "candidate"
    decision = learner.decide(script.session("s6").bash("git push"))
    assert decision.action == "none"
    assert decision.matched == [lesson]


def test_a_session_that_fails_later_is_a_failing_session_not_a_clean_one() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script)
    lesson = only(learner)
    s2 = script.session("s2")
    play(learner, s2.bash("git push"))  # worked
    play(learner, push_failure(s2))  # then failed with the lesson's error
    learner.end_session("s2")
    assert lesson.session_failed["s2"] is True
    assert (lesson.sessions, lesson.failed_sessions) == (2, 2)


def test_end_all_sessions_ends_every_open_trial() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script)
    for sid in ("s2", "s3"):
        play(learner, script.session(sid).bash("git push"))
    lesson = only(learner)
    assert lesson.sessions == 1
    learner.end_all_sessions()
    assert (lesson.sessions, lesson.failed_sessions) == (3, 1)


def test_confidence_decays_from_the_last_failure() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script)
    learn_push(learner, script, "s2")
    lesson = only(learner)
    script.advance(days=60)
    decision = learner.decide(script.session("s3").bash("git push"))
    assert decision.fired[0].confidence == pytest.approx(lesson.base_confidence * 0.95**2, rel=1e-4)


# ----------------------------------------------------------------------------- (g) corrections


def test_a_rejected_command_makes_a_correction_lesson() -> None:
    learner = Learner()
    script = Script()
    s = script.session("s1")
    rejected = s.bash("mix phx.server 2>&1 | head -80", status="rejected", error="The user doesn't want to proceed")
    play(learner, rejected)
    lesson = learner.correction(
        "s1", s.project, "m1", script.tick(), "rejection", "no, it is already running", [rejected]
    )
    assert lesson is not None
    assert lesson.kind == "correction"
    assert lesson.trigger is not None
    assert lesson.trigger.kind == "shell"
    assert (lesson.trigger.words, lesson.trigger.operands) == (("mix",), ("phx.server",))
    assert lesson.title == "The person rejected `mix phx.server 2>&1 | head -80`"
    assert (lesson.failed_sessions, lesson.sessions, lesson.tier) == (1, 1, "candidate")
    assert [(e.role, e.tool_use_id, e.message_uuid) for e in lesson.evidence] == [
        ("correction", rejected.call.id, "m1")
    ]
    s2 = script.session("s2")
    assert play(learner, s2.bash("mix phx.server", status="rejected", error="rejected")).action == "none"
    learner.end_session("s2")  # rejected again: a second failing session
    assert (lesson.failed_sessions, lesson.sessions, lesson.tier) == (2, 2, "active")
    s3 = script.session("s3")
    assert learner.decide(s3.bash("mix phx.server")).action == "stop"
    assert learner.decide(s3.bash("mix test")).action == "none"


def test_a_rejection_in_a_later_session_counts_for_the_correction_lesson() -> None:
    learner = Learner()
    script = Script()
    s = script.session("s1")
    rejected = s.bash("mix phx.server", status="rejected", error="rejected")
    play(learner, rejected)
    lesson = learner.correction("s1", s.project, "m1", None, "rejection", "", [rejected])
    assert lesson is not None
    s2 = script.session("s2")
    play(learner, s2.bash("mix phx.server", status="rejected", error="rejected"))
    learner.end_session("s2")
    assert (lesson.failed_sessions, lesson.sessions) == (2, 2)


def test_a_rejection_and_its_correction_signal_are_one_observation() -> None:
    learner = Learner()
    script = Script()
    s = script.session("s1")
    first = s.bash("mix phx.server", status="rejected", error="rejected")
    play(learner, first)
    lesson = learner.correction("s1", s.project, "m1", script.tick(), "rejection", "", [first])
    assert lesson is not None
    s2 = script.session("s2")
    again = s2.bash("mix phx.server", status="rejected", error="rejected")
    play(learner, again)  # counted as the lesson's failure when it happens
    learner.correction("s2", s2.project, "m2", script.tick(), "rejection", "", [again])  # the same rejection
    assert (lesson.observations, lesson.failed_sessions) == (2, 2)


def test_an_interrupt_makes_no_lesson() -> None:
    learner = Learner()
    s = Script().session("s1")
    stopped = s.bash("mix test", status="interrupted", error="[Request interrupted by user for tool use]")
    play(learner, stopped)
    assert learner.correction("s1", s.project, "m1", None, "interrupt", "", [stopped]) is None
    assert learner.lessons == {}


def test_a_rejection_without_a_specific_call_makes_no_lesson() -> None:
    learner = Learner()
    s = Script().session("s1")
    task = s.call("Task", status="rejected", error="rejected")
    assert learner.correction("s1", s.project, "m1", None, "rejection", "", [task]) is None
    assert learner.correction("s1", s.project, "m2", None, "rejection", "", []) is None
    assert learner.lessons == {}


def test_a_typed_correction_is_its_own_lesson() -> None:
    learner = Learner()
    s = Script().session("s1")
    edit = s.edit("lib/a.ex")
    text = "Do not edit generated files. Change the template instead."
    lesson = learner.correction("s1", s.project, "m1", None, "typed", text, [edit])
    assert lesson is not None
    assert lesson.title == "Do not edit generated files."
    assert lesson.prevention == text
    assert lesson.trigger is None  # the words do not name lib/a.ex: recalled, not fired on its edits
    named = learner.correction("s1", s.project, "m2", None, "typed", "Do not edit lib/a.ex by hand.", [edit])
    assert named is not None and named.trigger is not None
    assert named.trigger.path == "lib/a.ex"


# ----------------------------------------------------------------------------- (h) scope


def test_a_lesson_of_one_project_does_not_fire_in_another() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script, "s1")
    lesson = only(learner)
    assert lesson.scope == "project"
    other = script.session("s2", project=OTHER_PROJECT, cwd=OTHER_PROJECT)
    decision = learner.decide(other.bash("git push"))
    assert decision.action == "none"
    assert decision.matched == []


def test_a_lesson_seen_in_two_projects_is_global() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script, "s1")
    learn_push(learner, script, "s2", project=OTHER_PROJECT, cwd=OTHER_PROJECT)
    lesson = only(learner)
    assert lesson.projects == {"/home/dev/app", OTHER_PROJECT}
    assert lesson.scope == "global"
    assert lesson.project is None
    third = script.session("s3", project="/home/dev/third", cwd="/home/dev/third")
    assert learner.decide(third.bash("git push")).action == "stop"  # two failing sessions: it earned a stop


def test_a_clean_session_in_another_project_does_not_count() -> None:
    learner = Learner()
    script = Script()
    learn_push(learner, script, "s1")
    play(learner, script.session("s2", project=OTHER_PROJECT).bash("git push"))
    learner.end_session("s2")
    assert only(learner).sessions == 1


def test_an_edit_that_worked_after_reading_the_file_again_teaches_reading_after_a_formatter() -> None:
    not_found = "<tool_use_error>String to replace not found in file.\nString: old</tool_use_error>"
    learner = Learner()
    script = Script()
    for session_id in ("s1", "s2"):  # the same mistake in two sessions: an active lesson
        first = script.session(session_id)
        play(learner, first.read("lib/a.ex"))
        play(learner, first.bash("mix format"))
        play(learner, first.edit("lib/a.ex", error=not_found, error_class="INCORRECT_PARAMETER"))
        play(learner, first.read("lib/a.ex"))
        play(learner, first.edit("lib/a.ex"))
        (lesson,) = learner.lessons.values()
        assert lesson.title.startswith("Edit fails on a file not read since it changed")
        assert lesson.trigger is not None and lesson.trigger.unless is not None
        assert lesson.trigger.unless.since == "read"
        learner.end_session(session_id)
    assert (lesson.failed_sessions, lesson.tier) == (2, "active")

    later = script.session("s3")
    play(learner, later.read("lib/b.ex"))
    assert not play(learner, later.edit("lib/b.ex")).warned  # read, nothing rewrote it since
    play(learner, later.bash("mix format --check-formatted"))  # a check rewrites nothing
    assert not learner.decide(later.edit("lib/b.ex")).warned
    play(learner, later.bash("mix format"))
    assert learner.decide(later.edit("lib/b.ex")).warned  # the formatter may have changed it
    assert learner.decide(later.edit("notes.md")).warned  # never read: reading first is the advice too
    play(learner, later.bash("ruff format"))  # rewrites .py files only
    play(learner, later.read("lib/b.ex"))
    assert not learner.decide(later.edit("lib/b.ex")).warned


def test_the_no_upstream_lesson_is_the_bare_push_not_one_that_names_its_remote_and_branch() -> None:
    """The fix named a remote and a branch (`git push --set-upstream origin BRANCH`): the lesson
    holds for `git push` with no operands, not for `git push origin main` (issue 59)."""
    learner = Learner()
    script = Script()
    learn_push(learner, script, "s1")
    learn_push(learner, script, "s2")
    lesson = only(learner)
    assert lesson.trigger is not None and lesson.trigger.bare
    assert "with no operands" in lesson.trigger.describe()
    third = script.session("s3")
    assert learner.decide(third.bash("git push origin main")).action == "none"
    assert learner.decide(third.bash("git push")).action == "stop"
    from lessonloop.lesson_model.triggers import Trigger

    assert Trigger.from_json(lesson.trigger.to_json()).bare  # stored and read back


def test_a_stopped_call_counts_for_no_lesson_and_the_changed_call_after_it_is_a_prevention() -> None:
    """A call a hook stopped (class STOPPED) is neither a failure nor a success of the lesson's
    trigger; the session's next call that does what the lesson says counts as a success after
    prevention, read from the transcript alone (issue 59)."""
    learner = Learner()
    script = Script()
    learn_push(learner, script, "s1")
    learn_push(learner, script, "s2")
    lesson = only(learner)
    before = (lesson.sessions, lesson.failed_sessions, lesson.base_confidence, lesson.prevented)
    third = script.session("s3")
    stopped = third.bash(
        "git push",
        error="PreToolUse:Bash hook error: lessonloop stopped this call before it ran: ...",
        error_class="STOPPED",
    )
    assert play(learner, stopped).action == "stop"
    play(learner, third.bash(f"git push --set-upstream origin {third.branch}"))
    learner.end_session("s3")
    assert (lesson.sessions, lesson.failed_sessions, lesson.base_confidence) == before[:3]
    assert lesson.prevented == before[3] + 1
    assert len(learner.lessons) == 1  # nothing learned from the stop itself


def test_an_edit_of_a_file_never_read_is_not_blamed_on_a_formatter() -> None:
    """Issue 83, item 2: a lesson for "File has not been read yet" said "Read the file again ...
    when a formatter may have changed it" where the file had never been read; an old text that had
    to change after a read was out of date, not a formatter's doing."""
    not_read = "<tool_use_error>File has not been read yet. Read it first before writing to it.</tool_use_error>"
    not_found = "<tool_use_error>String to replace not found in file.\nString: old</tool_use_error>"
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    play(learner, s1.edit("lib/a.ex", error=not_read, error_class="MISSING_PREREQUISITE"))
    play(learner, s1.read("lib/a.ex"))
    play(learner, s1.edit("lib/a.ex"))
    s2 = script.session("s2")
    play(learner, s2.edit("lib/b.ex", error=not_found, error_class="INCORRECT_PARAMETER"))
    play(learner, s2.read("lib/b.ex"))
    play(learner, s2.edit("lib/b.ex"))
    titles = sorted(lesson.title for lesson in learner.lessons.values())
    preventions = " ".join(lesson.prevention or "" for lesson in learner.lessons.values())
    assert any("not read in this session" in title for title in titles), titles
    assert "formatter" not in preventions
