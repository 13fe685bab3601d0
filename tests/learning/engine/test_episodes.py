"""What a failure and its fix teach (learning/engine/episodes.py): the flags, step and path shapes, and the
episodes that teach nothing. Built on scripted sessions (tests/learning_helpers.py)."""

from __future__ import annotations

from lessonloop.learning.engine.episodes import draft_from_episode, same_job
from lessonloop.lesson_model.triggers import extensions_for
from tests.learning_helpers import IGNORED, PRE_COMMIT, Script, ScriptedSession, no_upstream, push_failure

TEST_FAILURE = (
    "Exit code 2\n\n  1) test lists panes (SpotterWeb.PaneListLiveTest)\n"
    "     test/spotter_web/live/pane_list_live_test.exs:12\n"
    "     Assertion with == failed\n     code:  assert length(panes) == 2\n     left:  1\n     right: 2\n"
    "     tools/ls output was empty; the call fails\n\n3 tests, 1 failure"
)


def session(branch: str = "feat-x") -> ScriptedSession:
    return Script().session("s1", branch=branch)


# ----------------------------------------------------------------------------- same job


def test_same_job_by_command_kind_or_first_words() -> None:
    s = session()
    push = push_failure(s)
    assert same_job(push, s.bash("git push --set-upstream origin feat-x"))
    assert same_job(push, s.bash("git -C /x push -u origin feat-x 2>&1"))
    assert not same_job(push, s.bash("git status"))
    commit = s.bash("git add -A && git commit -m x", error=PRE_COMMIT, error_class="WORKFLOW_SEQUENCE")
    assert same_job(commit, s.bash("git commit -m x"))
    assert not same_job(commit, s.bash("mix format"))
    read = s.read("lib/a.ex", error="<tool_use_error>File does not exist.</tool_use_error>")
    assert same_job(read, s.read("lib/web/a.ex"))
    assert not same_job(read, s.edit("lib/web/a.ex"))


# ----------------------------------------------------------------------------- flags


def test_flag_added_to_the_same_command_is_the_lesson() -> None:
    s = session()
    failure = push_failure(s)
    fix = s.bash("git push --set-upstream origin feat-x 2>&1")
    draft = draft_from_episode(failure, fix, [])
    assert draft is not None
    assert draft.kind == "usage"
    assert draft.trigger is not None
    assert draft.trigger.to_json() == {
        "kind": "shell",
        "words": ["git", "push"],
        "lacks": ["--set-upstream", "-u"],
        "unless": {"words": ["git", "push"], "flags": ["--set-upstream", "-u"], "since": "session"},
        "bare": True,  # the fix named a remote and a branch: the lesson is the bare `git push`'s
    }
    assert draft.prevention_command == "git push --set-upstream origin <branch>"  # branch hidden, redirection gone
    assert draft.error_signature == "shell|fatal: The current branch <branch> has no upstream branch."
    assert draft.title == (
        "`git push` without --set-upstream fails: tool output “fatal: The current branch <branch> has no upstream branch.”"
    )
    assert "feat-x" not in draft.title + draft.body + (draft.prevention or "")
    assert draft.category == "git"
    assert draft.base_severity == "medium"


def test_a_forcing_flag_is_warned_about_not_taught() -> None:
    s = session()
    failure = s.bash(
        "git add a.ex priv/static/assets/app.css", error=IGNORED, error_class="INCORRECT_PARAMETER"
    )  # not a missing prerequisite: adding -f once does not make later adds safe
    fix = s.bash("git add -f priv/static/assets/app.css && git add a.ex")
    draft = draft_from_episode(failure, fix, [])
    assert draft is not None and draft.trigger is not None
    assert draft.trigger.unless is None
    assert draft.trigger.lacks == ("--force", "-f")
    assert draft.trigger.operand == "priv/static/assets"
    # -f forces past .gitignore (analyze/force_flags.py): warned about, never taught as the fix
    assert draft.prevention_command is None
    assert draft.prevention is not None and "git add -f" not in draft.prevention
    assert "the person's decision" in draft.prevention
    assert "without -f" not in draft.title
    assert draft.base_severity == "low"


