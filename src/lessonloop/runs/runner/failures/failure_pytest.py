"""pytest's failures, from what it prints of them:

- its report of each failure and error, in the FAILURES and ERRORS sections at the end of the
  session (and on an interrupt, SIGINT, for the failures so far): a heading (`____ test_a ____`,
  `____ ERROR at setup of test_b ____`), the code, pytest's `E   ` lines, and `path:N: Error`.
  Kept: the line of code the error lines point at (`>` in the long form, the line after
  `path:N: in f` in --tb=short, the line after a --tb=native frame), the error lines, and where;
- its short summary (`FAILED tests/x.py::test_a - AssertionError: ...`): the test's id, which
  names the reports, and the message alone where no report came (--tb=line, --tb=no);
- with -v, its result lines (`tests/x.py::test_a FAILED`, xdist's `[gw0] [ 50%] FAILED ...`):
  the name alone when nothing else came (the run stopped before its report).
"""

from __future__ import annotations

import re

from lessonloop.runs.runner.failures.report import Failure

_RULE = re.compile(r"^={3,} ?(.*?) ?={3,}$")  # "=== FAILURES ===", "=== short test summary info ==="
_HEADING = re.compile(r"^_{3,} (.+?) _{3,}$")
_SUMMARY = re.compile(r"^(?:FAILED|ERROR) (\S+)(?: - (.*))?$")
_RESULT = re.compile(r"^(?:\[gw\d+\] \[\s*\d+%\] (?:FAILED|ERROR) (\S+::\S+)|(\S+::\S+?) (?:FAILED|ERROR)(?:\s|$))")
_LOCATION = re.compile(r"^(\S+?\.py):(\d+): ?(.*)$")  # "tests/x.py:7: AssertionError", "tests/x.py:7: in test_a"
_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+)')  # --tb=native
_CARETS = re.compile(r"^\s*[\^~]+\s*$")
_REPORT_SECTIONS = ("FAILURES", "ERRORS")
_SUMMARY_SECTION = "short test summary info"
_SETUP_PREFIXES = ("ERROR at setup of ", "ERROR at teardown of ")
_COLLECTING = "ERROR collecting "


def failures(lines: list[str]) -> list[Failure]:
    """The failures pytest's output `lines` names: in its short summary's order when it printed
    one, else in its report's; the tests its -v result lines name after them."""
    reports: list[tuple[str, list[str]]] = []  # (heading, the lines under it)
    summary: list[tuple[str, str | None]] = []  # (test id, message)
    results: list[str] = []
    section: str | None = None
    for line in lines:
        rule = _RULE.match(line)
        if rule:
            section = rule.group(1)
            continue
        if section in _REPORT_SECTIONS:
            heading = _HEADING.match(line)
            if heading:
                reports.append((heading.group(1), []))
            elif reports:
                reports[-1][1].append(line)
            continue
        if section == _SUMMARY_SECTION:
            found = _SUMMARY.match(line)
            if found:
                summary.append((found.group(1), found.group(2)))
                continue
        result = _RESULT.match(line)
        if result:
            results.append(result.group(1) or result.group(2))
    ids = [test_id for test_id, _ in summary]
    out = [_failure(_test_id(heading, ids), block) for heading, block in reports]
    by_id = {failure.name: failure for failure in out}
    ordered: list[Failure] = []
    for test_id, message in summary:
        failure = by_id.pop(test_id, None) or Failure(test_id)
        if message and not failure.lines:  # no report (--tb=line, --tb=no), or one of no error lines
            failure.add(message)
        ordered.append(failure)
    ordered += [failure for failure in out if failure.name in by_id]
    ordered += [Failure(test_id) for test_id in results]
    return ordered


def _test_id(heading: str, ids: list[str]) -> str:
    """The short summary's id of the test a report's heading names (the heading itself when none
    does): `test_a` is `tests/x.py::test_a`, `TestC.test_m` is `tests/x.py::TestC::test_m`."""
    if heading.startswith(_COLLECTING):
        path = heading[len(_COLLECTING) :]
        return next((test_id for test_id in ids if test_id == path), path)
    name = heading
    for prefix in _SETUP_PREFIXES:
        name = name.removeprefix(prefix)
    for test_id in ids:
        if "::" in test_id and test_id.split("::", 1)[1].replace("::", ".") == name:
            return test_id
    return heading


def _failure(name: str, block: list[str]) -> Failure:
    """One report: the line of code its error lines point at, the error lines, where."""
    code: str | None = None
    errors: list[str] = []
    where: str | None = None
    code_follows = False  # the line after `path:N: in f` (--tb=short) is the code
    for line in block:
        if line.startswith("E ") or line == "E":
            errors.append(line[1:].strip())
            continue
        location = _LOCATION.match(line)
        if errors:
            if where is None and location:
                where = f"{location.group(1)}:{location.group(2)}"
            continue
        if location:
            if location.group(3).startswith("in "):
                where = f"{location.group(1)}:{location.group(2)}"  # until the error lines, the latest
                code_follows = True
            continue
        if line.startswith(">"):
            code = line[1:].strip()
        elif code_follows and line.startswith("    "):
            code = line.strip()
        code_follows = False
    if not errors:
        code, errors, where = _native(block)
    failure = Failure(name, where)
    if code:
        failure.add(code)
    for line in errors:
        if line and not failure.add(line):
            break
    return failure


def _native(block: list[str]) -> tuple[str | None, list[str], str | None]:
    """A --tb=native report: the last frame's code line and place, and the exception lines after it."""
    last = None
    for index, line in enumerate(block):
        if _FRAME.match(line):
            last = index
    if last is None:
        return None, [], None
    frame = _FRAME.match(block[last])
    assert frame is not None
    rest = block[last + 1 :]
    code = rest[0].strip() if rest and rest[0].startswith("    ") else None
    errors = [line.strip() for line in rest[1 if code else 0 :] if line.strip() and not _CARETS.match(line)]
    return code, errors, f"{frame.group(1)}:{frame.group(2)}"
