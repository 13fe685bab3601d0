"""Lessons from any repeated failure, without a hand-written case (issue 24, item 2;
learning/engine/general_lessons.py): a program that does not exist here, the same call resent, a failure
that comes back in another session, a remedy from the call that worked, a shaped lesson replacing
the general one. A lesson warns once its mistake failed in two sessions: after one it is a candidate,
silent (confidence.MIN_FAILED_SESSIONS), so a test of its warning plays the mistake in two sessions."""

from __future__ import annotations

import pytest

from lessonloop.learning.engine import general_lessons
from lessonloop.learning.engine.engine import Learner, Policy
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.general_lessons import is_general
from tests.learning_helpers import Script, ScriptedSession, play

PS_SED = (
    "Exit code: 1\nsed : The term 'sed' is not recognized as the name of a cmdlet, function, script file, "
    "or operable program."
)
MODULE = "Exit code 1\nModuleNotFoundError: No module named 'app'"


def fired_on(learner: Learner, event: CallEvent) -> list[str]:
    decision = play(learner, event)
    return [f.lesson.title for f in decision.fired]


def once(learner: Learner, event: CallEvent) -> None:
    """`event`, a failure, in a session of its own that then ends: the lesson it teaches failed in
    one session, a candidate that warns nowhere until it fails in another
    (confidence.MIN_FAILED_SESSIONS); every lesson of the learner is one so far."""
    assert not fired_on(learner, event)
    learner.end_session(event.session_id)
    assert learner.lessons and all(lesson.tier == "candidate" for lesson in learner.lessons.values())


def test_a_missing_program_warns_its_next_use_in_the_session_and_in_later_ones() -> None:
    learner = Learner()
    script = Script()
    once(learner, script.session("s0").bash("sed -n '1,9p' z.txt", error=PS_SED, error_class="MISSING_PREREQUISITE"))
    s1 = script.session("s1")
    play(learner, s1.bash("sed -n '1,20p' a.txt", error=PS_SED, error_class="MISSING_PREREQUISITE"))
    (lesson,) = learner.lessons.values()
    assert is_general(lesson) and lesson.trigger is not None and lesson.trigger.words == ("sed",)
    assert lesson.tier == "active"  # failed in a second session
    # another use of the program, later in the same session, with other arguments: warned
    assert fired_on(learner, s1.bash("sed -n '5,9p' b.txt", error=PS_SED, error_class="MISSING_PREREQUISITE"))
    learner.end_session("s1")
    s2 = script.session("s2")
    assert fired_on(learner, s2.bash("cat x | sed s/a/b/", error=PS_SED, error_class="MISSING_PREREQUISITE"))


def test_the_same_call_resent_with_nothing_changed_is_stopped_once() -> None:
    """Resent as it failed, nothing changed since: it fails again, so it is stopped (the hooks'
    default); sent a third time, it runs and nothing is said (the stop once: the agent insisted)."""
    learner = Learner()
    s = Script().session("s1")
    error = "Exit code 1\nerror: unexpected argument '--colour' found"
    play(learner, s.bash("tool run --colour", error=error, error_class="UNKNOWN"))
    assert play(learner, s.bash("tool run --colour", error=error, error_class="UNKNOWN")).action == "stop"
    insisted = play(learner, s.bash("tool run --colour", error=error, error_class="UNKNOWN"))
    assert (insisted.action, insisted.fired) == ("none", [])


def test_the_same_call_resent_with_nothing_changed_is_warned_at_once() -> None:
    learner = Learner(Policy(stop=False))  # --warn-only: every resend is warned
    s = Script().session("s1")
    error = "Exit code 1\nerror: unexpected argument '--colour' found"
    play(learner, s.bash("tool run --colour", error=error, error_class="UNKNOWN"))
    assert learner.lessons == {}  # UNKNOWN teaches no stored lesson at its first occurrence
    assert fired_on(learner, s.bash("tool run --colour", error=error, error_class="UNKNOWN"))
    # after a file changed, the same command may work: no warning
    play(learner, s.edit("lib/a.py"))
    assert not fired_on(learner, s.bash("tool run --colour"))
    # a read in between changes nothing: still the same call resent
    play(learner, s.bash("tool run --colour", error=error, error_class="UNKNOWN"))
    play(learner, s.read("lib/a.py"))
    assert fired_on(learner, s.bash("tool run --colour", error=error, error_class="UNKNOWN"))


def test_a_failure_that_may_be_work_in_progress_teaches_only_when_it_comes_back_in_another_session() -> None:
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    play(learner, s1.bash("npm test", error=MODULE, error_class="CHECK_FAILED"))
    assert not [lesson for lesson in learner.lessons.values() if is_general(lesson)]
    learner.end_session("s1")
    s2 = script.session("s2")
    play(learner, s2.bash("npm test", error=MODULE, error_class="CHECK_FAILED"))
    general = [lesson for lesson in learner.lessons.values() if is_general(lesson)]
    assert general and general[0].trigger is not None and general[0].trigger.words == ("npm", "test")


def test_the_call_that_worked_is_the_remedy() -> None:
    learner = Learner()
    s = Script().session("s1")
    missing = "Exit code 127\nbash: line 1: python: command not found"
    play(learner, s.bash("python manage.py check", error=missing, error_class="MISSING_PREREQUISITE"))
    play(learner, s.bash("python3 manage.py check"))
    (lesson,) = learner.lessons.values()
    assert lesson.prevention_command == "python3 manage.py check"
    assert "instead of `python manage.py check`" in (lesson.prevention or "")


def test_inline_code_and_a_bare_program_are_no_intent() -> None:
    learner = Learner()
    s = Script().session("s1")
    play(learner, s.bash("python -c 'import x'", error=MODULE, error_class="INCORRECT_PARAMETER"))
    play(learner, s.bash("rg -n foo(", error="Exit code 2\nregex parse error", error_class="PARAMETER_FORMAT"))
    assert learner.lessons == {}


