"""Runs of `lessonloop run` as a kind of `lessonloop dataset export` (core/wing.py's EXPORT_KINDS):
the command, how and why it ended, its timings, the lines its patterns matched, and the feedback
given (rating, verdict, note)."""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.report.record_fields import ExportKind, flag, moment, number, struct, text, texts, whole
from lessonloop.report.record_filter import ExportFilter, weight
from lessonloop.runs import export_queries as queries

_COLUMNS = [
    "id",
    "started_at",
    "ended_at",
    "command",
    "command_norm",
    "program",
    "project",
    "profile",
    "reason",
    "exit_status",
    "child_status",
    "stopped",
    "duration",
    "first_output",
    "first_match",
    "match_count",
    "stdout_lines",
    "stderr_lines",
    "rating",
    "verdict",
    "feedback_note",
]


def run_rows(conn: sqlite3.Connection, keep: ExportFilter) -> list[dict[str, Any]]:
    """The runs `keep` keeps, oldest first (start, id)."""
    matches: dict[int, list[str]] = {}
    for run_id, matched in queries.run_matches(conn):
        matches.setdefault(int(run_id), []).append(matched)
    rows = []
    for values in queries.run_columns(conn, _COLUMNS):
        row = dict(zip(_COLUMNS, values, strict=True))
        rating, verdict, note = row.pop("rating"), row.pop("verdict"), row.pop("feedback_note")
        if not keep.keeps(row["project"], row["started_at"], rating):
            continue
        row["stopped"] = bool(row["stopped"])
        row["matches"] = matches.get(row["id"], [])
        row["feedback"] = {"rating": rating, "verdict": verdict, "note": note}
        row["weight"] = weight(rating)
        rows.append(row)
    return rows


KIND = ExportKind(
    fields=(
        whole("id"),
        moment("started_at"),
        moment("ended_at"),
        text("command", "command"),
        text("command_norm", "command"),
        text("program"),
        text("project"),
        text("profile"),
        text("reason"),
        whole("exit_status"),
        whole("child_status"),
        flag("stopped"),
        number("duration"),
        number("first_output"),
        number("first_match"),
        whole("match_count"),
        whole("stdout_lines"),
        whole("stderr_lines"),
        texts("matches", "output"),
        struct("feedback", whole("rating"), text("verdict"), text("note")),
        number("weight"),
    ),
    rows=run_rows,
    description=(
        "Runs of `lessonloop run`: the command, why and how it ended, timings, the lines its patterns "
        "matched, and the feedback given."
    ),
    rated=True,
)
