"""Matched error lines of a `lessonloop run` as findings for the learning loop.

Pure: `findings_from_run` reads only the run result. Each error match becomes one finding:

- kind "test_failure" for a test command, else "run_error"; source "runner"; severity "medium".
- rule: the failing test's id when the matched line, or the lines after it, name one (pytest
  "tests/x.py::test_a", go "TestX" or "TestX/sub", cargo "tests::adds", jest and vitest
  "src/x.test.ts" or "src/x.test.ts > suite > test", ExUnit "test/x_test.exs:12"); else the
  normalized command.
- path and line: from the matched line ("src/main.c:5:24: error: ...", `File "x.py", line 3`,
  "--> src/lib.rs:3:5", "at f (src/x.js:5:3)"); else the failing test's file, with the line of
  the first location in that file around the match; else the first location after the match
  (then before it) that is not in a dependency or the language's own library. Paths stay as
  printed, relative ones included: the matcher resolves them against the run's folder.
- message: the matched line (at most 500 characters); ts: the run's start plus the match's
  offset, as canonical UTC.

Findings with the same (rule, path, line) within one run are given once.
"""

from __future__ import annotations

import re
from datetime import timedelta

from lessonloop.core.records import FindingRecord
from lessonloop.core.timestamps import format_timestamp, parse_timestamp
from lessonloop.runs.runner.result import MatchEvent, RunResult

SOURCE = "runner"
MAX_MESSAGE = 500

# --- test ids ------------------------------------------------------------------------------------

_PYTEST_ID = re.compile(r"(?:^|\s)((?:\./)?[\w./-]+\.py)(::[^\s\[]+(?:\[[^\]]*\])?)")
_PYTEST_FILE = re.compile(
    r"^(?:(?:FAILED|ERROR) |_+ ERROR collecting |ERROR collecting )((?:\./)?[\w./-]+\.py)\b"
    r"|^((?:\./)?[\w./-]+\.py) [.sxXFE]*[FE][.sxXFE]*(?:\s+\[\s*\d+%\])?\s*$"
)
_GO_ID = re.compile(r"^\s*--- FAIL: (\S+)")
_CARGO_ID = re.compile(r"^test (.+?) \.\.\. FAILED\b|^---- (.+?) stdout ----|^(\S+) --- FAILED\b")
_CARGO_DOCTEST = re.compile(r"^(\S+\.rs) - .* \(line (\d+)\)$")
_JS_FILE = r"(\S+?\.(?:[cm]?[jt]sx?|vue|svelte))"
_JS_FAIL = re.compile(r"^\s*FAIL\s+" + _JS_FILE + r"(?:\s+>\s+(.+?))?(?:\s+\(.*\)|\s+\[.*\])?\s*$")
_JS_FILE_HEADER = re.compile(r"^\s*(?:FAIL|PASS|\u276f)\s+" + _JS_FILE + r"(?:\s|$)")
_VITEST_FILE = re.compile(r"^\s*\u276f\s+" + _JS_FILE + r" \(\d+ tests? \| [1-9]\d* failed")
_JS_NAMED = re.compile(r"^\s*[\u25cf\u2715\u00d7] (.+?)(?: \(\d+(?:\.\d+)? ?m?s\)| \d+(?:\.\d+)?m?s)?\s*$")
_JS_NOT_A_TEST = frozenset({"Console", "Test suite failed to run"})
_EXUNIT_HEADER = re.compile(r"^\s+\d+\) (?:(?:test|doctest|property) .+ \([\w.]+\)$|[\w.]+: failure on setup_all)")
_EXUNIT_LOCATION = re.compile(r"^\s*(\S+_test\.exs):(\d+)(?::|\s*$)")
_EXUNIT_REPORT_LINES = 20  # how far after a failure's heading its location is looked for
# pytest's heading of one failure's report: "____ test_a ____", "____ ERROR at setup of test_b ____".
_PYTEST_HEADING = re.compile(r"^_{3,} (?:ERROR at (?:setup|teardown) of )?([\w.]+)(?:\[.*\])? _{3,}$")
# Summary and trailer lines: what they report is before them; what follows them is another
# package's, binary's or command's output.
_SUMMARY = re.compile(
    r"^(?:FAIL(?:\t|$)|test result: |error: (?:test failed|doctest failed|could not compile|\d+ targets? failed)"
    r"|\s*Test Suites: |\s*Tests:? |\s*Test Files |=+ .*\bin \d|!+ Interrupted|\d+ (?:failed|passed|errors?)\b"
    r"|Finished in |\d+ (?:doctests?|tests?|propert(?:y|ies)), |Node\.js v|# fail |npm (?:ERR!|error) "
    r"|g?make(?:\[\d+\])?: \*\*\* |collect2: |\s*\d+ failing$)"
)