def test_a_general_lesson_is_silent_in_the_sessions_that_taught_it_and_demoted_by_clean_sessions() -> None:
    learner = Learner()
    script = Script()
    bad = "Exit code 2\nerror: unrecognized subcommand 'lint'"
    for name in ("s1", "s1b"):  # two failing sessions: a candidate after the first, active after the second
        s1 = script.session(name)
        play(learner, s1.bash("npm lint src", error=bad, error_class="INCORRECT_PARAMETER"))
        # the agent's corrected call in the same session is not warned (the resent-call warning speaks here)
        assert not fired_on(learner, s1.bash("npm lint --fix src"))
        learner.end_session(name)
    (lesson,) = learner.lessons.values()
    assert lesson.tier == "active" and lesson.failed_sessions == 2
    # warned in later sessions, and it worked each time: each clean session (a false alarm) lowers it
    for name in ("s2", "s3", "s4"):
        assert fired_on(learner, script.session(name).bash(f"npm lint {name}"))
        learner.end_session(name)
    s5 = script.session("s5")
    # demoted by the clean sessions: two failing of five (0.14), below confidence.ACTIVE_BELOW
    assert not fired_on(learner, s5.bash("npm lint last"))
    assert lesson.tier == "candidate"


def test_a_tool_parameter_rule_stated_by_the_error_becomes_a_check_on_the_parameter() -> None:
    learner = Learner()
    script = Script()
    s0 = script.session("s0")
    s1 = script.session("s1")
    too_long = (
        'InputValidationError: [{"code":"too_big","maximum":100,"type":"string","inclusive":true,'
        '"message":"String must contain at most 100 character(s)","path":["description"]}]'
    )
    long_text = "x" * 140

    def too_long_task(s: ScriptedSession) -> CallEvent:
        tool_input = {"description": long_text, "prompt": "p"}
        return s.call("Task", tool_input=tool_input, error=too_long, error_class="INCORRECT_PARAMETER")

    once(learner, too_long_task(s0))
    play(learner, too_long_task(s1))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and (lesson.trigger.param, lesson.trigger.rule) == ("description", "max:100")
    assert lesson.tier == "active"  # failed in a second session
    # a call within the rule is not warned, one over it is, in this session and later ones
    assert not fired_on(learner, s1.call("Task", tool_input={"description": "short", "prompt": "p"}))
    assert fired_on(
        learner,
        s1.call(
            "Task",
            tool_input={"description": "y" * 120, "prompt": "p"},
            error=too_long,
            error_class="INCORRECT_PARAMETER",
        ),
    )
    learner.end_session("s1")
    s2 = script.session("s2")
    assert fired_on(learner, s2.call("Task", tool_input={"description": "z" * 101, "prompt": "p"}))


def test_a_rule_checkable_before_the_call_stays_in_force_after_the_tool_worked_in_its_session() -> None:
    """A one-off (one failing session) that is a parameter's rule speaks in its own session on every
    call that breaks the rule, though a call of the same tool within the rule worked in between
    (issue 80, item 5): the worked call says nothing about the field's length."""
    learner = Learner()
    s = Script().session("s1")
    too_long = (
        'InputValidationError: [{"code":"too_big","maximum":100,"type":"string","inclusive":true,'
        '"message":"String must contain at most 100 character(s)","path":["description"]}]'
    )

    def task(description: str, failed: bool) -> CallEvent:
        tool_input = {"description": description, "prompt": "p"}
        if failed:
            return s.call("Task", tool_input=tool_input, error=too_long, error_class="INCORRECT_PARAMETER")
        return s.call("Task", tool_input=tool_input)

    play(learner, task("x" * 140, failed=True))
    (lesson,) = learner.lessons.values()
    assert lesson.tier == "candidate" and lesson.trigger is not None and lesson.trigger.param == "description"
    assert not play(learner, task("short", failed=False)).fired  # within the rule: it worked
    again = play(learner, task("y" * 130, failed=True))  # over it again, another text
    assert [(f.lesson.signature, f.action) for f in again.fired] == [(lesson.signature, "stop")]


def test_the_same_old_text_resent_to_an_unchanged_file_is_warned_whatever_its_new_text() -> None:
    learner = Learner()
    s = Script().session("s1")
    missing = "<tool_use_error>String to replace not found in file.\nString: def run(x):</tool_use_error>"

    def edit(old: str, new: str, error: str | None = None) -> CallEvent:
        return s.call(
            "Edit",
            target_path=s.path("app.py"),
            tool_input={"old_string": old, "new_string": new},
            error=error,
            error_class="INCORRECT_PARAMETER" if error else None,
        )

    play(learner, edit("def run(x):\n    return x", "def run(x):\n    return 2 * x", missing))
    # the same old text with another new text: the file has not changed, it fails again
    assert fired_on(learner, edit("def run(x):\n    return x", "def run(x):\n    return x + 1", missing))
    # the same lines with trailing spaces and other line ends are the same text
    assert fired_on(learner, edit("def run(x):  \r\n    return x\r\n", "def run(x):\n    return 5", missing))
    # another indentation is another text; a read changes nothing
    play(learner, s.read("app.py"))
    assert not fired_on(learner, edit("    def run(x):\n        return x", "    def run(x):\n        return 3"))
    # nor is a blank line among them (as a formatter puts in, seen by reading the file)
    assert not fired_on(learner, edit("def run(x):\n\n    return x", "def run(x):\n    return 6"))
    # an edit whose new text may hold it ends the warning
    play(learner, edit("pass", "def run(x):\n    return x"))
    assert not fired_on(learner, edit("def run(x):\n    return x", "def run(x):\n    return 4"))


CLAUDE_SEVERAL = (
    "<tool_use_error>Found 2 matches of the string to replace, but replace_all is false. To replace all "
    "occurrences, set replace_all to true. To replace only one occurrence, please provide more context to "
    "uniquely identify the instance.\nString: return None</tool_use_error>"
)
GEMINI_SEVERAL = "Failed to edit, Expected 1 occurrence but found 3 for old_string in file: /w/app.py"
OPENCODE_SEVERAL = (
    "Found multiple matches for oldString. Provide more surrounding lines in oldString to identify the correct match."
)


