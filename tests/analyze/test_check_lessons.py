"""Missing lessons (issue 15, item 4; learning/engine/check_lessons.py, Learner._checked_again and
_recurring): a commit rejected again by the same named check learns to run that check first; a
rejection the next attempt gets past (failing on another check) learns the step that got it past;
a test or setup failure that recurs in another session learns a lesson (recalled, not warned)."""

from __future__ import annotations

from pathlib import Path

from lessonloop.analyze.commands import check_commands_named
from lessonloop.analyze.error_headline import failing_check, failing_checks
from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.signatures import check_signatures
from tests.learning_helpers import Script, play

HOOK = "Pre-commit validation failed:\\n\\n"
DIALYZER = HOOK + "[DIALYZER]\\nFinding suitable PLTs\nChecking PLT...\nTotal errors: 1"
CREDO = (
    HOOK + "[CREDO]\\nChecking 88 source files (this might take a while) ...\n"
    "┃ [R] ↘ Prefer using an implicit `try` rather than explicit `try`.\n"
    "Use `mix credo explain` to explain issues, `mix credo --help` for options."
)
COMMIT = "git add -A && git commit -m 'feat: tracing'"


def test_check_names_and_their_commands() -> None:
    assert failing_check("shell|Pre-commit validation failed: [DIALYZER]") == "dialyzer"
    assert failing_check("shell|flake8 Failed: F401") == "flake8"
    assert failing_check("shell|fatal: The current branch <branch> has no upstream branch.") is None
    assert check_commands_named("dialyzer") == [("mix", "dialyzer")]
    assert ("mix", "credo") in check_commands_named("credo")


def test_a_commit_rejected_by_a_named_check_learns_to_run_it_first() -> None:
    learner = Learner()
    script = Script()
    s = script.session("s1")
    play(learner, s.bash("mix credo --strict"))  # the project's checks run with mix
    play(learner, s.edit("lib/a.ex"))
    first = play(learner, s.bash(COMMIT, error=DIALYZER, error_class="CHECK_FAILED"))
    assert not first.warned
    (lesson,) = learner.lessons.values()
    assert lesson.prevention_command == "mix dialyzer"
    assert lesson.trigger is not None and lesson.trigger.unless is not None
    assert lesson.trigger.unless.words == ("mix", "dialyzer")
    play(learner, s.edit("lib/a.ex"))
    again = play(learner, s.bash(COMMIT, error=DIALYZER, error_class="CHECK_FAILED"))  # rejected again
    # one failing session: a candidate, which names its step: it stops the commit in its own session
    # while the commit keeps failing (issue 80)
    assert lesson.tier == "candidate" and [(f.lesson.signature, f.action) for f in again.fired] == [
        (lesson.signature, "stop")
    ]
    assert list(learner.lessons) == [lesson.signature] and lesson.observations == 2
    play(learner, s.edit("lib/a.ex"))
    play(learner, s.bash(COMMIT))  # it went through: the edits fixed what the check found
    play(learner, s.edit("lib/a.ex"))
    assert not play(learner, s.bash(COMMIT)).fired  # a commit after one that worked: no repeat
    learner.end_session("s1")
    s2 = script.session("s2")  # the same mistake in another session
    play(learner, s2.edit("lib/a.ex"))
    stopped = play(learner, s2.bash(COMMIT, error=DIALYZER, error_class="CHECK_FAILED"))
    assert [(f.lesson.signature, f.action) for f in stopped.fired] == [(lesson.signature, "stop")]
    assert list(learner.lessons) == [lesson.signature]
    assert (lesson.failed_sessions, lesson.tier) == (2, "active")
    play(learner, s2.edit("lib/a.ex"))
    # the same commit sent again after its stop and an edit: a new attempt, stopped once more
    # (issue 83: the check is due again after the change)
    again = play(learner, s2.bash(COMMIT, error=DIALYZER, error_class="CHECK_FAILED"))  # rejected again
    assert [(f.lesson.signature, f.action) for f in again.fired] == [(lesson.signature, "stop")]
    # sent again with nothing changed since, it runs, nothing said (the stop once); it failed again:
    # it confirms the lesson, never counts against its stop
    went_past = lesson.overridden
    again = play(learner, s2.bash(COMMIT, error=DIALYZER, error_class="CHECK_FAILED"))  # rejected again
    assert (again.fired, again.overridden, lesson.overridden) == ([], [lesson], went_past)
    other = play(learner, s2.bash(COMMIT + " -q", error=DIALYZER, error_class="CHECK_FAILED"))  # another line
    assert [f.lesson.signature for f in other.fired] == [lesson.signature]
    play(learner, s2.bash("mix dialyzer"))
    after = play(learner, s2.bash(COMMIT))
    assert not after.warned  # the check ran since the last change


