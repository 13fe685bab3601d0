"""Lessons from a search for a file by name that found nothing (issue 41, "searches that find
nothing"; learning/engine/search_lessons.py): learned at the first empty search, silent until a
later call shows where the file was (issue 80: the empty answer of a probe is an answer), then a
note naming that place, in that session and the project's later ones, never a stop; silent on a
search that looks in hidden files, for another name or in another project."""

from __future__ import annotations

import pytest

from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.events import CallEvent
from tests.agent_hooks import AgentSession
from tests.hook_helpers import hook_env
from tests.learning_helpers import Script, play

EMPTY = ""  # rg lists nothing and exits 1: the call's error text is empty


def fired_on(learner: Learner, event: CallEvent) -> list[str]:
    return [f.lesson.title for f in play(learner, event).fired]


def test_an_empty_search_is_silent_until_the_file_is_found_then_a_note_never_a_stop() -> None:
    learner = Learner()
    script = Script()
    first = script.session("s0")
    assert not fired_on(learner, first.bash("rg --files -g 'SYSTEM_STATE.md'", error=EMPTY))
    (lesson,) = learner.lessons.values()
    assert lesson.tier == "candidate" and lesson.prevention is None
    # an empty answer is an answer (issue 80): nothing to say while where the file is is not known
    assert not fired_on(learner, first.bash("rg --files -g '*SYSTEM_STATE*'", error=EMPTY))
    play(learner, first.read(".agent/staging/SYSTEM_STATE.md"))
    assert "\u201c.agent/staging/SYSTEM_STATE.md\u201d" in (lesson.prevention or "")
    # where it was is known: a note on the next spelling of the search, in that session too
    decision = play(learner, first.bash("rg --files -g 'SYSTEM_STATE*.md'", error=EMPTY))
    assert (decision.action, [f.lesson.title for f in decision.fired]) == ("warn", [lesson.title])
    learner.end_session("s0")
    # the project's next session: a note, never a stop (a probe's empty answer is no misuse)
    s = script.session("s1")
    decision = play(learner, s.bash("rg --files -g 'SYSTEM_STATE.md'", error=EMPTY))
    assert (decision.action, [f.lesson.title for f in decision.fired]) == ("warn", [lesson.title])
    (lesson,) = learner.lessons.values()
    assert lesson.tier == "active" and lesson.failed_sessions == 2
    assert lesson.trigger is not None and lesson.trigger.sought == "system_state"
    assert lesson.category == "search"
    assert play(learner, s.bash("rg --files -g '*SYSTEM_STATE*'", error=EMPTY)).action == "warn"
    # the remedy carried, a broader name, a content search, another program: silent
    assert not fired_on(learner, s.bash("rg --files --hidden -g 'SYSTEM_STATE.md'"))
    assert not fired_on(learner, s.bash("rg --files -g '*STATE*'"))
    assert not fired_on(learner, s.bash("rg -n SYSTEM_STATE docs"))
    assert not fired_on(learner, s.bash("ls docs"))


def test_a_resent_search_that_found_nothing_is_never_stopped() -> None:
    """The same empty search sent again with nothing changed finds nothing again: a note, not a
    stop (its empty answer is an answer); a search that failed on its own words is stopped once."""
    learner = Learner()
    s = Script().session("s1")
    play(learner, s.bash("rg -n needle src", error=EMPTY))
    assert play(learner, s.bash("rg -n needle src", error=EMPTY)).action == "warn"
    broken = "rg: regex parse error:\n    (?:needle(\n    ^\nerror: unclosed group"
    play(learner, s.bash("rg -n 'needle(' src", error=broken))
    assert play(learner, s.bash("rg -n 'needle(' src", error=broken)).action == "stop"


def test_the_lesson_is_the_projects_own() -> None:
    learner = Learner()
    script = Script()
    for name in ("s1", "s1b"):  # two failing sessions: a candidate until the second
        s1 = script.session(name, project="/work/alpha")
        play(learner, s1.bash("rg --files -g 'NOTES.md'", error=EMPTY))
        play(learner, s1.read("/work/alpha/.notes/NOTES.md"))
        learner.end_session(name)
    assert fired_on(learner, script.session("s2", project="/work/alpha").bash("rg --files -g 'NOTES.md'"))
    # another project has its own files: a search there for the same name is not warned
    assert not fired_on(learner, script.session("s3", project="/work/beta").bash("rg --files -g 'NOTES.md'"))
    # the same empty search in the other project is a lesson of its own, not one lesson made global
    play(learner, script.session("s4", project="/work/beta").bash("rg --files -g 'NOTES.md'", error=EMPTY))
    lessons = [lesson for lesson in learner.lessons.values() if lesson.category == "search"]
    assert sorted(next(iter(lesson.projects)) for lesson in lessons) == ["/work/alpha", "/work/beta"]
    assert all(lesson.scope == "project" for lesson in lessons)