@pytest.mark.parametrize(
    ("tool", "old", "error", "remedy"),
    [
        ("Edit", "old_string", CLAUDE_SEVERAL, {"replace_all": True}),
        ("replace", "old_string", GEMINI_SEVERAL, {"expected_replacements": 3}),
        ("edit", "oldString", OPENCODE_SEVERAL, {"replaceAll": True}),
    ],
)
def test_an_old_text_the_file_holds_several_times_is_warned_again_unless_the_edit_allows_several(
    tool: str, old: str, error: str, remedy: dict[str, object]
) -> None:
    """The uniqueness rule the edit tool states: the same old text, or a part of it, sent again to
    the unchanged file is there several times too; an edit that says to replace them all is the
    remedy, and a change to the file ends the warning."""
    learner = Learner()
    s = Script().session("s1")

    def edit(text: str, error: str | None = None, more: dict[str, object] | None = None) -> CallEvent:
        event = s.call(
            tool,
            target_path=s.path("app.py"),
            # a new text of its own each time: not the same call resent
            tool_input={
                old: text,
                old.replace("old", "new").replace("Old", "New"): f"x{len(s.events)}",
                **(more or {}),
            },
            error=error,
            error_class="INCORRECT_PARAMETER" if error else None,
        )
        event.call.kind = "edit"
        return event

    play(learner, edit("    return None\n", error))
    assert fired_on(learner, edit("    return None\n", error))  # the same old text, another new text
    assert fired_on(learner, edit("return None"))  # a part of it: there as often
    assert not fired_on(learner, edit("    return None\n", more=remedy))  # the remedy carried
    assert not fired_on(learner, edit("def f():\n    return None\n"))  # more context: another text
    play(learner, edit("a = 1", None))  # the file changed: the count may differ now
    assert not fired_on(learner, edit("    return None\n"))


def test_a_patch_resent_with_the_lines_codex_did_not_find_is_warned() -> None:
    learner = Learner()
    s = Script().session("s1")
    failed = (
        "apply_patch verification failed: Failed to find expected lines in /w/app/src/lib.rs:\n"
        'fn main() {\n    println!("hi");'
    )

    def patch(body: str, error: str | None = None) -> CallEvent:
        text = f"*** Begin Patch\n*** Update File: src/lib.rs\n@@\n{body}\n*** End Patch"
        event = s.call(
            "apply_patch",
            target_path="src/lib.rs",
            tool_input={"input": text},
            error=error,
            error_class="INCORRECT_PARAMETER" if error else None,
        )
        event.call.kind = "edit"  # Codex's apply_patch is an edit (the script's table is Claude Code's)
        return event

    play(learner, patch(' fn main() {\n-    println!("hi");\n+    println!("hello");', failed))
    # the same context again, with another change: warned before it runs
    assert fired_on(learner, patch(' fn main() {\n-    println!("hi");\n+    println!("hey");', failed))
    # an empty line in a hunk is a blank context line: the expected lines with one between are others
    assert not fired_on(learner, patch(' fn main() {\n\n-    println!("hi");\n+    println!("hey");'))
    # a patch whose context is other lines: nothing to say
    assert not fired_on(learner, patch(" fn start() {\n-    run();\n+    go();"))


def test_a_shell_operator_the_shell_rejects_is_warned_wherever_it_is_used() -> None:
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    rejected = (
        "Exit code: 1\nAt line:1 char:15\n+ cd src-tauri && cargo test\n+               ~~\n"
        "The token '&&' is not a valid statement separator in this version.\n"
        "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException"
    )
    once(learner, script.session("s0").bash("cd app && make", error=rejected, error_class="PARAMETER_FORMAT"))
    (lesson,) = learner.lessons.values()
    assert lesson.scope == "project"  # one failing session: not yet the machine's
    play(learner, s1.bash("cd src-tauri && cargo test", error=rejected, error_class="PARAMETER_FORMAT"))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and lesson.trigger.token == "&&" and lesson.scope == "global"
    assert lesson.tier == "active"
    # another command joined with the same operator, in this session or another project: warned
    assert fired_on(learner, s1.bash("cd web && npm test", error=rejected, error_class="PARAMETER_FORMAT"))
    learner.end_session("s1")
    s2 = script.session("s2", project="/other/project")
    assert fired_on(learner, s2.bash("git add -A && git commit -m x"))
    # `&&` inside quotes is text, not the operator; `;` is another operator
    assert not fired_on(learner, s2.bash('rg "a && b" src'))
    assert not fired_on(learner, s2.bash("cd web; npm test"))


def test_a_setting_the_command_needed_is_the_remedy_and_its_absence_the_trigger() -> None:
    # "a test run missing an environment setting": a module not found without PYTHONPATH
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    play(learner, s1.bash("pytest tests/", error=MODULE, error_class="MISSING_PREREQUISITE"))
    play(learner, s1.bash("PYTHONPATH=. pytest tests/"))
    (lesson,) = [lesson for lesson in learner.lessons.values() if lesson.trigger is not None]
    assert lesson.trigger is not None and lesson.trigger.lacks == ("PYTHONPATH=",)
    assert lesson.prevention_command == "PYTHONPATH=. pytest tests/"
    learner.end_session("s1")
    assert lesson.tier == "candidate"  # one failing session
    again = script.session("s1b")
    # a one-off's note in the project's next session
    assert fired_on(learner, again.bash("pytest tests/", error=MODULE, error_class="MISSING_PREREQUISITE")) == [
        lesson.title
    ]
    learner.end_session("s1b")
    assert lesson.tier == "active"  # failed in a second session
    s2 = script.session("s2")
    assert fired_on(learner, s2.bash("pytest tests/test_a.py -q", error=MODULE, error_class="MISSING_PREREQUISITE"))
    # with the setting, whatever its value, in any of the ways a shell takes it: not warned
    assert not fired_on(learner, s2.bash("PYTHONPATH=src pytest tests/test_a.py"))
    assert not fired_on(learner, s2.bash("export PYTHONPATH=src && pytest tests/test_b.py"))
    assert not fired_on(learner, s2.bash("env PYTHONPATH=src pytest tests/test_c.py"))


def test_a_tool_that_does_not_exist_here_is_warned_at_its_next_call() -> None:
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    missing = "<tool_use_error>Error: No such tool available: mcp__tracker__create</tool_use_error>"
    once(
        learner,
        script.session("s0").call(
            "mcp__tracker__create", tool_input={"title": "w"}, error=missing, error_class="WRONG_TOOL_SELECTION"
        ),
    )
    play(
        learner,
        s1.call("mcp__tracker__create", tool_input={"title": "x"}, error=missing, error_class="WRONG_TOOL_SELECTION"),
    )
    (lesson,) = learner.lessons.values()
    assert lesson.tier == "active"  # failed in a second session
    assert lesson.trigger is not None and lesson.trigger.tool == "mcp__tracker__create"
    assert fired_on(learner, s1.call("mcp__tracker__create", tool_input={"title": "y"}, error=missing))
    assert not fired_on(learner, s1.call("mcp__tracker__list", tool_input={}))
    learner.end_session("s1")
    s2 = script.session("s2")
    assert fired_on(learner, s2.call("mcp__tracker__create", tool_input={"title": "z"}, error=missing))
    # Gemini CLI's and Codex's words for it
    gemini = 'Tool "write_file" not found in registry. Tools must use the exact names that are registered.'
    assert general_lessons.unavailable_tool(gemini, "write_file")
    assert general_lessons.unavailable_tool("unsupported call: mcp__lsp__search", "mcp__lsp__search")
    assert not general_lessons.unavailable_tool(gemini, "read_file")