def test_a_forced_push_is_no_lesson() -> None:
    s = session()
    rejected = s.bash("git push -u origin feat-x", error="error: failed to push some refs to 'origin'")
    forced = s.bash("git push --force-with-lease -u origin feat-x")
    assert draft_from_episode(rejected, forced, []) is None


def test_the_operand_is_the_path_the_error_names() -> None:
    s = session()
    failure = s.bash(
        "git add /home/dev/app/priv/static/assets/app.css lib/a.ex", error=IGNORED, error_class="INCORRECT_PARAMETER"
    )
    fix = s.bash("git add -f priv/static/assets/app.css lib/a.ex")
    draft = draft_from_episode(failure, fix, [])
    assert draft is not None and draft.trigger is not None
    assert draft.trigger.operand == "priv/static/assets"
    assert "for \u201cpriv/static/assets\u201d" in draft.title  # a file's name, quoted as data


def test_the_failing_command_of_a_line_is_the_one_the_error_names() -> None:
    s = session()
    failure = s.bash(
        "mix test && git add -A && git push", error=no_upstream("feat-x"), error_class="MISSING_PREREQUISITE"
    )
    fix = s.bash("git push -u origin feat-x")
    draft = draft_from_episode(failure, fix, [])
    assert draft is not None and draft.trigger is not None
    assert draft.trigger.words == ("git", "push")


def test_no_lesson_when_the_fix_adds_no_flag_and_no_step() -> None:
    s = session()
    failure = push_failure(s)
    fix = s.bash("git push origin feat-x")  # the upstream was set some other way
    assert draft_from_episode(failure, fix, [s.bash("git status")]) is None


# ----------------------------------------------------------------------------- step


def test_a_step_the_error_names_is_the_lesson() -> None:
    s = session()
    failure = s.bash("git add -A && git commit -m x", error=PRE_COMMIT, error_class="WORKFLOW_SEQUENCE")
    between = [s.bash("git status"), s.bash("mix format"), s.bash("git diff --stat")]
    fix = s.bash("git add -A && git commit -m x")
    draft = draft_from_episode(failure, fix, between)
    assert draft is not None and draft.trigger is not None
    assert draft.trigger.words == ("git", "commit")
    assert draft.trigger.lacks == ()
    unless = draft.trigger.unless
    assert unless is not None
    assert (unless.words, unless.since, unless.exts) == (("mix", "format"), "change", extensions_for(("mix", "format")))
    assert draft.trigger.describe() == "shell `git commit`, unless `mix format` ran since the last change"
    assert draft.title.startswith(
        "`git commit` fails unless `mix format` ran first: tool output “Pre-commit validation failed"
    )
    assert draft.prevention_command == "mix format"
    assert draft.category == "mix"


def test_a_step_that_failed_is_not_the_fix() -> None:
    s = session()
    failure = s.bash("git commit -m x", error=PRE_COMMIT, error_class="WORKFLOW_SEQUENCE")
    between = [s.bash("mix format", error="Exit code 1\n** (SyntaxError) lib/a.ex:3")]
    assert draft_from_episode(failure, s.bash("git commit -m x"), between) is None


def test_a_command_the_error_only_quotes_is_a_step() -> None:
    s = session()
    error = "Exit code 1\nerror: schema out of date.\nRun 'make gen-schema' first."
    failure = s.bash("make deploy", error=error, error_class="MISSING_PREREQUISITE")
    draft = draft_from_episode(failure, s.bash("make deploy"), [s.bash("make gen-schema")])
    assert draft is not None and draft.trigger is not None and draft.trigger.unless is not None
    assert draft.trigger.unless.words == ("make", "gen-schema")
    assert draft.trigger.unless.exts == ()  # unknown tool: any change undoes it


