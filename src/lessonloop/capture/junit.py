"""Read test results in JUnit XML into FindingRecords, one per failed or errored test.

`read_junit(path)` parses with junitparser (a `<testsuites>` root or a single `<testsuite>`, nested
suites too) and understands the dialects of pytest (`--junitxml`), jest-junit, Maven surefire
and go-junit-report. Bad content never raises: broken XML, a root that is not JUnit, or a file
over 100 MB becomes a `Problem`. Only a missing or unreadable file raises `OSError`.

Each failed or errored testcase becomes a finding of kind "test_failure", source "junit":

* rule: "<classname>::<name>", or the name alone when the classname is absent or the same.
* severity: "high".
* message: each failure/error's `message` attribute and the first lines of its text, at most
  2000 characters.
* path: the testcase's (else the suite's) `file` attribute; else, for a classname that reads as a
  Python test module path ("pkg.tests.test_x" or "pkg.tests.test_x.TestY"), "pkg/tests/test_x.py";
  for jest-junit's "Test suite failed to run" case, the test file it names. Otherwise None: Java
  classes, Go packages and jest describe-titles are not guessed at.
* line: the testcase's `line` attribute (pytest writes it 0-based; it is made 1-based here).
* ts: the end of the suite run, its `timestamp` plus its `time`, as canonical UTC; None when the
  suite has no timestamp (surefire writes none; the caller falls back to the file time).

Naive timestamps: most tools write local time without an offset (Ant, older pytest), so a naive
timestamp is read in the machine's local timezone, except jest-junit's (recognized by its default
root name "jest tests"), which is UTC with the "Z" cut off. Pass `naive_tz` to override both.

Counts: `tests` is the number of testcases, `failures`/`errors` the testcases with a failure/an
error element (a testcase can have both), `skipped` the skipped testcases that did not fail.
Surefire's `flakyFailure`/`rerunFailure` (a test that passed on rerun) do not count as failures.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from xml.etree import ElementTree

from junitparser import Attr, Error, Failure, JUnitXml, JUnitXmlError, TestCase, TestSuite

from lessonloop.core.records import FindingRecord, Problem
from lessonloop.core.timestamps import format_timestamp

MAX_JUNIT_BYTES = 100 * 1024 * 1024  # larger files are refused with a Problem
MAX_MESSAGE_CHARS = 2000
MAX_TEXT_LINES = 20  # lines of each failure's text kept in the message

_PYTEST_ROOT_NAME = "pytest tests"  # pytest's fixed <testsuites name>
_JEST_ROOT_NAME = "jest tests"  # jest-junit's default suiteName
_JEST_SUITE_ERROR = "Test suite failed to run"  # jest-junit's classname when a file cannot run
_PY_TEST_MODULE = re.compile(r"^(test_\w+|\w+_test)$")


@dataclass(slots=True)
class JunitRead:
    """What one JUnit XML file yielded: findings for failed tests, counts, and problems."""

    findings: list[FindingRecord] = field(default_factory=list)
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)


class _Case(TestCase):
    """A testcase with the `file` and `line` attributes pytest and jest-junit add."""

    file = Attr()
    line = Attr()


class _Suite(TestSuite):
    """A testsuite whose testcases are `_Case`s; some tools put `file` on the suite."""

    testcase = _Case
    file = Attr()


class _Report(JUnitXml):
    """The root, with `_Suite` suites."""

    testsuite = _Suite


@dataclass(frozen=True, slots=True)
class _Dialect:
    """What the root tells about its producer."""

    naive_tz: tzinfo | None  # None: the local timezone
    zero_based_lines: bool


def read_junit(path: str, *, naive_tz: tzinfo | None = None) -> JunitRead:
    """Read the JUnit XML file at `path`; raises OSError only when the file cannot be read.

    `naive_tz` is the timezone of timestamps written without an offset; by default the local
    timezone (UTC for jest-junit files).
    """
    out = JunitRead()
    size = os.stat(path).st_size
    if size > MAX_JUNIT_BYTES:
        out.problems.append(Problem(path, None, "junit-too-large", f"{size:,} bytes: larger than {MAX_JUNIT_BYTES:,}"))
        return out
    report = _parse(path, out.problems)
    if report is None:
        return out
    dialect = _dialect(report, naive_tz)
    try:
        for suite in report:
            if not isinstance(suite, _Suite):
                continue
            for case, owner, end in _cases(suite, None, dialect, path, out.problems):
                _count(case, out)
                if case.is_failure or case.is_error:  # one finding per testcase, whatever it holds
                    out.findings.append(_finding(case, owner, end, dialect))
    except RecursionError:  # suites nested about a thousand deep: what was read so far is kept
        out.problems.append(Problem(path, None, "junit-too-deep", _TOO_DEEP))
    return out


_TOO_DEEP = "test suites nested deeper than Python can follow (about 1,000 levels); the rest is not read"


def _parse(path: str, problems: list[Problem]) -> JUnitXml | None:
    """The parsed report, or None with a Problem. Always the standard library's parser, which
    does not fetch external entities (lxml, if installed, would be junitparser's default)."""
    try:
        return _Report.fromfile(path, parse_func=ElementTree.parse)
    except JUnitXmlError:
        problems.append(Problem(path, None, "junit-not-junit", "root element is neither <testsuites> nor <testsuite>"))
    except (ElementTree.ParseError, LookupError, ValueError) as exc:  # LookupError: unknown encoding
        problems.append(Problem(path, None, "junit-invalid-xml", f"not well-formed XML: {exc}"))
    except RecursionError:  # elements nested about a thousand deep
        problems.append(
            Problem(path, None, "junit-too-deep", "XML nested deeper than Python can read (about 1,000 levels)")
        )
    return None


def _dialect(report: JUnitXml, naive_tz: tzinfo | None) -> _Dialect:
    name = report.name
    if naive_tz is None and name == _JEST_ROOT_NAME:
        naive_tz = UTC
    return _Dialect(naive_tz=naive_tz, zero_based_lines=name == _PYTEST_ROOT_NAME)


def _cases(
    suite: _Suite, inherited_end: str | None, dialect: _Dialect, path: str, problems: list[Problem]
) -> Iterator[tuple[_Case, _Suite, str | None]]:
    """Every testcase of `suite` and its nested suites, with its own suite and the end of its run."""
    end = _suite_end(suite, dialect, path, problems) or inherited_end
    cases, nested = _children(suite)
    for case in cases:
        yield case, suite, end
    for inner in nested:
        yield from _cases(inner, end, dialect, path, problems)


def _children(suite: _Suite) -> tuple[list[_Case], list[_Suite]]:
    """The testcases and the suites directly inside `suite` (junitparser leaves these untyped)."""
    cases = suite.iterchildren(_Case)  # type: ignore[no-untyped-call]
    nested = suite.testsuites()  # type: ignore[no-untyped-call]
    return [c for c in cases if isinstance(c, _Case)], [n for n in nested if isinstance(n, _Suite)]


def _count(case: _Case, out: JunitRead) -> None:
    failed, errored, skipped = bool(case.is_failure), bool(case.is_error), bool(case.is_skipped)
    out.tests += 1
    out.failures += int(failed)
    out.errors += int(errored)
    out.skipped += int(skipped and not (failed or errored))


def _finding(case: _Case, suite: _Suite, end: str | None, dialect: _Dialect) -> FindingRecord:
    return FindingRecord(
        source="junit",
        kind="test_failure",
        rule=_rule(case),
        severity="high",
        path=_case_path(case, suite),
        line=_case_line(case, dialect),
        message=_message(case),
        ts=end,
    )


# --- time --------------------------------------------------------------------------------------


def _suite_end(suite: _Suite, dialect: _Dialect, path: str, problems: list[Problem]) -> str | None:
    """When the suite's run ended (timestamp + time) as canonical UTC; None without a timestamp."""
    raw = suite.timestamp
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        start = datetime.fromisoformat(raw.strip())
        if start.tzinfo is None:
            start = start.replace(tzinfo=dialect.naive_tz) if dialect.naive_tz else start.astimezone()
        return format_timestamp(start + timedelta(seconds=_suite_seconds(suite)))
    except (ValueError, OverflowError, OSError):  # unparseable, or out of the platform's range
        detail = f"suite {suite.name or '(unnamed)'}: timestamp {raw!r} unreadable"
        problems.append(Problem(path, None, "junit-bad-timestamp", detail, "notice"))
        return None


def _suite_seconds(suite: _Suite) -> float:
    """The suite's `time` (junitparser sums its testcases' times when it is absent)."""
    try:
        seconds = suite.time
    except ValueError:
        return 0.0
    return float(seconds) if isinstance(seconds, float) and 0.0 <= seconds < 1e7 else 0.0


# --- what failed -------------------------------------------------------------------------------


def _rule(case: _Case) -> str:
    name = case.name or ""
    classname = case.classname or ""
    if classname and name and classname != name:
        return f"{classname}::{name}"
    return name or classname or "(unnamed test)"


def _message(case: _Case) -> str:
    parts = [_result_text(result) for result in case.result if isinstance(result, (Failure, Error))]
    return "\n\n".join(part for part in parts if part)[:MAX_MESSAGE_CHARS]


def _result_text(result: Failure | Error) -> str:
    """The message attribute (unless the body's first line repeats it) and the body's first lines."""
    message = (result.message or "").strip()
    body = textwrap.dedent((result.text or "").strip("\n")).splitlines()[:MAX_TEXT_LINES]
    head = "\n".join(line.rstrip() for line in body).strip()
    if message and message in head.partition("\n")[0]:
        message = ""  # the body repeats it (surefire: "<exception type>: <message>")
    text = "\n".join(part for part in (message, head) if part)
    return text or ("failure" if isinstance(result, Failure) else "error")


def _case_path(case: _Case, suite: _Suite) -> str | None:
    for candidate in (case.file, suite.file):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    classname = case.classname or ""
    if classname == _JEST_SUITE_ERROR and case.name:
        return str(case.name)
    return _module_path(classname)


def _module_path(classname: str) -> str | None:
    """ "a.b.test_x" or "a.b.test_x.TestY" -> "a/b/test_x.py"; None unless clearly a test module."""
    parts = classname.split(".")
    if not all(part.isidentifier() for part in parts):
        return None
    for end in range(len(parts), 0, -1):
        if _PY_TEST_MODULE.match(parts[end - 1]):
            trailing = parts[end:]
            if all(part[:1].isupper() for part in trailing):  # test classes after the module
                return "/".join(parts[:end]) + ".py"
            return None
    return None


def _case_line(case: _Case, dialect: _Dialect) -> int | None:
    raw = case.line
    if not isinstance(raw, str) or not raw.strip().isdigit():
        return None
    line = int(raw) + (1 if dialect.zero_based_lines else 0)
    return line if line >= 1 else None
