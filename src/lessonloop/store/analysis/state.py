"""What analysis remembers between runs (pipeline/analysis.py): each session's fingerprint, the
marks of the last check of every session, which sessions bandit scanned; and the test failures
and the scanner findings an analysis reads beside the sessions."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from lessonloop.store.transaction import transaction

TYPE_CHECKING = False  # typing is not imported at run time (the hooks' worker reads this module)
if TYPE_CHECKING:
    from lessonloop.analyze.diff_risk import RiskFinding

_MARKED_TABLES = ("tool_calls", "messages", "findings", "sessions")


def stored_fingerprints(conn: sqlite3.Connection) -> dict[str, str]:
    """Session id -> the fingerprint of the inputs its stored analysis was made from."""
    return {
        str(session_id): fingerprint
        for session_id, fingerprint in conn.execute("SELECT session_id, fingerprint FROM session_executions")
    }


def high_rowids(conn: sqlite3.Connection) -> list[int]:
    """The highest rowid of each table a session's fingerprint reads (tool calls, messages,
    findings, sessions): what a check of every session depends on, with the change log."""
    return [conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0] for table in _MARKED_TABLES]


# What names the row at a table's mark: the same name there at the next check says that no row at
# or below the mark was deleted and its rowid given again since (SQLite gives the highest rowid
# + 1: only after the highest row is deleted, or a VACUUM renumbers, can a new row fall below).
_MARK_KEYS = {
    "tool_calls": "id",
    "messages": "session_id || '/' || coalesce(uuid, '')",
    "findings": "coalesce(session_id, '') || '/' || coalesce(path, '') || '/' || coalesce(message, '')",
    "sessions": "id",
}


def mark_keys(conn: sqlite3.Connection, rowids: Sequence[int]) -> list[str | None]:
    """The name of the row at each table's mark (high_rowids' order); None where there is none."""
    keys: list[str | None] = []
    for table, mark in zip(_MARKED_TABLES, rowids, strict=True):
        row = conn.execute(f"SELECT {_MARK_KEYS[table]} FROM {table} WHERE rowid = ?", (mark,)).fetchone()
        keys.append(None if row is None else str(row[0]))
    return keys


def checked_marks(conn: sqlite3.Connection) -> str | None:
    """The marks of the last check of every session."""
    row = conn.execute("SELECT digest FROM analysis_marks WHERE id = 1").fetchone()
    return None if row is None else str(row[0])


def checked_parts(conn: sqlite3.Connection) -> str | None:
    """The marks of the last check of every session, each apart (JSON; None: not kept)."""
    row = conn.execute("SELECT parts FROM analysis_marks WHERE id = 1").fetchone()
    return None if row is None or row[0] is None else str(row[0])


def keep_checked_marks(conn: sqlite3.Connection, marks: str, now: str, parts: str | None = None) -> None:
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO analysis_marks (id, digest, checked_at, parts) VALUES (1, ?, ?, ?)",
            (marks, now, parts),
        )


def main_sessions_of(conn: sqlite3.Connection, projects: Sequence[str | None]) -> set[str]:
    """The main sessions of these projects."""
    found: set[str] = set()
    for project in projects:
        found |= {
            str(row[0])
            for row in conn.execute("SELECT id FROM sessions WHERE parent_id IS NULL AND project IS ?", (project,))
        }
    return found


def sessions_past(
    conn: sqlite3.Connection, rowids: Sequence[int], changes_after: int, changes_now: int
) -> set[str] | None:
    """The sessions with a row past `rowids` (high_rowids' order) or in the change log after
    `changes_after` (up to `changes_now`, its position now); None when the change log no longer
    holds every entry after it (learning cleared some: every session is to be checked)."""
    (logged,) = conn.execute("SELECT count(*) FROM learn_changes WHERE id > ?", (changes_after,)).fetchone()
    if logged != changes_now - changes_after:
        return None
    found = {str(row[0]) for row in conn.execute("SELECT session_id FROM learn_changes WHERE id > ?", (changes_after,))}
    for table, mark in zip(_MARKED_TABLES, rowids, strict=True):
        column = "id" if table == "sessions" else "session_id"
        found |= {
            str(row[0])
            for row in conn.execute(
                f"SELECT DISTINCT {column} FROM {table} WHERE rowid > ? AND {column} IS NOT NULL", (mark,)
            )
        }
    return found


def mark_bandit_scanned(conn: sqlite3.Connection, session_ids: Sequence[str]) -> None:
    """Record that bandit scanned these sessions' Python edits; in one transaction."""
    with transaction(conn):
        for start in range(0, len(session_ids), 500):
            part = list(session_ids[start : start + 500])
            conn.execute(
                f"UPDATE session_executions SET bandit = 1 WHERE session_id IN ({', '.join('?' * len(part))})", part
            )


def junit_failure_times(conn: sqlite3.Connection, session_ids: Sequence[str]) -> dict[str, list[str | None]]:
    """Session id -> the times of the failed tests imported (JUnit) or seen by `lessonloop run`
    that were matched to it."""
    marks = ", ".join("?" * len(session_ids))
    found: dict[str, list[str | None]] = {}
    for session_id, ts in conn.execute(
        f"""SELECT session_id, ts FROM findings
            WHERE kind = 'test_failure' AND (import_id IS NOT NULL OR run_id IS NOT NULL)
                  AND session_id IN ({marks})""",
        list(session_ids),
    ):
        found.setdefault(session_id, []).append(ts)
    return found


def imported_risk_findings(conn: sqlite3.Connection, session_ids: Sequence[str]) -> dict[str, list[RiskFinding]]:
    """Session id -> the scanner findings imported from files (SARIF) that were matched to one of
    its edits: its analysis counts them in the edit's risk and lists them with its own."""
    from lessonloop.analyze.diff_risk import RiskFinding

    marks = ", ".join("?" * len(session_ids))
    found: dict[str, list[RiskFinding]] = {}
    for session_id, source, rule, severity, path, line, message, tool_use_id, context_id, seq in conn.execute(
        f"""SELECT f.session_id, f.source, f.rule, f.severity, f.path, f.line, f.message, f.tool_use_id,
                   coalesce(c.session_id, f.session_id), coalesce(c.seq, -1)
            FROM findings f LEFT JOIN tool_calls c ON c.id = f.tool_use_id
            WHERE f.kind = 'risk' AND f.import_id IS NOT NULL AND f.tool_use_id IS NOT NULL
                  AND f.session_id IN ({marks})
            ORDER BY f.id""",
        list(session_ids),
    ):
        found.setdefault(session_id, []).append(
            RiskFinding(
                rule=rule,
                severity=severity,
                title=message,
                path=path,
                line=line or 0,
                text="",
                tool_use_id=tool_use_id,
                context_id=context_id,
                seq=seq,
                source=source,
                fix="",
                imported=True,
            )
        )
    return found
