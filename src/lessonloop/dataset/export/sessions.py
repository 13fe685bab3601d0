"""Sessions for the export: one summary per main session (its subagents folded in, as
`lessonloop sessions` counts them): agent, model, project, times, counts, tokens, how it ended
(the stored analysis), its tool errors by class, and the feedback given (docs/export.md)."""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.dataset.export import export_queries as queries
from lessonloop.report.queries import list_sessions
from lessonloop.report.record_filter import ExportFilter, weight
from lessonloop.store.sessions.feedback import feedback_by_target


def session_rows(conn: sqlite3.Connection, keep: ExportFilter) -> list[dict[str, Any]]:
    """The main sessions `keep` keeps, oldest first (start, id)."""
    feedback = feedback_by_target(conn, "session")
    outcomes = {str(row[0]): row[1:] for row in queries.session_outcomes(conn)}
    classes: dict[str, list[dict[str, Any]]] = {}
    for session_id, name, count in queries.error_classes(conn):
        classes.setdefault(str(session_id), []).append({"class": name, "count": count})
    rows: list[dict[str, Any]] = []
    for session in list_sessions(conn):
        rating, note = feedback.get((session.id, ""), (None, None))
        if not keep.keeps(session.project, session.started_at, rating):
            continue
        outcome = outcomes.get(session.id)
        rows.append(
            {
                "id": session.id,
                "agent": session.agent,
                "model": session.model,
                "project": session.project,
                "git_branch": session.git_branch,
                "title": session.title,
                "first_prompt": session.first_prompt,
                "started_at": session.started_at,
                "ended_at": session.ended_at,
                "prompts": session.prompts,
                "tool_calls": session.tool_calls,
                "tool_errors": session.errors,
                "subagents": session.subagents,
                "tokens": {
                    "input": session.input_tokens,
                    "output": session.output_tokens,
                    "cache_creation": session.cache_creation_tokens,
                    "cache_read": session.cache_read_tokens,
                },
                "outcome": _outcome(outcome),
                "errors_by_class": classes.get(session.id, []),
                "feedback": {"rating": rating, "note": note, "source": "session" if rating is not None else None},
                "weight": weight(rating),
            }
        )
    rows.sort(key=lambda row: (row["started_at"] or "", row["id"]))
    return rows


def _outcome(row: tuple[Any, ...] | None) -> dict[str, Any]:
    if row is None:
        return {"analyzed": False}
    unresolved, tests, failing, corrections, reverted, blind, compliance, risk = row
    return {
        "analyzed": True,
        "unresolved_errors": unresolved,
        "tests_run": tests,
        "tests_failing_at_end": None if failing is None else bool(failing),
        "corrections": corrections,
        "reverted_changes": reverted,
        "blind_edits": blind,
        "compliance": compliance,
        "max_risk": risk,
    }
