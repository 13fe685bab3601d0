"""A search pattern that starts with a dash, read by the program as an option (issue 61, items 3
and 7): found in the command line with its quotes, one signature whatever the pattern and the
program's words, and a lesson with its remedy (`-e`) that speaks at once, in the same session."""

from __future__ import annotations

import pytest

from lessonloop.analyze.dash_patterns import dash_pattern, says_option_error
from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.signatures import DASH_PATTERN_READ, call_signature
from lessonloop.lesson_model.triggers import DASH_PATTERN, command_segments
from tests.learning_helpers import Script, play

COLOR = "Exit code: 1\nWall time: 0.9 seconds\nOutput:\nrg: error parsing flag --color: choice 'src' is unrecognized\n"
ACCENT = "Exit code: 1\nOutput:\nrg: unrecognized flag --chat-accent\n"


@pytest.mark.parametrize(
    ("command", "found"),
    [
        ('rg "--color" src -g "*.css"', ("rg", "--color")),
        ('rg -g "*.css" "--color" src', ("rg", "--color")),  # after an option's value
        ('cd app; rg -n "--chat-accent" -n', ("rg", "--chat-accent")),
        ("grep -rn '-v1' .", ("grep", "-v1")),
        ('git grep "--cached-x"', ("git grep", "--cached-x")),
        ('rg -e "--color" src', None),  # named as a pattern
        ('rg -- "--color" src', None),
        ('rg --color never "x" src', None),
        ('rg "--glob=*.ts" foo', None),  # an option, quoted for its value
        ('rg -n "foo" src', None),
        ('echo "-x"', None),
        ("rg --files", None),
    ],
)
def test_a_pattern_the_program_takes_for_an_option(command: str, found: tuple[str, str] | None) -> None:
    assert dash_pattern(command) == found


def test_one_signature_whatever_the_pattern_and_the_words() -> None:
    def signature(command: str, error: str) -> str:
        return call_signature("shell", "Bash", error, command_segments(command), None, 1, {"command": command}, command)

    family = f"shell|{DASH_PATTERN_READ}"
    assert signature('rg "--color" src', COLOR) == family
    assert signature('rg -n "--chat-accent"', ACCENT) == family
    assert signature('rg -n "foo" src', "rg: src: No such file or directory") != family
    assert says_option_error(ACCENT, "--chat-accent") and not says_option_error("rg: src: No such file", "--x")


def test_the_lesson_names_the_remedy_and_warns_the_next_such_search_at_once() -> None:
    learner = Learner()
    script = Script()
    session = script.session("s1")
    play(learner, session.bash('rg "--color" src -g "*.css"', error=COLOR, error_class="INCORRECT_PARAMETER"))
    (lesson,) = learner.lessons.values()
    assert lesson.trigger is not None and (lesson.trigger.words, lesson.trigger.token) == (("rg",), DASH_PATTERN)
    assert "-e" in (lesson.prevention or "") and lesson.remedied

    def fired(command: str) -> list[str]:
        return [f.lesson.title for f in play(learner, session.bash(command)).fired]

    assert fired('rg -g "*.css" "--color" src') == [lesson.title]  # the same mistake, one call later
    assert fired('rg -e "--color" -g "*.css" src') == []  # the remedy
    assert fired('grep -rn "--color" src') == []  # another program: its own lesson when it fails