def test_a_check_lesson_only_for_a_job_a_hook_gates() -> None:
    learner = Learner()
    s = Script().session("s1")
    lint = "## Running: tmp.lint.sh a.py\n\nflake8.........Failed\n- hook id: flake8\n\na.py:1:1: F401 'os' imported but unused"
    play(learner, s.bash("./tmp.lint.sh a.py", error=lint.replace("\\n", "\n"), error_class="CHECK_FAILED"))
    assert not learner.lessons


def test_a_rejection_after_running_the_check_teaches_nothing() -> None:
    learner = Learner()
    s = Script().session("s1")
    play(learner, s.edit("lib/a.ex"))
    play(learner, s.bash("mix dialyzer"))  # ran it, the code still fails it
    play(learner, s.bash(COMMIT, error=DIALYZER, error_class="CHECK_FAILED"))
    assert not learner.lessons


def test_getting_past_a_check_teaches_the_step_that_did_it() -> None:
    learner = Learner()
    s1 = Script().session("s1")
    play(learner, s1.edit("lib/a.ex"))
    play(learner, s1.bash(COMMIT, error=CREDO, error_class="WORKFLOW_SEQUENCE"))
    play(learner, s1.bash("mix credo --strict"))
    play(learner, s1.edit("lib/a.ex"))
    play(learner, s1.bash(COMMIT, error=DIALYZER, error_class="CHECK_FAILED"))  # past credo
    by_error = {lesson.error_signature: lesson for lesson in learner.lessons.values()}
    assert set(by_error) == {
        "shell|Pre-commit validation failed: [CREDO]",  # learned at the rejection, got past with mix credo
        "shell|Pre-commit validation failed: [DIALYZER]",  # the new rejection's own lesson
    }
    lesson = by_error["shell|Pre-commit validation failed: [CREDO]"]
    assert lesson.prevention_command is not None and lesson.prevention_command.startswith("mix credo")
    assert lesson.evidence_counts.get("fix") == 1  # the run that got past it
    learner.end_session("s1")
    s2 = s1.script.session("s2")
    play(learner, s2.edit("lib/b.ex"))
    decision = play(learner, s2.bash(COMMIT, error=CREDO, error_class="WORKFLOW_SEQUENCE"))
    notes = {f.lesson.signature: f.action for f in decision.fired}
    assert notes.get(lesson.signature) == "stop"  # one failing session: a one-off of the project, its step named
    assert (lesson.failed_sessions, lesson.tier) == (2, "active")  # now it failed in two
    learner.end_session("s2")
    s3 = s1.script.session("s3")
    play(learner, s3.edit("lib/c.ex"))
    decision = play(learner, s3.bash(COMMIT, error=CREDO, error_class="WORKFLOW_SEQUENCE"))
    assert lesson.signature in [f.lesson.signature for f in decision.fired]


def test_the_same_error_again_without_a_named_check_teaches_no_check_lesson() -> None:
    learner = Learner()
    s = Script().session("s1")
    failing = "Exit code 2\n  1) test x (AppTest)\n     ** (RuntimeError) boom\n1 test, 1 failure"
    play(learner, s.bash("mix test", error=failing, error_class="CHECK_FAILED"))
    play(learner, s.bash("mix test", error=failing, error_class="CHECK_FAILED"))
    assert not learner.lessons


def test_a_setup_failure_recurring_in_another_session_learns_a_recalled_lesson() -> None:
    learner = Learner()
    script = Script()
    s1, s2 = script.session("s1"), script.session("s2")
    secret = (
        "Exit code 2\nGetting extensions in current project...\n"
        "  1) test mount renders (AppWeb.PageLiveTest)\n"
        "     ** (RuntimeError) no :secret_key_base configuration found in AppWeb.Endpoint.\n"
    )
    play(learner, s1.bash("mix test", error=secret, error_class="CHECK_FAILED"))
    play(learner, s1.edit("config/test.exs"))
    play(learner, s1.bash("mix test"))
    assert not learner.lessons  # fixed by editing: no step to take first
    play(learner, s2.bash("mix test 2>&1", error=secret, error_class="CHECK_FAILED"))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is None  # recalled, never warned per call
    assert "no :secret_key_base configuration" in lesson.title
    assert "config/test.exs" in lesson.body and "s1" in lesson.body
    again = play(learner, script.session("s3").bash("mix test", error=secret, error_class="CHECK_FAILED"))
    assert not again.fired