# What terminal codes leave after colour codes are removed: character set choices ("ESC ( B",
# which libtest ends its coloured words with on a terminal) and stray escapes.
_CODE_RESIDUE = re.compile(r"\x1b[()*+#][0-9A-Za-z@]|\x1b")

# --- locations -----------------------------------------------------------------------------------

_LOCATIONS = (
    re.compile(r'File "([^"]+)", line (\d+)'),  # Python tracebacks
    re.compile(r"(?:-->|panicked at) (\S+?):(\d+):\d+"),  # rustc, Rust panics
    re.compile(r"\(([^()\s]+?):(\d+):\d+\)"),  # JS stack frames "at f (src/x.js:5:3)"
    re.compile(r"\bat ([^()\s]+?):(\d+):\d+\s*$"),  # "at src/x.js:5:3"
    # path:line[:column] with an extension (or a Makefile), at the start or after a space,
    # "(", "[" or a box-drawing corner: "src/main.c:5:24: error:", "math_test.go:12: want 3",
    # "test/x_test.exs:6: (test)", "make: *** [Makefile:9: app.o]", "\u2514\u2500 lib/x.ex:3:26:"
    re.compile(
        r"(?:^|[\s(\[\u2500])((?:\.{0,2}/)?(?:[\w.@~+-][\w./@~+-]*\.[A-Za-z]\w*|(?:[\w.@~+-][\w./@~+-]*/)?(?:[Mm]akefile|GNUmakefile))):(\d+)(?=[:\s)\],]|$)"
    ),
    # the linker names the source file without a line: "main.c:(.text+0x2): undefined reference"
    re.compile(r"(?:^|\s)([\w./+-]+\.\w+):\(\.\w+(?:\.\w+)*\+0x[0-9a-f]+\)()"),
)
# Where a path points into a dependency or a language's own library: never the agent's edit.
_FOREIGN = re.compile(
    r"(?:^|/)(?:node_modules|site-packages|dist-packages|\.cargo|\.rustup|deps|_build|vendor|\.venv|venv)/"
    r"|^(?:node:|<|/rustc/|/usr/|/lib/|/opt/homebrew/|/tmp/rustdoctest)"
    r"|/go/pkg/mod/|/go/src/(?:runtime|testing|internal|reflect|sync|os|fmt|net|encoding)/"
    r"|^testing\.go$"  # Go's testing package: "testing.go:1399: race detected during execution of test"
)
# An Erlang/Elixir stack frame of the runtime's own applications: "(elixir 1.14.5) src/x.erl:1:".
_RUNTIME_FRAME = re.compile(r"\((?:elixir|stdlib|kernel|ex_unit|mix|logger|erts|compiler|iex) [\d.]+\)")
# Lines that end the context of one failure when looking back from a match.
_BOUNDARY = re.compile(r"^(?:=== RUN|={3,} |_{3,} |-{3,} |\s*$)")
# Go -v: the line that starts a test's report ("=== RUN   TestX", "=== CONT  TestX").
_GO_REPORT_START = re.compile(r"^=== (?:RUN|CONT|NAME)\s")