def test_a_test_failure_fixed_by_edits_teaches_nothing() -> None:
    s = session()
    failure = s.bash("mix test test/spotter_web", error=TEST_FAILURE, error_class="CHECK_FAILED")
    between = [
        s.read("lib/spotter_web/live/pane_list_live.ex"),
        s.bash("ls lib/spotter_web/live"),  # "ls" occurs inside "tools/ls" and "fails"
        s.edit("lib/spotter_web/live/pane_list_live.ex"),
        s.bash("mix compile"),
    ]
    fix = s.bash("mix test test/spotter_web")
    assert draft_from_episode(failure, fix, between) is None


def test_a_plain_command_named_inside_a_word_is_not_a_step() -> None:
    s = session()
    error = "Exit code 1\nthe call fails: lsof reported tools busy"
    failure = s.bash("make run", error=error, error_class="MISSING_PREREQUISITE")
    assert draft_from_episode(failure, s.bash("make run"), [s.bash("ls"), s.bash("lsof -i :4000")]) is None


def test_a_plain_command_named_as_a_word_without_quotes_is_not_a_step() -> None:
    s = session()
    error = "Exit code 1\nnothing to run; ls the folder to see what exists"
    failure = s.bash("make run", error=error, error_class="MISSING_PREREQUISITE")
    assert draft_from_episode(failure, s.bash("make run"), [s.bash("ls")]) is None


# ----------------------------------------------------------------------------- path


def test_a_file_tool_on_the_wrong_path_teaches_the_right_one() -> None:
    s = session()
    failure = s.read(
        "test/support/fixtures.ex",
        error="<tool_use_error>File does not exist.</tool_use_error>",
        error_class="INCORRECT_PARAMETER",
    )
    fix = s.read("test/support/fixtures/fixtures.ex")
    draft = draft_from_episode(failure, fix, [])
    assert draft is not None and draft.trigger is not None
    assert draft.trigger.to_json() == {"kind": "read", "path": "test/support/fixtures.ex"}
    assert draft.title == "Read of “test/support/fixtures.ex” fails: tool output “File does not exist.”"
    assert draft.prevention == "Use “test/support/fixtures/fixtures.ex” (same name, other folder)."


def test_no_path_lesson_for_the_same_path() -> None:
    s = session()
    failure = s.edit("lib/a.ex", error="<tool_use_error>String to replace not found in file.</tool_use_error>")
    assert draft_from_episode(failure, s.edit("lib/a.ex"), []) is None


def test_a_call_that_did_not_fail_teaches_nothing() -> None:
    s = session()
    assert draft_from_episode(s.bash("git push"), s.bash("git push -u origin feat-x"), []) is None


def test_a_fix_that_only_bypasses_the_check_teaches_nothing() -> None:
    s = session()
    failure = s.bash("git commit -m x", error=PRE_COMMIT, error_class="WORKFLOW_SEQUENCE")
    assert draft_from_episode(failure, s.bash("git commit --no-verify -m x"), []) is None
    assert draft_from_episode(failure, s.bash("git commit -n -m x"), []) is None


def test_a_command_cut_by_its_timeout_teaches_only_a_flag_that_stops_it_waiting() -> None:
    """A timed-out command may work the next time whatever it adds: `-TotalCount` after a timeout is
    no lesson; `--run` (a test runner's watch mode left) and `CI=1` are."""
    s = session()
    timed_out = "command timed out after 10000 milliseconds"
    read = s.bash("Get-Content big.log", error=timed_out, error_class="MISSING_PARAMETER")
    assert draft_from_episode(read, s.bash("Get-Content big.log -TotalCount 50"), []) is None
    watch = s.bash("npx vitest", error=timed_out, error_class="MISSING_PARAMETER")
    draft = draft_from_episode(watch, s.bash("npx vitest --run"), [])
    assert draft is not None and draft.trigger is not None and "--run" in draft.trigger.lacks
    ci = s.bash("npm test", error="Exit code 124", error_class="MISSING_PARAMETER")
    draft = draft_from_episode(ci, s.bash("CI=1 npm test"), [])
    assert draft is not None and draft.trigger is not None and "CI=" in draft.trigger.lacks
