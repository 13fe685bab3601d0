"""Tie the findings of `lessonloop run` (matched error lines) to the sessions and edits behind them.

A run is recorded when it ends, often before the session that ran it has been ingested, so its
findings are stored without a session. Each ingest tries again: a finding is matched as imported
SARIF and JUnit findings are (analyze/finding_match.py, with the store queries of
pipeline/findings_import.py), its relative path resolved against the folder the run ran in. A
test failure that no edit explains goes to the session running at the time.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import TYPE_CHECKING

from lessonloop.runs.store.reader import unmatched_findings
from lessonloop.store.analysis.findings import tie_findings

if TYPE_CHECKING:
    from lessonloop.core.records import FindingRecord


def before_analysis(conn: sqlite3.Connection, _request: object, _report: object) -> set[str]:
    """The ingest job's step (core/wing.py's before_analysis): the findings matched before the
    sessions they are tied to are analyzed. Returns those sessions: an ingest that analyzes only
    what it touched (the hooks' worker) analyzes them too."""
    return _match(conn)[1]


def match_run_findings(conn: sqlite3.Connection) -> int:
    """Match the run findings that have no session yet; returns how many got one. The updates
    go in one transaction."""
    return _match(conn)[0]


def _match(conn: sqlite3.Connection) -> tuple[int, set[str]]:
    """How many run findings got a session, and the sessions they were tied to."""
    rows = unmatched_findings(conn)
    if not rows:
        return 0, set()  # (every ingest asks: what matching needs is imported after)
    from lessonloop.analyze.finding_match import match_findings
    from lessonloop.core.records import FindingRecord
    from lessonloop.pipeline.findings_import import edits_for, session_spans

    by_cwd: dict[str | None, list[tuple[int, FindingRecord]]] = defaultdict(list)
    for finding_id, source, kind, rule, severity, path, line, message, ts, cwd in rows:
        by_cwd[cwd].append((finding_id, FindingRecord(source, kind, rule, severity, path, line, message, ts)))
    session_of, spans = session_spans(conn)
    if not spans:
        return 0, set()  # no session has a timed call: nothing to match against
    edits = edits_for(conn, [finding for group in by_cwd.values() for _, finding in group])
    updates: list[tuple[str, str | None, int]] = []
    for cwd, group in by_cwd.items():
        matched = match_findings(
            [finding for _, finding in group],
            edits,
            session_of,
            project_roots=[cwd] if cwd else [],
            session_spans=spans,
        )
        updates.extend(
            (finding.session_id, finding.tool_use_id, finding_id)
            for (finding_id, _), finding in zip(group, matched, strict=True)
            if finding.session_id is not None
        )
    if not updates:
        return 0, set()
    tied = tie_findings(conn, updates)  # a finding matched meanwhile by another process is left alone
    return tied, {session for session, _call, _finding in updates}