def findings_from_run(result: RunResult, *, command_norm: str, test_command: bool) -> list[FindingRecord]:
    """The findings of `result`'s error matches (see the module docstring)."""
    kind = "test_failure" if test_command else "run_error"
    try:
        start = parse_timestamp(result.started_at)
    except (ValueError, TypeError):
        start = None
    findings: list[FindingRecord] = []
    seen: set[tuple[str, str | None, int | None]] = set()
    for match in result.matches:
        if match.kind != "error":
            continue
        rule, path, line = describe_match(match, command_norm or "run")
        key = (rule, path, line)
        if key in seen:
            continue
        seen.add(key)
        ts = format_timestamp(start + timedelta(seconds=max(0.0, match.offset))) if start is not None else None
        message = _clean(match.text).strip()[:MAX_MESSAGE] or match.pattern
        findings.append(FindingRecord(SOURCE, kind, rule, "medium", path, line, message, ts))
    return findings


def describe_match(match: MatchEvent, fallback_rule: str) -> tuple[str, str | None, int | None]:
    """(rule, path, line) of one error match: the failing test's id (else `fallback_rule`) and
    where the failure is."""
    text = _clean(match.text)
    after = [_clean(line) for line in match.after]
    before = [_clean(line) for line in match.before]
    summary = bool(_SUMMARY.search(text))
    test_id, test_file, test_line = _test_of(text, before, after)
    if test_id is None and not summary:  # a progress line, a traceback line: the test may come later
        test_id, test_file, test_line = _test_after(text, before, after, test_file, test_line)
    path, number = _location(text)
    if path is None:
        context = _before_section(before, None) if summary else _context(before, after, test_id, test_file)
        if test_file is not None:
            path, number = test_file, test_line
            if number is None:
                number = next((n for p, n in _locations(context) if n is not None and _same_file(p, test_file)), None)
        else:
            path, number = next(iter(_locations(context)), (None, None))
    return test_id or fallback_rule, path, number


def _clean(line: str) -> str:
    """A matched or context line without terminal code residue and carriage returns at its end."""
    if "\x1b" in line:
        line = _CODE_RESIDUE.sub("", line)
    return line.rstrip("\r")


def _test_after(
    text: str, before: list[str], after: list[str], test_file: str | None, test_line: int | None
) -> tuple[str | None, str | None, int | None]:
    """The first test the lines after a match name, when it fits what is known: the test file
    the match names, the test whose pytest report the match is in."""
    wanted = None
    for line in (text, *reversed(before)):
        heading = _PYTEST_HEADING.search(line)
        if heading:
            wanted = heading.group(1).replace(".", "::")
            break
    seen = [*before, text]
    for index, later in enumerate(after):
        found_id, found_file, found_line = _test_of(later, seen + after[:index], after[index + 1 :])
        if found_id is None:
            continue
        if wanted is not None and not found_id.split("[")[0].endswith(wanted):
            continue
        if test_file is None or found_file is None or _same_file(found_file, test_file):
            return found_id, test_file or found_file, test_line if test_file else found_line
    return None, test_file, test_line


# --- the failing test ----------------------------------------------------------------------------


def _test_of(text: str, before: list[str], after: list[str]) -> tuple[str | None, str | None, int | None]:
    """(test id, test file, line) that the line `text` names; Nones where it names none."""
    found = _PYTEST_ID.search(text)
    if found:
        return found.group(1) + found.group(2), found.group(1), None
    found = _PYTEST_FILE.search(text)
    if found:
        return None, found.group(1) or found.group(2), None
    found = _GO_ID.search(text)
    if found:
        return found.group(1), None, None
    found = _CARGO_ID.search(text)
    if found:
        name = (found.group(1) or found.group(2) or found.group(3)).removesuffix(" - should panic")
        doctest = _CARGO_DOCTEST.match(name)
        if doctest:
            return name, doctest.group(1), int(doctest.group(2))
        return name, None, None
    found = _JS_FAIL.search(text)
    if found:
        file, name = found.group(1), found.group(2)
        return (f"{file} > {name}" if name else file), file, None
    found = _VITEST_FILE.search(text)
    if found:
        return found.group(1), found.group(1), None
    found = _JS_NAMED.search(text)
    if found:
        name = found.group(1).strip()
        file = _js_file_before(before)
        if name in _JS_NOT_A_TEST:
            return file, file, None
        return (f"{file} > {name}" if file else name), file, None
    if _EXUNIT_HEADER.search(text):
        for line in after[:_EXUNIT_REPORT_LINES]:
            if _EXUNIT_HEADER.search(line):
                break  # the next failure
            location = _EXUNIT_LOCATION.search(line)
            if location:
                return f"{location.group(1)}:{location.group(2)}", location.group(1), int(location.group(2))
    return None, None, None


