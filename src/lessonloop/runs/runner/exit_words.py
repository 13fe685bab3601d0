"""`lessonloop run`'s exit status in words: why the run ended, what the test runner would have
exited with, and how the command itself ended, instead of a bare status and a `-15`.

    stopped early at the first failure (pytest would have exited 1: tests failed); pytest exited 2
    on lessonloop's SIGINT

Used by `lessonloop run`'s last line (runs/command/messages.py) and `lessonloop runs show`
(runs/handlers/runs.py), which knows no signals sent: a stored run's command status says them
when a signal ended it. Stdlib only.
"""

from __future__ import annotations

import signal

from lessonloop.runs.runner.result import (
    ERROR,
    EXIT,
    FIRST_OUTPUT_TIMEOUT,
    IDLE_TIMEOUT,
    INTERRUPTED,
    MAX_REPEAT,
    OUTPUT_CLOSED,
    SUCCESS,
    TIMEOUT,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# Each profile's tool: its name, the status it exits with when a test fails, what its statuses mean.
TOOLS: dict[str, tuple[str, int | None, dict[int, str]]] = {
    "pytest": (
        "pytest",
        1,
        {1: "tests failed", 2: "interrupted", 3: "internal error", 4: "usage error", 5: "no tests collected"},
    ),
    "jest": ("jest", 1, {1: "tests failed"}),
    "vitest": ("vitest", 1, {1: "tests failed"}),
    "cargo-test": ("cargo test", 101, {101: "tests failed"}),
    "go-test": ("go test", 1, {1: "tests failed"}),
    "mix-test": ("mix test", 2, {2: "tests failed"}),
    "make": ("make", 2, {2: "a target failed"}),
    "npm": ("the script", None, {}),
}
TEST_PROFILES = frozenset({"pytest", "jest", "vitest", "cargo-test", "go-test", "mix-test"})

_LIMITS = {
    TIMEOUT: "stopped: it ran longer than --timeout",
    IDLE_TIMEOUT: "stopped: no output for --idle-timeout",
    FIRST_OUTPUT_TIMEOUT: "stopped: no output at all within --first-output-timeout",
    MAX_REPEAT: "stopped: the same line again and again (--max-repeat)",
}


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def exit_words(
    *,
    reason: str,
    stopped: bool,
    child_status: int | None,
    profile: str | None,
    errors: int = 1,
    signals: Sequence[str] = (),
) -> str:
    """Why the run ended and how the command did, in words (`errors`: the error matches;
    `signals`: what lessonloop sent to stop it, when known)."""
    tool, failing, meanings = TOOLS.get(profile or "", ("the command", None, {}))
    if reason == EXIT:
        return _own_end(tool, child_status, meanings)
    if reason == ERROR:
        if not stopped:
            return "an error matched, then " + _own_end(tool, child_status, meanings)
        if profile in TEST_PROFILES:
            why = "stopped early at the first failure" if errors <= 1 else f"stopped early after {errors} failures"
        else:
            why = "stopped after an error matched" if errors <= 1 else f"stopped after {errors} error matches"
        if failing is not None:
            why += f" ({tool} would have exited {failing}: {meanings[failing]})"
    elif reason == SUCCESS:
        why = "a success pattern matched: stopped, as a success"
    elif reason in _LIMITS:
        why = _LIMITS[reason] + " (status 124, as coreutils timeout)"
    elif reason == INTERRUPTED:
        if child_status is None or child_status >= 0:
            return "interrupted: the signal was passed on to the command; " + _own_end(tool, child_status, meanings)
        return f"interrupted: {signal_name(-child_status)} was passed on to the command, which it ended"
    elif reason == OUTPUT_CLOSED:
        why = "lessonloop's own output was closed (status 141, as in a shell pipeline)"
    else:
        return _own_end(tool, child_status, meanings)
    return f"{why}; {_stopped_end(tool, child_status, signals)}" if stopped else why


def _own_end(tool: str, child_status: int | None, meanings: dict[int, str]) -> str:
    """How a command that ended by itself ended."""
    if child_status is None:
        return "the command never started"
    if child_status < 0:
        return f"{tool} was killed by {signal_name(-child_status)}, not by lessonloop"
    meaning = meanings.get(child_status)
    return f"{tool} exited {child_status} by itself" + (f" ({meaning})" if meaning else "")


def _stopped_end(tool: str, child_status: int | None, signals: Sequence[str]) -> str:
    """How a command that lessonloop stopped ended."""
    if child_status is None:
        return "the command never started"
    if child_status < 0:
        name = signal_name(-child_status)
        if name == "SIGKILL" and "SIGTERM" in signals:
            return f"{tool} outlived SIGTERM and was killed (SIGKILL) by lessonloop"
        return f"{tool} was ended by lessonloop's {name}"
    if signals:
        return f"{tool} exited {child_status} on lessonloop's {signals[-1]}"
    return f"{tool} exited {child_status} when lessonloop stopped it"
