"""Store what analysis found about a session, replacing what an earlier analysis stored."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from lessonloop.analyze.session_analysis import SessionAnalysis
from lessonloop.core import json_codec

_SESSION_TABLES = ("analysis_signals", "call_errors", "rule_results", "diff_risk")


def clear_session_analysis(conn: sqlite3.Connection, session_id: str) -> None:
    for table in _SESSION_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE session_id = ?", (session_id,))
    conn.execute("DELETE FROM findings WHERE session_id = ? AND import_id IS NULL AND run_id IS NULL", (session_id,))
    conn.execute("DELETE FROM session_executions WHERE session_id = ?", (session_id,))


def _signal_rows(a: SessionAnalysis) -> Iterable[tuple[object, ...]]:
    files = a.files.to_json()
    for kind in ("blind_edits", "stale_edits", "duplicate_reads", "search_loops", "re_edits"):
        for item in files.get(kind, []):
            yield (
                a.session_id,
                item.get("session_id") or a.session_id,
                kind.rstrip("s"),
                item.get("line"),
                item.get("tool_use_id"),
                None,
                item.get("path"),
                None,
                json_codec.dumps(item),
            )
    for c in a.corrections:
        item = c.to_json()
        yield (
            a.session_id,
            item["session_id"],
            "correction",
            item["line"],
            None,
            item["message_uuid"],
            None,
            item["kind"],
            json_codec.dumps(item),
        )
    for ref in a.outcomes.unresolved_errors:
        yield (a.session_id, ref.context_id, "unresolved_error", ref.seq, ref.tool_use_id, None, None, None, None)
    for ref in a.outcomes.reverted_changes:
        yield (a.session_id, ref.context_id, "reverted_change", ref.seq, ref.tool_use_id, None, None, None, None)


def write_session_analysis(
    conn: sqlite3.Connection, a: SessionAnalysis, fingerprint: str, now: str, *, bandit: bool = False
) -> None:
    """Replace the stored analysis of `a.session_id` (the caller holds the transaction); `bandit`:
    whether bandit scanned its Python edits."""
    clear_session_analysis(conn, a.session_id)
    conn.executemany(
        """INSERT INTO analysis_signals
           (session_id, context_id, kind, seq, tool_use_id, message_uuid, path, label, detail)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        list(_signal_rows(a)),
    )
    conn.executemany(
        """INSERT OR REPLACE INTO call_errors (tool_use_id, session_id, context_id, class, usage, confidence, evidence)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [
            (e.tool_use_id, a.session_id, e.context_id, e.label, int(e.usage), e.confidence, e.evidence)
            for e in a.errors
        ],
    )
    conn.executemany(
        "INSERT INTO rule_results (session_id, rule_id, status, evidence, severity) VALUES (?, ?, ?, ?, ?)",
        [(a.session_id, r.rule_id, r.status, json_codec.dumps(r.to_json()), r.severity) for r in a.rules],
    )
    conn.executemany(
        """INSERT INTO findings (source, kind, rule, severity, path, line, message, ts, session_id, tool_use_id)
           VALUES (?, 'risk', ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (f.source, f.rule, f.severity, f.path, f.line, f.title, None, a.session_id, f.tool_use_id)
            for f in a.findings()
            if not f.imported  # an imported finding is stored by its import
        ],
    )
    conn.executemany(
        "INSERT OR REPLACE INTO diff_risk (tool_use_id, session_id, risk, findings) VALUES (?, ?, ?, ?)",
        [(call_id, a.session_id, risk, len(a.risk_findings[call_id])) for call_id, risk in a.diff_risks.items()],
    )
    o = a.outcomes
    files = a.files
    conn.execute(
        """INSERT INTO session_executions (
               session_id, project, fingerprint, analyzed_at, started_at, ended_at, tool_calls, typed_prompts,
               engagement_rate, rules_applicable, rules_satisfied, compliance, blind_edits, stale_edits,
               duplicate_reads, search_loops, re_edits, errors, usage_errors, corrections, findings, max_risk,
               unresolved_errors, tests_run, tests_failing_at_end, corrections_in_session, opens_with_correction,
               corrections_next_session, reverted_changes, detail, bandit)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)""",
        (
            a.session_id,
            a.project,
            fingerprint,
            now,
            a.started_at,
            a.ended_at,
            a.tool_calls,
            a.typed_prompts,
            a.engagement_rate,
            a.rules_applicable,
            a.rules_satisfied,
            a.compliance,
            len(files.blind_edits),
            len(files.stale_edits),
            len(files.duplicate_reads),
            len(files.search_loops),
            len(files.re_edits),
            len(a.errors),
            a.usage_errors,
            len(a.corrections),
            len(a.findings()),
            a.max_risk,
            len(o.unresolved_errors),
            o.tests_run,
            None if o.tests_failing_at_end is None else int(o.tests_failing_at_end),
            o.corrections_in_session,
            int(o.opens_with_correction),
            len(o.reverted_changes),
            json_codec.dumps(a.to_json()),
            int(bandit),
        ),
    )


def link_next_sessions(conn: sqlite3.Connection, projects: Iterable[str | None]) -> None:
    """Set corrections_next_session for every session of `projects`: does the project's next
    session (by start time) open with a correction? NULL for the latest session."""
    for project in set(projects):
        rows = conn.execute(
            """SELECT session_id, opens_with_correction FROM session_executions
               WHERE project IS ? ORDER BY started_at, session_id""",
            (project,),
        ).fetchall()
        updates = [(rows[i + 1][1] if i + 1 < len(rows) else None, row[0]) for i, row in enumerate(rows)]
        conn.executemany("UPDATE session_executions SET corrections_next_session = ? WHERE session_id = ?", updates)
