"""Failures of the moment (issue 61, item 5; lesson_model/transient.py): a timeout or the network
failing a call once teaches nothing, and the same call sent again after it is a retry, not a
repeat; the same failure in another session teaches a lesson. A command cut by its timeout because
it waits (watch mode) still teaches the option that stops it waiting."""

from __future__ import annotations

import pytest

from lessonloop.learning.engine.engine import Learner
from lessonloop.lesson_model.transient import transient_text
from tests.learning_helpers import Script, play

TIMEOUT = "command timed out after 10000 milliseconds"
OFFLINE = "fatal: unable to access 'https://github.com/acme/app.git/': Could not resolve host: github.com"
REAL = "error: pathspec 'feature-y' did not match any file(s) known to git"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TIMEOUT, True),
        (OFFLINE, True),
        ("npm ERR! code ECONNRESET\nnpm ERR! network aborted", True),
        ("curl: (7) Failed to connect to localhost port 8080: Connection refused", True),
        ("HTTP/1.1 503 Service Unavailable", True),
        ("Exit code 124", True),
        (REAL, False),
        ("fatal: The current branch feat has no upstream branch.", False),
        ("", False),
    ],
)
def test_what_is_of_the_moment(text: str, expected: bool) -> None:
    assert transient_text(text) is expected


@pytest.mark.parametrize("error", [TIMEOUT, OFFLINE])
def test_once_is_noise_twice_is_a_lesson(error: str) -> None:
    learner = Learner()
    script = Script()
    s1 = script.session("s1")
    play(learner, s1.bash("git fetch origin", error=error, error_class="INCORRECT_PARAMETER"))
    resent = play(learner, s1.bash("git fetch origin", error=error, error_class="INCORRECT_PARAMETER"))
    assert not resent.fired  # the same call after a timeout is a retry, not a repeat
    assert not learner.lessons
    learner.end_session("s1")
    s2 = script.session("s2")
    play(learner, s2.bash("git fetch origin", error=error, error_class="INCORRECT_PARAMETER"))
    (lesson,) = learner.lessons.values()  # it came back in another session: learned now
    assert lesson.trigger is not None and lesson.trigger.words == ("git", "fetch")


def test_a_real_error_resent_is_still_said() -> None:
    learner = Learner()
    s = Script().session("s1")
    play(learner, s.bash("git checkout feature-y", error=REAL, error_class="INCORRECT_PARAMETER"))
    again = play(learner, s.bash("git checkout feature-y", error=REAL, error_class="INCORRECT_PARAMETER"))
    assert again.fired  # "this command failed moments ago in this session"


def test_a_watch_mode_timeout_still_teaches_its_option() -> None:
    learner = Learner()
    script = Script()
    for name in ("s1", "s2"):
        s = script.session(name)
        play(learner, s.bash("npx vitest", error=TIMEOUT, error_class="INCORRECT_PARAMETER"))
        play(learner, s.bash("npx vitest --run"))
        learner.end_session(name)
    assert any(
        "--run" in (lesson.prevention or "") + (lesson.prevention_command or "") for lesson in learner.lessons.values()
    ), [(lesson.title, lesson.prevention) for lesson in learner.lessons.values()]
