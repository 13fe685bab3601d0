"""The failing tests a run's kept output names (runner/kept_output.py), each with the few lines
that say what failed: its assertion or error, where, and the line of code.

Each test runner prints its failures in a format of its own, and some only at the end of the
run (pytest, libtest) or on an interrupt (pytest): failure_pytest.py, failure_js.py (jest and
vitest), failure_go.py and failure_cargo.py each read one. A run with the profile of one of
them is read by that recogniser only; any other run (npm, make, your own -e) by all of them.
Each stream is read on its own (vitest lists a failure on stdout and reports it on stderr) and
the failures are put together by test: the one with more lines kept, at the place it came first.

Pure: bytes in, Failure objects out; the caller decides what to show and redacts it.
"""

from __future__ import annotations

import re

from lessonloop.runs.runner.matching import strip_codes

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from lessonloop.runs.runner.kept_output import KeptOutput

MAX_LINES = 5  # lines kept per failure
MAX_WIDTH = 240  # characters kept per line
_PARTS = re.compile(r" > |::| \u203a ")  # between a test's parts: vitest, pytest, jest


class Failure:
    """One failing test (or a build that failed): its name as the runner prints it, where it
    failed (`path:line`, None when not printed) and a few lines saying what failed."""

    __slots__ = ("lines", "name", "where")

    def __init__(self, name: str, where: str | None = None, lines: list[str] | None = None) -> None:
        self.name = name
        self.where = where
        self.lines = lines or []

    def add(self, line: str) -> bool:
        """Keep `line` (cut to MAX_WIDTH) while there is room; False when full."""
        if len(self.lines) >= MAX_LINES:
            return False
        line = line.rstrip()
        if line:
            self.lines.append(line if len(line) <= MAX_WIDTH else line[: MAX_WIDTH - 3] + "...")
        return True

    def to_json(self) -> dict[str, object]:
        return {"test": self.name, "where": self.where, "lines": self.lines}

    def __repr__(self) -> str:
        return f"Failure({self.name!r}, {self.where!r}, {self.lines!r})"


def text_lines(data: bytes) -> list[str]:
    """Output as the lines a terminal would show: colour and cursor codes removed, each line what
    follows its last carriage return (a progress line rewritten in place keeps its last state)."""
    text = strip_codes(data).decode("utf-8", "replace")
    lines = []
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if "\r" in line:
            line = line.rsplit("\r", 1)[-1]
        lines.append(line)
    return lines


def _recognisers(profile: str | None) -> Sequence[Callable[[list[str]], list[Failure]]]:
    """The recognisers for a run with `profile`: its runner's own, else all of them."""
    from lessonloop.runs.runner.failures import failure_cargo, failure_go, failure_js, failure_pytest

    own = {
        "pytest": failure_pytest.failures,
        "jest": failure_js.failures,
        "vitest": failure_js.failures,
        "go-test": failure_go.failures,
        "cargo-test": failure_cargo.failures,
    }.get(profile or "")
    if own is not None:
        return [own]
    return [failure_pytest.failures, failure_js.failures, failure_go.failures, failure_cargo.failures]


def failures_in(streams: Sequence[bytes], profile: str | None) -> list[Failure]:
    """The failures the output of `streams` (stdout, stderr) names, one per test: a recogniser's
    own order (the order of its report), stdout's before stderr's."""
    texts = [text_lines(data) for data in streams if data]
    found: list[Failure] = []
    for recognise in _recognisers(profile):
        for lines in texts:
            found.extend(recognise(lines))
    return merged(found)


def failures_kept(kept: Sequence[KeptOutput], profile: str | None) -> list[Failure]:
    """The failures the kept output of a run's streams names (see failures_in)."""
    return failures_in([stream.text() for stream in kept], profile)


def merged(failures: list[Failure]) -> list[Failure]:
    """One failure per test, at the place it came first, with the most lines and a place where
    known. Two names are one test when equal, or when one has fewer parts and they end the
    other's (`test_a` and `tests/x.py::test_a`) in the same file (`x.test.ts > adds` and
    `x.test.ts > sum > adds`: vitest's list without the suites, and its report)."""
    kept: list[Failure] = []
    by_last: dict[str, list[Failure]] = {}  # the last part of a name -> the failures kept so named
    for failure in failures:
        last = _PARTS.split(failure.name)[-1]
        same = next((known for known in by_last.get(last, ()) if _same_test(known.name, failure.name)), None)
        if same is None:
            kept.append(failure)
            by_last.setdefault(last, []).append(failure)
            continue
        if len(failure.name) > len(same.name):
            same.name = failure.name
        if len(failure.lines) > len(same.lines):
            same.lines = failure.lines
        if same.where is None:
            same.where = failure.where
    return kept


def _same_test(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((_PARTS.split(a), _PARTS.split(b)), key=len)
    if len(short) == len(long):
        return False
    if len(short) == 1:  # a bare test name: pytest's heading when no summary gave its id
        return long[-1] == short[0]
    return short[0] == long[0] and long[len(long) - len(short) + 1 :] == short[1:]  # the same file