# ----------------------------------------------------------------------------- item 3: what the hook has seen

FORMAT = HOOK + "[FORMAT] Code is not formatted.\\nRun 'mix format' to fix.\\n\\nFix these issues before committing."


def test_the_format_lesson_fires_after_edits_the_formatter_has_not_seen_not_on_every_commit() -> None:
    learner = Learner()
    script = Script()
    for session_id in ("s0", "s1"):  # the same mistake in two sessions: an active lesson
        s1 = script.session(session_id)
        play(learner, s1.edit("lib/a.ex"))
        play(learner, s1.bash(COMMIT, error=FORMAT, error_class="WORKFLOW_SEQUENCE"))
        (lesson,) = learner.lessons.values()
        assert lesson.trigger is not None and lesson.trigger.unless is not None
        assert lesson.trigger.unless.check == "format"
        play(learner, s1.bash("mix format"))
        play(learner, s1.bash(COMMIT))
        learner.end_session(session_id)
    assert (lesson.failed_sessions, lesson.tier) == (2, "active")
    s2 = script.session("s2")
    play(learner, s2.edit("lib/b.ex"))
    assert play(learner, s2.bash(COMMIT)).warned  # an edit the formatter has not seen
    assert not play(learner, s2.bash("git commit --amend --no-edit")).warned  # the hook saw it: nothing new
    play(learner, s2.edit("lib/c.ex"))
    # (another commit line: the same one sent again after its stop would run, nothing said)
    rejected = play(learner, s2.bash(COMMIT + " -q", error=DIALYZER, error_class="CHECK_FAILED"))
    assert lesson.signature in [f.lesson.signature for f in rejected.fired]
    after = play(learner, s2.bash(COMMIT))  # the hook's FORMAT check passed on that run
    assert lesson.signature not in [f.lesson.signature for f in after.fired]


def test_a_commit_without_its_hook_has_not_been_checked() -> None:
    from lessonloop.lesson_model.triggers import SessionState, Unless, command_segments, named_checks

    unless = Unless(("mix", "format"), (), "change", (".ex",), "format")
    state = SessionState()
    state.record("edit", True, [], "/app/lib/a.ex")
    state.record("shell", True, command_segments("git commit --no-verify -m x"), None)
    assert not state.satisfied(unless)
    state.record("shell", False, command_segments("git commit -m x"), None, FORMAT)
    assert not state.satisfied(unless)  # the hook rejected it for FORMAT
    state.record("shell", True, command_segments("git add -A && git commit -m x"), None)
    assert state.satisfied(unless)
    assert named_checks(FORMAT + "\\n\\n[CREDO]\\nChecking 3 files") == {"format", "credo"}
    assert named_checks("isort....Passed\nblack.....Failed\n- hook id: black") == {"black"}


def test_the_live_hook_counts_what_the_commit_hook_has_seen(tmp_path: Path) -> None:
    """The PreToolUse hook's session state (apply/hooks/pre_tool.session_state) reads the same
    hook runs from the stored calls: a real store, calls as the hooks store them."""
    from lessonloop.apply.hooks.pre_tool import session_state
    from lessonloop.lesson_model.triggers import Unless
    from lessonloop.store import open_store

    conn = open_store(tmp_path / "x.db")
    try:
        calls = [
            ("Edit", None, "/app/lib/a.ex", "ok", None),
            ("Bash", COMMIT, None, "error", FORMAT),
            ("Bash", COMMIT, None, "ok", None),
        ]
        for seq, (tool, command, target, status, error) in enumerate(calls, 1):
            conn.execute(
                """INSERT INTO live_calls (id, session_id, seq, ts, tool, input_json, target_path, command, cwd,
                   status, ok, error_text) VALUES (?, 's1', ?, ?, ?, '{}', ?, ?, '/app', ?, ?, ?)""",
                (f"t{seq}", seq, f"2026-03-02T09:00:0{seq}Z", tool, target, command, status, status == "ok", error),
            )
        unless = Unless(("mix", "format"), (), "change", (".ex",), "format")
        assert session_state(conn, "s1").satisfied(unless)
    finally:
        conn.close()