def test_a_parameter_given_as_the_wrong_type_is_checked_before_the_call() -> None:
    learner = Learner()
    script = Script()
    wrong = (
        "<tool_use_error>InputValidationError: Read failed due to the following issue:\n"
        "The parameter `limit` type is expected as `number` but provided as `string`</tool_use_error>"
    )
    s0 = script.session("s0")
    once(
        learner,
        s0.call("Read", target_path="/p/z.py", tool_input={"limit": "9"}, error=wrong, error_class="PARAMETER_FORMAT"),
    )
    s1 = script.session("s1")
    play(
        learner,
        s1.call("Read", target_path="/p/a.py", tool_input={"limit": "50"}, error=wrong, error_class="PARAMETER_FORMAT"),
    )
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and (lesson.trigger.param, lesson.trigger.rule) == ("limit", "type:number")
    assert fired_on(learner, s1.call("Read", target_path="/p/b.py", tool_input={"limit": "20"}, error=wrong))
    assert not fired_on(learner, s1.call("Read", target_path="/p/b.py", tool_input={"limit": 20}))
    assert not fired_on(learner, s1.call("Read", target_path="/p/c.py", tool_input={}))


def test_a_failed_cd_teaches_nothing_about_the_command_after_it() -> None:
    learner = Learner()
    script = Script()
    for name in ("s1", "s2"):
        s = script.session(name)
        for cd_error in (
            "Exit code 1\n(eval):cd:1: no such file or directory: frontend",
            "Exit code 1\nbash: line 1: cd: frontend: No such file or directory",
        ):
            play(learner, s.bash("cd frontend && npm test", error=cd_error, error_class="INCORRECT_PARAMETER"))
        learner.end_session(name)
    assert not [lesson for lesson in learner.lessons.values() if lesson.trigger is not None]
    assert not fired_on(learner, script.session("s3").bash("npm test"))


def test_zsh_names_the_missing_program_last() -> None:
    learner = Learner()
    s1 = Script().session("s1")
    play(
        learner,
        s1.bash(
            "tree -L 2", error="Exit code 127\n(eval):1: command not found: tree", error_class="MISSING_PREREQUISITE"
        ),
    )
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and lesson.trigger.words == ("tree",) and lesson.machine_wide


def test_zod_and_ajv_state_the_type_a_parameter_must_have() -> None:
    zod = (
        'InputValidationError: [{"code": "invalid_type", "expected": "number", "received": "string", '
        '"path": ["limit"], "message": "Expected number, received string"}]'
    )
    assert general_lessons.parameter_rule(zod, {"limit": "5"}) == ("limit", "type:number")
    assert general_lessons.parameter_rule("params/recursive must be boolean", {"recursive": "yes"}) == (
        "recursive",
        "type:boolean",
    )
    # a parameter the call did not send is no rule of this call
    assert general_lessons.parameter_rule(zod, {"offset": 1}) is None


def test_only_the_lessons_own_error_brings_a_worked_lesson_back_in_a_session() -> None:
    learner = Learner()
    script = Script()
    missing = "Exit code 127\nbash: line 1: pyth: command not found"
    crash = "Exit code 1\nTraceback (most recent call last):\nValueError: bad value"
    once(learner, script.session("s0").bash("pyth z.py", error=missing, error_class="MISSING_PREREQUISITE"))
    s = script.session("s1")
    play(learner, s.bash("pyth a.py", error=missing, error_class="MISSING_PREREQUISITE"))
    assert fired_on(learner, s.bash("pyth b.py", error=missing, error_class="MISSING_PREREQUISITE"))
    play(learner, s.bash("pyth c.py"))  # it works now (installed)
    assert not fired_on(learner, s.bash("pyth d.py", error=crash, error_class="UNKNOWN"))
    # the program failed, but not because it is missing: the lesson stays silent
    assert not fired_on(learner, s.bash("pyth e.py"))
    # its own error again: the next use is warned
    play(learner, s.bash("pyth f.py", error=missing, error_class="MISSING_PREREQUISITE"))
    assert fired_on(learner, s.bash("pyth g.py"))


def test_a_project_script_run_by_its_path_is_an_intent() -> None:
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    # (an error about the script's own form teaches its family instead: test_a_scripts_form_teaches...)
    crlf = "Exit code 1\nERROR: the settings in config/app.yml are invalid"
    play(learner, s1.bash("./scripts/build.sh", error=crlf, error_class="INCORRECT_PARAMETER"))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and lesson.trigger.words == ("./scripts/build.sh",)
    learner.end_session("s1")
    assert lesson.tier == "candidate"  # one failing session: a one-off
    assert lesson.prevention is not None and "config/app.yml" in lesson.prevention  # the file its error names
    again = script.session("s1b")
    # a one-off that names a check: a note in its project's next session (issue 83)
    assert fired_on(learner, again.bash("./scripts/build.sh", error=crlf, error_class="INCORRECT_PARAMETER"))
    learner.end_session("s1b")
    s2 = script.session("s2")
    assert fired_on(learner, s2.bash("./scripts/build.sh", error=crlf, error_class="INCORRECT_PARAMETER"))
    # a program of the system run by its path, or a word that only holds a slash, is no script
    play(learner, s2.bash("/usr/bin/foo", error="Exit code 2\nfoo: bad input", error_class="INCORRECT_PARAMETER"))
    play(learner, s2.bash('@"a/b"@', error="Exit code 1\nUnexpected token", error_class="PARAMETER_FORMAT"))
    assert len(learner.lessons) == 1


