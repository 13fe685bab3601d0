"""Keeping runs tidy: `lessonloop cleanup` (runs older than the retention, [runner] retention in the
configuration, 90 days by default) and `lessonloop feedback` (a person's rating and verdict of one
run, which pattern effectiveness and the suggestions take into account)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from lessonloop.core.timestamps import format_timestamp, parse_timestamp, utc_now
from lessonloop.runs.runner.run_record import RunRecord
from lessonloop.runs.store.reader import VERDICTS, RunNotFound, run_row
from lessonloop.runs.store.writer import redact_text
from lessonloop.store.sessions.feedback import FeedbackError
from lessonloop.store.transaction import transaction

__all__ = ["VERDICTS", "CleanupResult", "FeedbackError", "RunNotFound", "cleanup_runs", "record_feedback"]


@dataclass(frozen=True, slots=True)
class CleanupResult:
    """What `cleanup_runs` deleted (or, for a dry run, would delete)."""

    cutoff: str  # runs that started before this were deleted
    older_than: float  # seconds
    runs: int
    matches: int
    patterns: int
    findings_unlinked: int  # findings of those runs: kept, their run_id set to NULL
    dry_run: bool

    @property
    def deleted(self) -> dict[str, int]:
        """The rows deleted (or that would be) per table."""
        return {"runs": self.runs, "run_matches": self.matches, "run_patterns": self.patterns}

    def to_json(self) -> dict[str, Any]:
        return {
            "cutoff": self.cutoff,
            "older_than_seconds": self.older_than,
            "runs": self.runs,
            "matches": self.matches,
            "patterns": self.patterns,
            "findings_unlinked": self.findings_unlinked,
            "dry_run": self.dry_run,
        }


_OLD = "(SELECT id FROM runs WHERE started_at < ?)"


def cleanup_runs(
    conn: sqlite3.Connection, older_than_seconds: float, *, dry_run: bool = False, now: str | None = None
) -> CleanupResult:
    """Delete the runs that started more than `older_than_seconds` before `now` (default: the
    current time), with their matches and patterns, in one transaction. Their findings are kept
    with run_id set to NULL (done here, not left to ON DELETE SET NULL, which needs
    PRAGMA foreign_keys on the connection). `dry_run`: only count."""
    if older_than_seconds < 0:
        raise ValueError(f"older_than_seconds cannot be negative: {older_than_seconds}")
    moment = parse_timestamp(now or utc_now())
    try:
        cutoff = format_timestamp(moment - timedelta(seconds=older_than_seconds))
    except OverflowError:
        cutoff = "0000"  # before every stored time: nothing is that old
    with transaction(conn):
        runs = _count(conn, "SELECT count(*) FROM runs WHERE started_at < ?", cutoff)
        matches = _count(conn, f"SELECT count(*) FROM run_matches WHERE run_id IN {_OLD}", cutoff)
        patterns = _count(conn, f"SELECT count(*) FROM run_patterns WHERE run_id IN {_OLD}", cutoff)
        findings = _count(conn, f"SELECT count(*) FROM findings WHERE run_id IN {_OLD}", cutoff)
        if runs and not dry_run:
            conn.execute(f"UPDATE findings SET run_id = NULL WHERE run_id IN {_OLD}", (cutoff,))
            conn.execute(f"DELETE FROM run_matches WHERE run_id IN {_OLD}", (cutoff,))
            conn.execute(f"DELETE FROM run_patterns WHERE run_id IN {_OLD}", (cutoff,))
            conn.execute("DELETE FROM runs WHERE started_at < ?", (cutoff,))
    return CleanupResult(cutoff, float(older_than_seconds), runs, matches, patterns, findings, dry_run)


def _count(conn: sqlite3.Connection, sql: str, cutoff: str) -> int:
    return int(conn.execute(sql, (cutoff,)).fetchone()[0])


def record_feedback(
    conn: sqlite3.Connection,
    run_id: int,
    *,
    rating: int | None = None,
    verdict: str | None = None,
    note: str | None = None,
) -> RunRecord:
    """Store a person's judgement of run `run_id`: a rating 1..5, a verdict (should_have_waited:
    stopped too early; should_have_stopped: waited too long) and/or a note (redacted). What is not
    given keeps its earlier value; feedback_at is now. Returns the updated run. RunNotFound for no
    such run, FeedbackError for a wrong value or no feedback at all."""
    if note is not None:
        note = redact_text(note.strip(), "prose") or None
    if rating is None and verdict is None and note is None:
        raise FeedbackError("give a rating (1-5), a verdict or a note")
    if rating is not None and (isinstance(rating, bool) or not 1 <= rating <= 5):
        raise FeedbackError(f"a rating is a whole number from 1 to 5, not {rating!r}")
    if verdict is not None and verdict not in VERDICTS:
        raise FeedbackError(f"a verdict is {' or '.join(VERDICTS)}, not {verdict!r}")
    with transaction(conn):
        changed = conn.execute(
            """UPDATE runs SET rating = coalesce(?, rating), verdict = coalesce(?, verdict),
               feedback_note = coalesce(?, feedback_note), feedback_at = ? WHERE id = ?""",
            (rating, verdict, note, utc_now(), run_id),
        ).rowcount
        if changed != 1:
            raise RunNotFound(f"no run has the id {run_id} (`lessonloop runs` lists them)")
    return run_row(conn, run_id)