def _js_file_before(before: list[str]) -> str | None:
    """The test file of the nearest jest/vitest file heading before a match."""
    for line in reversed(before):
        found = _JS_FILE_HEADER.search(line)
        if found:
            return found.group(1)
    return None


def _short_name(test_id: str) -> str:
    """The last part of a test id, as a runner repeats it in the failure's report
    ("tests/x.py::test_a" -> "test_a", "src/x.test.ts > suite > adds" -> "adds")."""
    return re.split(r"::| > | \u203a ", test_id)[-1]


def _context(before: list[str], after: list[str], test_id: str | None, test_file: str | None) -> list[str]:
    """The lines around a match that can tell where its failure is, best first: the test's own
    report after the match (from where its name comes again: "---- tests::x stdout ----",
    "____ test_a ____"), the lines right after the match, then the lines before it."""
    if test_id is None:
        return [*after, *_before_section(before, None)]
    short = _short_name(test_id)
    mention = next((index for index, line in enumerate(after) if short in line), None)
    report = _until_other_test(after[mention:], test_id, test_file) if mention is not None else []
    return [*report, *_until_other_test(after, test_id, test_file), *_before_section(before, test_id)]


def _until_other_test(lines: list[str], test_id: str, test_file: str | None) -> list[str]:
    """`lines` up to where another test's report starts."""
    short = _short_name(test_id)
    whole_file = test_id == test_file  # a file's report holds several tests
    for index, line in enumerate(lines):
        if short in line:
            continue
        other_id, other_file, _ = _test_of(line, [], [])
        if other_id is not None and not (whole_file and other_file in (None, test_file)):
            return lines[:index]
        if _GO_REPORT_START.search(line) or _PYTEST_HEADING.search(line):
            return lines[:index]
    return lines


def _before_section(before: list[str], test_id: str | None) -> list[str]:
    """The lines before a match that belong to its failure, nearest first: back to the line
    naming the test (go -v prints a test's log before its "--- FAIL"; pytest's summary comes
    after the failure's report), or, with no test, back to the nearest blank or rule line."""
    if test_id is not None:
        short = _short_name(test_id)
        for index in range(len(before) - 1, -1, -1):
            if short in before[index]:
                return before[index:][::-1]
        return []
    section: list[str] = []
    for line in reversed(before):
        if _BOUNDARY.search(line):
            break
        section.append(line)
    return section


# --- locations -----------------------------------------------------------------------------------


def _location(text: str) -> tuple[str | None, int | None]:
    """The first source location on a line that is not a dependency's."""
    return next(iter(_locations([text])), (None, None))


def _locations(lines: list[str]) -> list[tuple[str, int | None]]:
    """The source locations on `lines` that are not a dependency's, in order (per line, by the
    order of _LOCATIONS); the line is None where only the file is named."""
    found: list[tuple[str, int | None]] = []
    for line in lines:
        if _RUNTIME_FRAME.search(line):
            continue
        for pattern in _LOCATIONS:
            for hit in pattern.finditer(line):
                path = hit.group(1).rstrip(".,:;")
                if path and not _FOREIGN.search(path):
                    found.append((path, int(hit.group(2)) if hit.group(2) else None))
    return found


def _same_file(path: str, test_file: str) -> bool:
    a, b = path.removeprefix("./"), test_file.removeprefix("./")
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)