def test_a_permission_the_harness_was_not_given_warns_the_next_call_in_a_later_session() -> None:
    from lessonloop.analyze.error_classes import classify_call

    learner = Learner()
    script = Script()
    refused = {
        "WebFetch": "Claude requested permissions to use WebFetch, but you haven't granted it yet.",
        "Bash": "Claude requested permissions to use Bash, but you haven't granted it yet.",
    }
    # refused in two sessions (after the first, its lessons are candidates: a note in the second)
    for name in ("s1", "s1b"):
        s1 = script.session(name)
        for event in (
            s1.call("WebFetch", tool_input={"url": "https://a.example"}, error=refused["WebFetch"]),
            s1.bash("git push origin HEAD:main", error=refused["Bash"]),
        ):
            found = classify_call(event.call)
            assert found is not None and found.label == "MISSING_PREREQUISITE"
            event.error_class = found.label
            # a one-off's note in s1b: WebFetch's names a remedy, `git push`'s the check of a refusal
            # (lesson_model/checks.py: ask the person)
            assert bool(fired_on(learner, event)) == (name == "s1b")
        learner.end_session(name)
    s2 = script.session("s2")
    # the tool as a whole, whatever its input; for Bash the command, not every command
    assert fired_on(learner, s2.call("WebFetch", tool_input={"url": "https://b.example"}))
    assert fired_on(learner, s2.bash("git push"))
    assert not fired_on(learner, s2.bash("git status"))


def test_a_backslash_escaped_quote_the_shell_does_not_take_is_warned_wherever_the_line_uses_one() -> None:
    """PowerShell reads `"a\\"b"` as the string `a\\` and a stray `b"`: "The string is missing the
    terminator"; once that failed in two sessions, the next line using `\\"` (outside single
    quotes) is warned, in any project."""
    learner = Learner()
    script = Script()
    unterminated = (
        'Exit code: 1\nAt line:2 char:28\n+ rg -n "data-testid=\\"skill" src\n'
        '+                            ~~~~~~~\nThe string is missing the terminator: ".\n'
        "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException"
    )
    s1 = script.session("s1")
    play(learner, s1.bash('rg -n "data-testid=\\"skill" src', error=unterminated, error_class="PARAMETER_FORMAT"))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and lesson.trigger.token == '\\"'
    assert "single quotes" in (lesson.prevention or "")
    learner.end_session("s1")
    assert lesson.tier == "candidate" and lesson.scope == "project"  # one failing session
    again = script.session("s1b")
    assert fired_on(learner, again.bash('rg "a=\\"b" src', error=unterminated, error_class="PARAMETER_FORMAT")) == [
        lesson.title
    ]  # a one-off's note in the project's next session
    learner.end_session("s1b")
    assert lesson.tier == "active" and lesson.scope == "global"  # the machine's shell, seen failing twice
    s2 = script.session("s2", project="/elsewhere")
    assert fired_on(learner, s2.bash('Select-String -Pattern "id=\\"module" -Path x.tsx'))
    assert not fired_on(learner, s2.bash("rg -n 'data-testid=\"module' src"))


def test_a_nested_parameter_the_validator_names_by_its_path_becomes_a_check_on_every_item() -> None:
    """ajv names a nested parameter by its path ("params/questions/0/header must NOT have more
    than 16 characters", issue 61 item 1): the rule is every item's header, checked on the next
    call whichever item breaks it."""
    from lessonloop.lesson_model.triggers import breaks_rule, values_at

    error = "params/questions/0/header must NOT have more than 16 characters"
    failed_input = {"questions": [{"header": "A header that is far too long", "question": "?"}]}
    assert general_lessons.parameter_rule(error, failed_input) == ("questions/*/header", "max:16")
    assert values_at({"questions": [{"header": "a"}, {"header": "b"}, {}]}, "questions/*/header") == ["a", "b"]
    param, rule = "questions/*/header", "max:16"
    assert breaks_rule({"questions": [{"header": "ok"}, {"header": "x" * 17}]}, param, rule)
    assert not breaks_rule({"questions": [{"header": "ok"}, {"header": "also fine"}]}, param, rule)
    assert not breaks_rule({"questions": "not a list"}, param, rule)
    assert general_lessons.parameter_rule(
        "params/options/2/label must be string", {"options": [{}, {}, {"label": 3}]}
    ) == (
        "options/*/label",
        "type:string",
    )

    learner = Learner()
    script = Script()

    def too_long(s: ScriptedSession, header: str) -> CallEvent:
        return s.call(
            "ask_user",
            tool_input={"questions": [{"header": header}]},
            error=error,
            error_class="INCORRECT_PARAMETER",
        )

    once(learner, too_long(script.session("s0"), "Which database do you use?"))
    s1 = script.session("s1")
    play(learner, too_long(s1, "Which framework should I pick?"))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and (lesson.trigger.param, lesson.trigger.rule) == (param, rule)
    assert lesson.tier == "active"
    assert fired_on(learner, s1.call("ask_user", tool_input={"questions": [{"header": "Short"}, {"header": "x" * 30}]}))
    assert not fired_on(learner, s1.call("ask_user", tool_input={"questions": [{"header": "Short"}]}))


def test_the_common_validators_words_become_a_check_on_the_parameter() -> None:
    """Gemini CLI and MCP servers validate a tool's parameters with ajv: "params/description must
    NOT have more than 100 characters". The error is an incorrect parameter (analyze/error_classes.py)
    and its rule a check on the next call, in the same session too (issue 41: it never fired), once
    the rule was broken in two sessions (after one, the lesson is a candidate)."""
    from lessonloop.analyze.error_classes import classify_call
    from lessonloop.analyze.inputs import Call

    too_long = "params/description must NOT have more than 100 characters"
    failed = Call(
        id="c1", context_id="s1", seq=1, ts="2026-01-01T00:00:00.000Z", tool="write_todos", kind="other",
        input={"description": "x" * 140}, target_path=None, command=None, cwd="/p", status="error", exit_code=None,
        error_text=too_long, result_text="", result_seq=1, result_ts=None,
    )  # fmt: skip
    found = classify_call(failed)
    assert found is not None and found.label == "INCORRECT_PARAMETER"
    # a shell command printing such errors is the project's own schema at work, not the call's input
    shell = Call(
        id="c0", context_id="s1", seq=1, ts="2026-01-01T00:00:00.000Z", tool="Bash", kind="shell",
        input={"command": "npm run validate"}, target_path=None, command="npm run validate", cwd="/p",
        status="error", exit_code=1, error_text=too_long, result_text="", result_seq=1, result_ts=None,
    )  # fmt: skip
    shell_class = classify_call(shell)
    assert shell_class is not None and shell_class.label == "UNKNOWN"
    assert general_lessons.parameter_rule(too_long, {"description": "x" * 140}) == ("description", "max:100")
    assert general_lessons.parameter_rule("params/query must NOT have fewer than 3 characters", {"query": "ab"}) == (
        "query",
        "min:3",
    )
    # a nested path that reaches no value of the call's input: no rule
    assert (
        general_lessons.parameter_rule("params/todos/0/description must NOT have more than 9 characters", {"todos": []})
        is None
    )

    learner = Learner()
    script = Script()

    def too_long_todos(s: ScriptedSession) -> CallEvent:
        return s.call(
            "write_todos", tool_input={"description": "x" * 140}, error=too_long, error_class="INCORRECT_PARAMETER"
        )

    once(learner, too_long_todos(script.session("s0")))
    s1 = script.session("s1")
    play(learner, too_long_todos(s1))
    (lesson,) = learner.lessons.values()
    assert lesson.tier == "active"  # failed in a second session
    assert lesson.trigger is not None and (lesson.trigger.param, lesson.trigger.rule) == ("description", "max:100")
    assert not fired_on(learner, s1.call("write_todos", tool_input={"description": "short"}))
    assert fired_on(learner, s1.call("write_todos", tool_input={"description": "y" * 101}))  # the same session


