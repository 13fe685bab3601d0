"""Import scanner results (SARIF) and test results (JUnit XML) and tie them to sessions.

Each finding is matched to the session edit that introduced it, by file and time (see
analyze/finding_match.py); a failed test without a matching edit goes to the session running
at that time (or that ended at most 10 minutes before it). Importing a file again replaces what it gave before.
"""

from __future__ import annotations

import os
import posixpath
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from lessonloop.analyze.finding_match import match_findings
from lessonloop.analyze.inputs import Call
from lessonloop.capture.junit import read_junit
from lessonloop.core.records import FindingRecord, Problem
from lessonloop.core.timestamps import format_timestamp, parse_timestamp, utc_now
from lessonloop.store.analysis.findings import call_times, edits_of_files, session_roots, store_import


@dataclass(slots=True)
class ImportResult:
    """What importing one result file gave."""

    path: str
    format: str
    findings: int = 0
    matched: int = 0
    tests: int | None = None
    failures: int | None = None
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "format": self.format,
            "findings": self.findings,
            "matched_to_sessions": self.matched,
            "tests": self.tests,
            "failed_tests": self.failures,
            "problems": [
                {"path": p.path, "line": p.line, "code": p.code, "detail": p.detail, "severity": p.severity}
                for p in self.problems
            ],
        }


def _read(path: str, fmt: str) -> tuple[list[FindingRecord], list[Problem], ImportResult]:
    result = ImportResult(path, fmt)
    if fmt == "sarif":
        from lessonloop.capture.sarif import read_sarif

        sarif = read_sarif(path)
        return sarif.findings, sarif.problems, result

    junit = read_junit(path)
    result.tests = junit.tests
    result.failures = junit.failures + junit.errors
    return junit.findings, junit.problems, result


def edits_for(conn: sqlite3.Connection, findings: list[FindingRecord]) -> list[Call]:
    """Successful edits of files whose name some finding mentions (the first file of a patch of
    several, or any of them)."""
    return edits_of_files(conn, sorted({posixpath.basename(f.path) for f in findings if f.path}))


# A test run shortly after a session's last call (the person running the suite) belongs to it.
SPAN_GRACE = timedelta(minutes=10)


def session_spans(conn: sqlite3.Connection) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Context id -> main session id; main session id -> (first call, last result + grace)."""
    session_of = session_roots(conn)
    spans: dict[str, tuple[str, str]] = {}
    for root, first, last in call_times(conn):
        end = parse_timestamp(last)
        spans[root] = (first, format_timestamp(end + SPAN_GRACE) if end else last)
    return session_of, spans


def import_findings(conn: sqlite3.Connection, path: str, fmt: str) -> ImportResult:
    """Read a SARIF or JUnit file (`fmt` "sarif" or "junit"), match it, store it; raises OSError
    when the file cannot be read at all."""
    path = os.path.abspath(path)
    info = os.stat(path)
    findings, problems, result = _read(path, fmt)
    result.problems = problems
    fallback_ts = format_timestamp(datetime.fromtimestamp(info.st_mtime, UTC))
    findings = [f if f.ts else replace(f, ts=fallback_ts) for f in findings]
    session_of, spans = session_spans(conn)
    matched = match_findings(findings, edits_for(conn, findings), session_of, session_spans=spans)
    result.findings = len(matched)
    result.matched = sum(1 for f in matched if f.session_id)
    store_import(conn, path, fmt, info.st_size, info.st_mtime_ns, matched, utc_now())
    return result
