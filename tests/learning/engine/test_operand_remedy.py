"""Satisfied by anything (issue 61, item 2): a command's lesson about one file or folder (`cat
docs/PLAN.md` finding nothing there) is silenced in a session by that program working on that
file, however typed (relative, absolute, `./`), not by the program working on any other file."""

from __future__ import annotations

from lessonloop.learning.engine.engine import Learner
from tests.learning_helpers import Script, play

MISSING = "Exit code 1\ncat: docs/PLAN.md: No such file or directory"


def _learned(learner: Learner, script: Script) -> None:
    for name in ("s1", "s2"):
        s = script.session(name, cwd="/w/app")
        play(learner, s.bash("cat docs/PLAN.md", error=MISSING, error_class="INCORRECT_PARAMETER"))
        learner.end_session(name)
    (lesson,) = [lesson for lesson in learner.lessons.values() if lesson.trigger is not None]
    assert lesson.trigger is not None and lesson.trigger.operand == "docs/PLAN.md" and lesson.tier == "active"


def test_cat_working_on_another_file_does_not_silence_the_lesson() -> None:
    learner = Learner()
    script = Script()
    _learned(learner, script)
    s = script.session("s3", cwd="/w/app")
    play(learner, s.bash("cat README.md"))
    assert learner.decide(s.bash("cat docs/PLAN.md")).fired


def test_cat_working_on_that_file_does() -> None:
    learner = Learner()
    script = Script()
    _learned(learner, script)
    s = script.session("s3", cwd="/w/app")
    assert learner.decide(s.bash("cat docs/PLAN.md")).fired
    play(learner, s.bash("cat /w/app/docs/PLAN.md"))  # made since, and read by its absolute path
    assert not learner.decide(s.bash("cat ./docs/PLAN.md")).fired


def test_the_remedy_looking_for_it_first_silences_it() -> None:
    """The remedy of a path not there (stand_ins.absent_remedy): list its folder, or search for its
    name. Either, in the session before the call, silences the lesson; a listing of another folder
    does not."""
    for looked, silent in (
        ("ls docs", True),
        ("Get-ChildItem -Path docs", True),
        ("ls -R", True),  # the session's folder and what is under it
        ("rg --files -g 'PLAN.md'", True),
        ("find . -name '*.md'", True),
        ("ls src", False),
        ("rg --files -g '*.py'", False),
    ):
        learner = Learner()
        script = Script()
        _learned(learner, script)
        s = script.session("s3", cwd="/w/app")
        play(learner, s.bash(looked))
        assert (not learner.decide(s.bash("cat docs/PLAN.md")).fired) is silent, looked