def test_a_here_document_a_sandboxed_shell_cannot_write_is_warned_on_the_next_one() -> None:
    """`cannot create temp file for here-document`: every here-document fails in that sandbox,
    whatever the command; once that failed in two sessions, the next one is warned, a command
    without one is not."""
    learner = Learner()
    script = Script()
    refused = "bash: line 1: cannot create temp file for here-document: Read-only file system"
    first = script.session("s0")
    once(learner, first.bash("cat <<'EOF' > a.md\nx\nEOF", error=refused, error_class="MISSING_PREREQUISITE"))
    s = script.session("s1")
    play(learner, s.bash("cat <<'EOF' > notes.md\nhello\nEOF", error=refused, error_class="MISSING_PREREQUISITE"))
    (lesson,) = learner.lessons.values()
    assert lesson.tier == "active"  # failed in a second session
    assert lesson.trigger is not None and lesson.trigger.token == "<<" and not lesson.machine_wide
    assert fired_on(learner, s.bash("python - <<'PY'\nprint(1)\nPY", error=refused, error_class="MISSING_PREREQUISITE"))
    assert not fired_on(learner, s.bash("python -c 'print(1)'"))
    # a sandbox is a setting of the project's sessions: another project's shell is not warned
    other = script.session("s2", project="/work/elsewhere")
    assert not fired_on(learner, other.bash("cat <<'EOF' > a.md\nx\nEOF"))


@pytest.mark.parametrize(
    ("error", "wrong", "right", "rule"),
    [
        (
            "Error: Invalid parameters provided. Reason: File path must be absolute, but was relative: "
            "src/app.py. You must provide an absolute path.",
            "src/app.py",
            "/w/app/src/app.py",
            "absolute",
        ),
        (
            "File path must be within one of the workspace directories: /w/app, /w/lib",
            "/tmp/notes.md",
            "/w/lib/notes.md",
            "inside:/w/app|/w/lib",
        ),
    ],
)
def test_a_path_rule_a_file_tool_states_is_checked_on_the_next_path(
    error: str, wrong: str, right: str, rule: str
) -> None:
    """Gemini CLI's file tools state their path rules (absolute; inside the workspace): broken in
    two sessions, the rule becomes a check on the path of the next call, which a path that keeps it
    passes."""
    from lessonloop.analyze.error_classes import classify_call
    from lessonloop.analyze.inputs import Call

    failed = Call(
        id="c1", context_id="s1", seq=1, ts="2026-01-01T00:00:00.000Z", tool="read_file", kind="read",
        input={"absolute_path": wrong}, target_path=wrong, command=None, cwd="/w/app", status="error",
        exit_code=None, error_text=error, result_text="", result_seq=1, result_ts=None,
    )  # fmt: skip
    found = classify_call(failed)
    assert found is not None and found.label in ("INCORRECT_PARAMETER", "PARAMETER_FORMAT"), found
    assert general_lessons.parameter_rule(error, {"absolute_path": wrong}) == ("absolute_path", rule)
    learner = Learner()
    script = Script()
    first = script.session("s0", cwd="/w/app")
    s = script.session("s1", cwd="/w/app")

    def read(path: str, error: str | None = None, session: ScriptedSession = s) -> CallEvent:
        event = session.call(
            "read_file",
            tool_input={"absolute_path": path},
            error=error,
            error_class=found.label if error else None,
        )
        event.call.kind = "read"
        return event

    once(learner, read(wrong, error, first))  # a candidate after one session
    play(learner, read(wrong, error))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and (lesson.trigger.param, lesson.trigger.rule) == ("absolute_path", rule)
    assert lesson.tier == "active"  # failed in a second session
    assert fired_on(learner, read(wrong.replace("app", "main").replace("notes", "todo")))
    assert not fired_on(learner, read(right))


@pytest.mark.parametrize(
    ("command", "error", "cause"),
    [
        ("./scripts/build.sh", "/usr/bin/env: 'bash\\r': No such file or directory", "LF line endings"),
        ("bash scripts/build.sh", "scripts/build.sh: line 2: $'\\r': command not found", "LF line endings"),
        ("./scripts/build.sh", "bash: {script}: /bin/bash^M: bad interpreter: No such file", "LF line endings"),
        ("./scripts/build.sh", "bash: {script}: Permission denied", "chmod +x scripts/*.sh"),
    ],
)
def test_a_scripts_form_teaches_its_family_the_scripts_of_its_folder_and_kind(
    command: str, error: str, cause: str
) -> None:
    """An error about the script's own form (CRLF, the executable bit), met in two sessions, warns
    on the other scripts of its folder and extension, in the same session too, until one of them
    works."""
    learner = Learner()
    script = Script()
    failed = error.format(script="./scripts/build.sh")
    once(learner, script.session("s0").bash(command, error=failed, error_class="INCORRECT_PARAMETER"))
    s = script.session("s1")
    play(learner, s.bash(command, error=failed, error_class="INCORRECT_PARAMETER"))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and lesson.trigger.family == "scripts/*.sh"
    assert lesson.tier == "active"  # failed in a second session
    assert cause in (lesson.prevention or "")
    again = error.format(script="./scripts/test.sh")
    assert fired_on(learner, s.bash("./scripts/test.sh --fast", error=again, error_class="INCORRECT_PARAMETER"))
    assert fired_on(learner, s.bash("sh scripts/deploy.sh", error=again, error_class="INCORRECT_PARAMETER"))
    # another folder, another kind of script, no script at all: not the family
    assert not fired_on(learner, s.bash("./tools/release.sh"))
    assert not fired_on(learner, s.bash("python scripts/report.py"))
    assert not fired_on(learner, s.bash("ls scripts"))
    # fixed: a script of the family works, and the others are no longer warned in this session
    play(learner, s.bash("sed -i 's/\\r$//' scripts/*.sh"))
    play(learner, s.bash("./scripts/build.sh"))
    assert not fired_on(learner, s.bash("./scripts/test.sh"))


