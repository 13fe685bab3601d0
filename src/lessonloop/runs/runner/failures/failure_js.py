r"""jest's and vitest's failures (the escapes stand for the characters they print).

jest reports a test file's failures as soon as the file has run, under its `FAIL src/x.test.js`
line (and again, on several files, in its "Summary of all failing tests"):

      ● sum \u203a adds wrong

        expect(received).toBe(expected) // Object.is equality

        Expected: 4
        Received: 3

        > 4 |   test('adds wrong', () => { expect(sum(1, 2)).toBe(4); });
            |                                                ^
          at Object.toBe (src/sum.test.js:4:48)

vitest lists each file's failed tests as the file ends (`❯ src/x.test.ts (4 tests | 2 failed)`,
then `\u00d7 sum > adds wrong 5ms` and the message after `→`), and reports them at the end, after
`Failed Tests N` (on stderr, apart from the list on stdout):

     FAIL  src/sum.test.ts > sum > adds wrong
    AssertionError: expected 3 to be 4 // Object.is equality
    ...
     ❯ src/sum.test.ts:4:46
          4|   test('adds wrong', () => { expect(sum(1, 2)).toBe(4) })
           |                                              ^

Kept of a report: the message lines (a diff's `- Expected` / `+ Received` headings left out),
the line of code the caret points at, and where (the first place outside node_modules). A test
is named `file > suite > test` (vitest's form; jest's U+203A between the suite and the test is kept), so the
list entry and the report of one test are one failure.
"""

from __future__ import annotations

import re

from lessonloop.runs.runner.failures.report import Failure

_FILE = r"(?:\|[^|]+\| )?(\S+?\.(?:[cm]?[jt]sx?|vue|svelte))"  # vitest workspaces: "|project| file"
_JEST_FILE = re.compile(r"^\s*(?:FAIL|PASS)\s+" + _FILE + r"(?:\s+\(.*\))?\s*$")
_JEST_HEADING = re.compile(r"^\s*\u25cf (.+?)\s*$")  # U+25CF
_JEST_NOT_A_TEST = frozenset({"Console"})
_JEST_END = re.compile(r"^\s*(?:Test Suites:|Tests:|Summary of all failing tests)")
_CODE_FRAME = re.compile(r"^\s*>?\s*\d+\s*\|")  # jest "  > 4 | ...", vitest "   4| ..."
_CARET_LINE = re.compile(r"^\s*\|\s*\^")
_STACK = re.compile(r"^\s*at (?:.*\()?([^()\s]+?):(\d+):\d+\)?\s*$")
_VITEST_HEADING = re.compile(r"^\s*FAIL\s+" + _FILE + r"(?: > (.+?))?(?: \[ .* \])?\s*$")
_VITEST_FILE = re.compile(r"^\s*[\u276f\u2713]\s+" + _FILE + r" \(\d+ tests?[ |)]")  # ❯ or ✓
_VITEST_FAILED = re.compile(r"^\s*\u00d7 (.+?)(?: \d+(?:\.\d+)?m?s)?\s*$")  # U+00D7
_VITEST_ARROW = re.compile(r"^\s*\u2192 (.+)$")  # →
_VITEST_PLACE = re.compile(r"^\s*\u276f (?:\S+ )?([^\s()]+?):(\d+):\d+\s*$")  # "❯ src/x.ts:4:46", "❯ fn src/x.ts:4:46"
_VITEST_END = re.compile(r"^\s*(?:\u23af{3,}|Test Files\s|Tests\s)")  # ⎯⎯⎯ rules, the summary
_DIFF_HEADINGS = frozenset({"- Expected", "+ Received"})
_FOREIGN = re.compile(r"(?:^|/)node_modules/|^node:|^<")


def failures(lines: list[str]) -> list[Failure]:
    """The failing tests jest's or vitest's output `lines` names, one failure per test."""
    out: list[Failure] = []
    file: str | None = None  # the test file of the lines being read
    report: Failure | None = None  # the report being read
    report_lines: list[str] = []
    listed: Failure | None = None  # vitest: the list entry whose `→` lines follow
    for line in lines:
        vitest = _VITEST_HEADING.match(line)
        if vitest and (vitest.group(2) or "[" in line):
            _close(report, report_lines)
            report, report_lines, listed = Failure(_name(vitest.group(1), vitest.group(2))), [], None
            out.append(report)
            continue
        jest_file = _JEST_FILE.match(line)
        if jest_file:
            _close(report, report_lines)
            report, report_lines, listed = None, [], None
            file = jest_file.group(1)
            continue
        heading = _JEST_HEADING.match(line)
        if heading:
            _close(report, report_lines)
            report, report_lines, listed = None, [], None
            if heading.group(1) not in _JEST_NOT_A_TEST:
                report = Failure(_name(file, heading.group(1)))
                out.append(report)
            continue
        if report is not None:
            if _JEST_END.match(line) or _VITEST_END.match(line):
                _close(report, report_lines)
                report, report_lines = None, []
            else:
                report_lines.append(line)
            continue
        listed_file = _VITEST_FILE.match(line)
        if listed_file:
            file, listed = listed_file.group(1), None
            continue
        failed = _VITEST_FAILED.match(line)
        if failed:
            listed = Failure(_name(file, failed.group(1)))
            out.append(listed)
            continue
        arrow = _VITEST_ARROW.match(line)
        if arrow and listed is not None:
            listed.add(arrow.group(1))
            continue
        listed = None
    _close(report, report_lines)
    return out


def _name(file: str | None, test: str | None) -> str:
    """`file > suite > test`, or what of it is known."""
    if file and test:
        return f"{file} > {test}"
    return file or test or "?"


def _close(report: Failure | None, lines: list[str]) -> None:
    """Fill `report` from the lines under its heading: its message lines, the line of code the
    caret points at, where it failed."""
    if report is None:
        return
    message: list[str] = []
    code: str | None = None
    previous = ""
    for line in lines:
        stripped = line.strip()
        place = _STACK.match(line) or _VITEST_PLACE.match(line)
        if place:
            if report.where is None and not _FOREIGN.search(place.group(1)):
                report.where = f"{place.group(1)}:{place.group(2)}"
        elif stripped.startswith("at "):  # a stack frame with no place: "at JSON.parse (<anonymous>)"
            pass
        elif _CARET_LINE.match(line):
            if code is None and _CODE_FRAME.match(previous):
                code = previous.strip().lstrip(">").strip()
        elif _CODE_FRAME.match(line):
            if line.lstrip().startswith(">") and code is None:  # jest marks the line itself
                code = stripped.lstrip(">").strip()
        elif stripped and stripped not in _DIFF_HEADINGS and code is None and report.where is None:
            message.append(stripped)
        previous = line
    for line in message[: 4 if code else 5]:
        report.add(line)
    if code:
        report.add(code)