def test_where_the_session_found_the_file_becomes_the_remedy() -> None:
    learner = Learner()
    s = Script().session("s1")
    play(learner, s.bash("rg --files -g '*SYSTEM_STATE*'", error=EMPTY))
    # a file written is no answer: it did not exist before
    play(learner, s.write("docs/SYSTEM_STATE.md"))
    (lesson,) = learner.lessons.values()
    assert "The file is at" not in (lesson.prevention or "")
    play(learner, s.read(".agent/staging/SYSTEM_STATE.md"))
    assert lesson.prevention is not None
    assert (
        "\u201c.agent/staging/SYSTEM_STATE.md\u201d" in lesson.prevention
        and "\u201c.agent\u201d is hidden" in lesson.prevention
    )


def test_a_powershell_read_and_a_search_that_lists_it_also_say_where_it_is() -> None:
    learner = Learner()
    s = Script().session("s1", project="g:\\work\\app", cwd="g:\\work\\app")
    play(learner, s.bash("rg --files -g 'PLAN.md'", error=EMPTY))
    play(learner, s.bash("Get-Content -Path docs\\.notes\\PLAN.md"))
    (lesson,) = learner.lessons.values()
    assert "\u201cdocs/.notes/PLAN.md\u201d" in (lesson.prevention or "")

    other = Learner()
    s2 = Script().session("s2")
    play(other, s2.bash("rg --files -g 'TODO.md'", error=EMPTY))
    listed = s2.bash("rg --files --hidden -g 'TODO.md'")
    listed.call.result_text = ".github/TODO.md\n"
    play(other, listed)
    (lesson,) = other.lessons.values()
    assert "\u201c.github/TODO.md\u201d" in (lesson.prevention or "")


def test_a_search_that_failed_on_its_arguments_or_found_files_teaches_nothing() -> None:
    learner = Learner()
    s = Script().session("s1")
    play(learner, s.bash("rg --files -g 'x.md' nowhere", error="rg: nowhere: No such file or directory (os error 2)"))
    play(learner, s.bash("rg --files -g '*.md'", error=EMPTY))  # no name to key on
    play(learner, s.bash("rg --files --hidden -g 'y.md'", error=EMPTY))  # it looked everywhere
    assert not [lesson for lesson in learner.lessons.values() if lesson.category == "search"]