def test_a_file_a_read_found_not_there_is_warned_when_read_again_in_other_words() -> None:
    """A read that failed because the file is not there: the next read of that file (another
    offset, another limit: not the same call) meets the same, until something may have made it."""
    learner = Learner()
    s = Script().session("s1")
    missing = "<tool_use_error>File does not exist.</tool_use_error>"

    def read(limit: int, error: str | None = None) -> CallEvent:
        return s.call(
            "Read",
            target_path=s.path("docs/PLAN.md"),
            tool_input={"file_path": s.path("docs/PLAN.md"), "limit": limit},
            error=error,
            error_class="INCORRECT_PARAMETER" if error else None,
        )

    play(learner, read(50, missing))
    assert fired_on(learner, read(200, missing))
    # a read that failed for another reason says nothing of the file being there
    too_big = "<tool_use_error>File content (30000 tokens) exceeds maximum allowed tokens</tool_use_error>"
    other = s.call(
        "Read", target_path=s.path("big.log"), tool_input={"file_path": s.path("big.log")}, error=too_big,
        error_class="INCORRECT_PARAMETER",
    )  # fmt: skip
    play(learner, other)
    assert not fired_on(
        learner, s.call("Read", target_path=s.path("big.log"), tool_input={"file_path": s.path("big.log"), "limit": 9})
    )
    # the file written: it is there now
    play(learner, s.write("docs/PLAN.md"))
    assert not fired_on(learner, read(20))


def test_a_call_asking_to_leave_the_sandbox_carries_the_remedy_of_a_sandbox_failure() -> None:
    """Codex resends a command the sandbox refused with `with_escalated_permissions` (Claude Code:
    `dangerouslyDisableSandbox`): not the same call resent, and the lesson of the refusal is silent
    on it (prevented), while the same command without it is still warned."""
    learner = Learner()
    script = Script()
    s = script.session("s1")
    refused = "error: cannot open '.git/FETCH_HEAD': Operation not permitted"

    def fetch(error: str | None = None, **more: object) -> CallEvent:
        return s.call(
            "Bash",
            command="git fetch --all --prune",
            tool_input={"command": "git fetch --all --prune", **more},
            error=error,
            error_class="MISSING_PREREQUISITE" if error else None,
        )

    play(learner, fetch(refused))
    assert not fired_on(learner, fetch(with_escalated_permissions=True, justification="fetch the remote"))
    learner.end_session("s1")
    later = script.session("s2")
    play(learner, later.bash("git fetch --all --prune", error=refused, error_class="MISSING_PREREQUISITE"))
    learner.end_session("s2")
    s3 = script.session("s3")
    assert fired_on(learner, s3.bash("git fetch --all --prune"))
    escalated = s3.call(
        "Bash",
        command="git fetch --all --prune",
        tool_input={"command": "git fetch --all --prune", "dangerouslyDisableSandbox": True},
    )
    decision = play(learner, escalated)
    assert decision.fired == [] and decision.prevented


def test_a_wildcard_the_shell_did_not_expand_is_warned_for_that_program() -> None:
    """PowerShell passes `src/x*` to rg as it is and Windows refuses the name (os error 123): the
    lesson is rg given a bare wildcard, in every project of the machine once it failed in two
    sessions; a quoted pattern, a glob option, another program are not warned."""
    learner = Learner()
    script = Script()
    s = script.session("s1")
    refused = "rg: src/vault/*.rs: The filename, directory name, or volume label syntax is incorrect. (os error 123)"
    play(learner, s.bash('rg -n "TODO" src/vault/*.rs', error=refused, error_class="PARAMETER_FORMAT"))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and lesson.trigger.words == ("rg",) and lesson.machine_wide
    learner.end_session("s1")
    assert lesson.tier == "candidate" and lesson.scope == "project"  # one failing session
    second = script.session("s1b")
    noted = fired_on(learner, second.bash("rg -n x src/vault/*.rs", error=refused, error_class="PARAMETER_FORMAT"))
    assert noted == [lesson.title]  # a one-off's note in the project's next session
    learner.end_session("s1b")
    assert lesson.tier == "active" and lesson.scope == "global"  # the machine's, seen failing twice
    other = script.session("s2", project="/work/other")
    again = "rg: src/handler_*: IO error for operation on src/handler_*: " + refused.split(": ", 2)[2]
    assert fired_on(learner, other.bash('rg "save" src/handler_*', error=again, error_class="PARAMETER_FORMAT"))
    assert not fired_on(learner, other.bash('rg -n "x*y" src'))
    assert not fired_on(learner, other.bash("rg -n TODO -g '*.rs' src"))
    assert not fired_on(learner, other.bash("Get-ChildItem src/*.rs"))


def test_a_long_sandbox_refusal_is_one_error_whatever_its_paths_and_the_sandbox_its_cause() -> None:
    """A refusal whose line is long by its paths ("... Operation not permitted" past 200
    characters) is the same error as with short paths, and the call that leaves the sandbox
    carries its remedy."""
    learner = Learner()
    script = Script()
    line = (
        "fatal: cannot lock ref 'refs/heads/001-parking-system-build': Unable to create '{}': Operation not permitted"
    )
    long_path = (
        "/Users/someone/Projects/prometheus/prometheus-parking-lot/.git/refs/heads/001-parking-system-build.lock"
    )
    command = ".specify/scripts/bash/create-new-feature.sh --json --number 1"
    for name, path in (("s1", long_path), ("s2", "/w/p/.git/refs/heads/x.lock")):
        refused = line.format(path)
        play(learner, script.session(name).bash(command, error=refused, error_class="MISSING_PREREQUISITE"))
        learner.end_session(name)
    (lesson,) = learner.lessons.values()  # one error, seen in two sessions
    assert lesson.error_signature is not None and lesson.error_signature.endswith("Operation not permitted")
    s3 = script.session("s3")
    assert fired_on(learner, s3.bash(command))
    escalated = s3.call("Bash", command=command, tool_input={"command": command, "with_escalated_permissions": True})
    decision = play(learner, escalated)
    assert decision.fired == [] and decision.prevented