FORMAT_CREDO_DIALYZER = (
    HOOK + "[FORMAT] Code is not formatted.\\nRun 'mix format' to fix.\\n\\n[CREDO]\\nChecking 114 source files ...\n"
    "┃ [D] ↘ Nested modules could be aliased at the top of the invoking module.\n"
    "Use `mix credo explain` to explain issues.\\n\\n[DIALYZER]\\nFinding suitable PLTs\nTotal errors: 1"
)


def test_every_check_a_rejection_names_as_failing() -> None:
    assert failing_checks(FORMAT_CREDO_DIALYZER.replace("\\n", "\n")) == [
        "Pre-commit validation failed: [FORMAT] Code is not formatted.",
        "Pre-commit validation failed: [CREDO]",
        "Pre-commit validation failed: [DIALYZER]",
    ]
    pre_commit = (
        "black....................................................................Failed\n"
        "- hook id: black\n- files were modified by this hook\n"
        "isort....................................................................Passed\n"
        "flake8...................................................................Failed\n"
        "- hook id: flake8\n\na.py:1:1: F401 'os' imported but unused\n"
    )
    assert failing_checks(pre_commit) == ["black Failed", "flake8 Failed: F401"]
    assert failing_checks("error: src refspec main does not match any") == []
    assert failing_checks(None) == []
    # the first is the call's own signature; the others are failures of their own checks too
    assert check_signatures("shell", "Bash", FORMAT_CREDO_DIALYZER) == (
        "shell|Pre-commit validation failed: [CREDO]",
        "shell|Pre-commit validation failed: [DIALYZER]",
    )
    assert check_signatures("shell", "Bash", DIALYZER) == ()


def test_one_rejection_by_three_checks_is_a_failure_of_each_checks_lesson() -> None:
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    play(learner, s1.bash("mix test"))  # the project's checks run with mix
    play(learner, s1.edit("lib/a.ex"))
    play(learner, s1.bash(COMMIT, error=DIALYZER, error_class="CHECK_FAILED"))
    (dialyzer,) = learner.lessons.values()
    assert (dialyzer.failed_sessions, dialyzer.tier) == (1, "candidate")
    play(learner, s1.bash("mix dialyzer"))
    play(learner, s1.bash(COMMIT))
    learner.end_session("s1")
    s2 = script.session("s2")
    play(learner, s2.bash("mix test"))
    play(learner, s2.edit("lib/a.ex"))
    # rejected first by [FORMAT]: its [DIALYZER] section is the dialyzer lesson failing again
    play(learner, s2.bash(COMMIT, error=FORMAT_CREDO_DIALYZER, error_class="CHECK_FAILED"))
    assert (dialyzer.failed_sessions, dialyzer.tier) == (2, "active")
    steps = sorted(lesson.prevention_command or "" for lesson in learner.lessons.values())
    assert steps == ["mix credo", "mix dialyzer", "mix format"]  # one lesson per check, none merged
    play(learner, s2.bash("mix format && mix credo"))
    play(learner, s2.edit("lib/a.ex"))
    # (another commit line: the same one sent again after a stop would run, nothing said)
    again = play(learner, s2.bash(COMMIT + " -q", error=DIALYZER, error_class="CHECK_FAILED"))
    assert dialyzer.signature in [f.lesson.signature for f in again.fired]


def test_the_same_failure_twice_in_its_session_teaches_what_to_check_before_any_fix() -> None:
    """Issue 83, item 3: a mistake the agent keeps making without fixing it taught nothing (lessons
    were learned from a failure and its fix, or a second session). The same error a second time in
    its session teaches its check; its project's next session gets a note before the call."""
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    sudo = "Exit code 1\nsudo: a terminal is required to read the password; either use the -S option"
    play(learner, s1.bash("sudo apt-get install -y jq", error=sudo))
    assert not learner.lessons  # once: it may be of the moment
    play(learner, s1.bash("sudo apt-get install -y jq", error=sudo))
    (lesson,) = learner.lessons.values()
    assert lesson.prevention is not None and "no terminal" in lesson.prevention
    assert "needs a password" in lesson.title and "failed before" not in lesson.title
    learner.end_session("s1")
    s2 = script.session("s2")
    assert learner.decide(s2.bash("sudo apt-get install -y jq", error=sudo)).warned  # a one-off's note