@pytest.mark.slow
def test_the_codex_hook_says_it_before_the_next_search_of_the_session(repo: object, tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(repo, Path) and isinstance(tmp_path, Path)
    db = tmp_path / "store" / "lessonloop.db"
    empty = "Chunk ID: 1\nWall time: 0.2 seconds\nProcess exited with code 1\nOriginal token count: 0\nOutput:\n"
    search = {"command": "rg --files -g 'SYSTEM_STATE.md'"}
    next_spelling = {"command": "rg --files -g '*SYSTEM_STATE*'"}
    # a first session's empty search: a candidate (one session may be a one-off), silent until the
    # session finds the file (its empty answer is an answer: issue 80), then a note on its next
    # spelling in that session, and in the project's next session
    once = AgentSession("codex", repo, hook_env(db))
    first = {"tool_input": search, "tool_use_id": "call_rg_0"}
    assert once.run("PreToolUse", **first).stdout == ""
    assert once.run("PostToolUse", **first, tool_response=empty).returncode == 0
    silent = once.run("PreToolUse", tool_input=next_spelling, tool_use_id="call_rg_0b")
    assert silent.returncode == 0 and silent.stdout == "", silent.stderr
    found = {"tool_input": {"command": "cat .agent/SYSTEM_STATE.md"}, "tool_use_id": "call_cat_0"}
    assert once.run("PreToolUse", **found).returncode == 0
    shown = (
        "Chunk ID: 2\nWall time: 0.1 seconds\nProcess exited with code 0\nOriginal token count: 3\nOutput:\n# state\n"
    )
    assert once.run("PostToolUse", **found, tool_response=shown).returncode == 0
    noted = once.run("PreToolUse", tool_input=next_spelling, tool_use_id="call_rg_00")
    assert noted.returncode == 0 and "a lesson from this session" in noted.stdout, noted.stderr
    assert ".agent/SYSTEM_STATE.md" in noted.stdout and "deny" not in noted.stdout
    # the same empty search in a second session: the one-off's note, then said before its next search
    session = AgentSession("codex", repo, hook_env(db))
    first = {"tool_input": search, "tool_use_id": "call_rg_1"}
    note = session.run("PreToolUse", **first)
    assert "failed in 1 of 1 sessions" in note.stdout and "deny" not in note.stdout, note.stderr
    assert session.run("PostToolUse", **first, tool_response=empty).returncode == 0
    again = session.run("PreToolUse", tool_input=next_spelling, tool_use_id="call_rg_2")
    assert again.returncode == 0 and "found no file named like \u201cSYSTEM_STATE.md\u201d" in again.stdout, (
        again.stderr
    )
    hidden = session.run(
        "PreToolUse", tool_input={"command": "rg --files --hidden -g '*SYSTEM_STATE*'"}, tool_use_id="call_rg_3"
    )
    assert hidden.returncode == 0 and hidden.stdout == ""
    assert not (db.parent / "hook-failures.log").exists()


@pytest.mark.slow
def test_the_claude_code_hook_says_it_before_the_next_search_of_the_session(repo: object, tmp_path: object) -> None:
    """The same through Claude Code's hooks: PostToolUseFailure with rg's empty `Exit code 1`, in
    the second session that searched for the file in vain (after one, the lesson is a candidate,
    said in that session once the file was found, and a note in the next; never a stop)."""
    from pathlib import Path

    from tests.hook_helpers import HookSession

    assert isinstance(repo, Path) and isinstance(tmp_path, Path)
    db = tmp_path / "store" / "lessonloop.db"
    once = HookSession(repo, hook_env(db))
    pre, post = once.bash("rg --files -g 'NOTES.md'", error="Exit code 1")
    assert (pre.stdout, post.returncode) == ("", 0)
    listed, _ = once.bash("ls -a .notes && cat .notes/NOTES.md", stdout="NOTES.md\n# notes\n")
    assert listed.returncode == 0
    noted, _ = once.bash("rg --files -g '*NOTES*'", error="Exit code 1")
    assert noted.returncode == 0 and "a lesson from this session" in noted.context, noted.stderr
    assert noted.output is not None and "permissionDecision" not in noted.output["hookSpecificOutput"]
    session = HookSession(repo, hook_env(db))
    pre, post = session.bash("rg --files -g 'NOTES.md'", error="Exit code 1")
    assert "failed in 1 of 1 sessions" in pre.context and post.returncode == 0, pre.stderr  # the one-off's note
    again, _ = session.bash("rg --files -g '*NOTES*'", error="Exit code 1")
    assert again.returncode == 0 and "found no file named like \u201cNOTES.md\u201d" in again.stdout, again.stderr
    hidden, _ = session.bash("rg --files --hidden -g '*NOTES*'", stdout=".notes/NOTES.md\n")
    assert hidden.stdout == ""
    assert not (db.parent / "hook-failures.log").exists()


def test_a_search_naming_another_extension_is_another_file_and_is_not_warned() -> None:
    """`workflow.yaml` found nothing in two sessions: the same name is warned, `workflow.md` (a file
    that may well exist) is not: the name is matched whole, not its stem (issue 59)."""
    learner = Learner()
    script = Script()
    for name in ("s1", "s2"):
        s = script.session(name)
        fired_on(learner, s.bash("rg --files -g 'workflow.yaml'", error=EMPTY))
        play(learner, s.read(".ci/workflow.yaml"))
        learner.end_session(name)
    (lesson,) = learner.lessons.values()
    assert lesson.tier == "active" and lesson.trigger is not None and lesson.trigger.ext == ".yaml"
    s = script.session("s3")
    assert fired_on(learner, s.bash("rg --files -g 'workflow.yaml'", error=EMPTY)) == [lesson.title]
    assert not fired_on(learner, s.bash("rg --files -g 'workflow.md'"))
    assert not fired_on(learner, s.bash("rg --files -g '**/workflow.yml'"))