def test_the_same_command_in_another_folder_is_another_call() -> None:
    """Codex names the folder a command runs in (`workdir`): a command that failed because that
    folder does not exist, sent again in the right one, is not the same call resent."""
    learner = Learner()
    s = Script().session("s1")
    missing = 'execution error: Io(Os { code: 2, kind: NotFound, message: "No such file or directory" })'

    def sed(folder: str, error: str | None = None) -> CallEvent:
        command = "sed -n '1,120p' specs/tasks.md"
        return s.call(
            "shell_command",
            command=command,
            tool_input={"command": command, "workdir": folder},
            error=error,
            error_class="FILE_NOT_FOUND" if error else None,
        )

    play(learner, sed("/Users/someone/Projects/parking-lot-typo", missing))
    assert fired_on(learner, sed("/Users/someone/Projects/parking-lot-typo", missing))
    assert not fired_on(learner, sed("/Users/someone/Projects/parking-lot"))


def test_an_error_about_another_name_teaches_nothing_about_the_folder_searched() -> None:
    """`rg -n x src/app -g*.rs` in PowerShell: `rg: .rs: The system cannot find the file specified`,
    then the matches it found under src/app. The error's line names its own subject (`.rs`), not
    the folder the printed matches name: no lesson keyed on the folder (it warned every later
    search there). An error line that names the operand still teaches it."""
    learner = Learner()
    s = Script().session("s1")
    error = (
        "Exit code: 1\nOutput:\nrg: .rs: The system cannot find the file specified. (os error 2)\n"
        "src/app\\main.rs:3:fn x() {}\n"
    )
    play(learner, s.bash('rg -n "x" src/app -g*.rs', error=error, error_class="INCORRECT_PARAMETER"))
    assert not [lesson for lesson in learner.lessons.values() if lesson.trigger and lesson.trigger.operand]
    missing = "cat: docs/PLAN.md: No such file or directory"
    play(learner, s.bash("cat docs/PLAN.md", error=missing, error_class="INCORRECT_PARAMETER"))
    operands = [
        lesson.trigger.operand for lesson in learner.lessons.values() if lesson.trigger and lesson.trigger.operand
    ]
    assert operands == ["docs/PLAN.md"]


def test_a_line_that_did_not_parse_teaches_no_flag() -> None:
    """A here-string piped to Set-Content that PowerShell could not parse ("Unexpected token ... in
    expression or statement"), then `Set-Content -Path x -Value $text` working: the first line never
    ran, so "Set-Content without -Value fails" is not its lesson (piping text to Set-Content works)."""
    learner = Learner()
    s = Script().session("s1")
    parse = (
        "Exit code: 1\nAt line:3 char:9\n+ Status: done\n+         ~~~~\n"
        "Unexpected token 'done' in expression or statement.\n"
        "    + CategoryInfo          : ParserError: (:) [], ParentContainsErrorRecordException"
    )
    failed = "@'\nStatus: done\n'@ | Set-Content -Path report.md"
    play(learner, s.bash(failed, error=parse, error_class="PARAMETER_FORMAT"))
    play(learner, s.bash("Set-Content -Path report.md -Value $text"))
    lacks = [lesson.trigger.lacks for lesson in learner.lessons.values() if lesson.trigger and lesson.trigger.lacks]
    assert lacks == []


def test_a_line_the_tools_parser_did_not_expect_is_a_rule_of_the_parameter_that_holds_it() -> None:
    """Aider's "^^^ Expected `>>>>>>> REPLACE` not `=======`" (a SEARCH/REPLACE block with a second
    divider): the block's new text may not hold that line; checked on the next block."""
    from lessonloop.lesson_model.triggers import breaks_rule

    error = "The LLM did not conform to the edit format.\n^^^ Expected `>>>>>>> REPLACE` not `======="
    block = {"file_path": "a.py", "old_string": "x = 1", "new_string": "x = 2\n======="}
    assert general_lessons.parameter_rule(error, block) == ("new_string", "line:=======")
    assert general_lessons.parameter_rule(error, {"file_path": "a.py", "old_string": "x", "new_string": "y"}) is None
    assert breaks_rule({"new_string": "a\n  =======  \nb"}, "new_string", "line:=======")
    assert not breaks_rule({"new_string": "a ======= b"}, "new_string", "line:=======")
    # a line of one or two characters is a line of any code: no rule of it
    assert general_lessons.parameter_rule("Expected `,` not `]`", {"new_string": "x = [\n  1\n]"}) is None


TOO_LONG = (
    'execution error: Io(Os { code: 206, kind: InvalidFilename, message: "The filename or extension is too long." })'
)


def test_a_call_too_long_for_the_system_teaches_its_size_not_what_the_next_call_changed() -> None:
    """Windows refuses a command line of more than about 32k characters (os error 206): the lesson
    is the call's size, checked on the next call of that tool in any project; the shorter call that
    then worked is no remedy of a flag or a step."""
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    patch = "*** Begin Patch\n" + "+x\n" * 12_000
    failed = s1.call("apply_patch", tool_input={"input": patch}, error=TOO_LONG, error_class="INCORRECT_PARAMETER")
    play(learner, failed)
    play(learner, s1.bash("Set-Content -Path a.txt -Value x"))  # what worked next: not the cause's remedy
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and lesson.trigger.param == "<input>"
    assert "split" in (lesson.prevention or "") and lesson.remedied
    learner.end_session("s1")
    s2 = script.session("s2")

    def fired(size: int) -> list[str]:
        event = s2.call("apply_patch", tool_input={"input": "*** Begin Patch\n" + "+x\n" * size})
        return [f.lesson.title for f in play(learner, event).fired]

    assert fired(13_000) == [lesson.title]
    assert fired(2_000) == []


def test_a_command_line_too_long_then_a_shorter_one_that_works_is_no_flag_lesson() -> None:
    """The shorter command that worked after a command line too long differs in a flag
    (`-Value`): the cause was the size, so no "without -Value fails" lesson."""
    learner = Learner()
    session = Script().session("s1")
    text = "x" * 40_000
    play(
        learner,
        session.bash(f"@'\n{text}\n'@ | Set-Content -Path a.txt", error=TOO_LONG, error_class="INCORRECT_PARAMETER"),
    )
    play(learner, session.bash("Set-Content -Path a.txt -Value $text"))
    assert [lesson.trigger.param for lesson in learner.lessons.values() if lesson.trigger] == ["<input>"]
