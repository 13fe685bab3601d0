"""Findings: scanner and test results imported from files (SARIF, JUnit) and the error lines of
`lessonloop run`, each tied to the session edit that introduced it (pipeline/findings_import.py,
runs/findings.py match them; analyze/finding_match.py decides)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from lessonloop.analyze.inputs import Call
from lessonloop.core.records import FindingRecord
from lessonloop.store.sessions.reader import CALL_COLUMNS, call_from_row
from lessonloop.store.transaction import transaction

_CHANGE_KINDS = ("edit", "write")  # every agent's file edits and writes (records.TOOL_KINDS)


def edits_of_files(conn: sqlite3.Connection, names: Iterable[str]) -> list[Call]:
    """Successful edits and writes of files with these base names (the first file of a patch of
    several, or any of them), each once, in the order of `names`."""
    calls: list[Call] = []
    seen: set[str] = set()
    marks = ", ".join("?" * len(_CHANGE_KINDS))
    for name in names:
        pattern = "%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        for row in conn.execute(
            f"""SELECT {CALL_COLUMNS} FROM tool_calls
                WHERE kind IN ({marks}) AND status = 'ok'
                  AND (target_path LIKE ? ESCAPE '\\' OR paths_json LIKE ? ESCAPE '\\')""",
            [*_CHANGE_KINDS, pattern, pattern + "%"],
        ):
            if row[0] not in seen:
                seen.add(row[0])
                calls.append(call_from_row(row))
    return calls


def session_roots(conn: sqlite3.Connection) -> dict[str, str]:
    """Session id -> its main session's id (itself for a main session)."""
    return dict(conn.execute("SELECT id, coalesce(parent_id, id) FROM sessions").fetchall())


def call_times(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(main session id, its first call's time, its last result's time) of each session with a
    timed call, subagents' calls counted with their main session's."""
    return conn.execute(
        """SELECT coalesce(s.parent_id, s.id), min(c.ts), max(coalesce(c.result_ts, c.ts))
           FROM tool_calls c JOIN sessions s ON s.id = c.session_id
           WHERE c.ts IS NOT NULL GROUP BY 1"""
    ).fetchall()


def store_import(
    conn: sqlite3.Connection, path: str, fmt: str, size: int, mtime_ns: int, findings: Sequence[FindingRecord], now: str
) -> None:
    """Store what importing the file `path` found, replacing what an earlier import of it gave;
    in one transaction."""
    with transaction(conn):
        row = conn.execute("SELECT id FROM finding_imports WHERE path = ?", (path,)).fetchone()
        if row is not None:
            conn.execute("DELETE FROM findings WHERE import_id = ?", (row[0],))
            conn.execute(
                "UPDATE finding_imports SET format = ?, size = ?, mtime_ns = ?, imported_at = ? WHERE id = ?",
                (fmt, size, mtime_ns, now, row[0]),
            )
            import_id = row[0]
        else:
            cursor = conn.execute(
                "INSERT INTO finding_imports (path, format, size, mtime_ns, imported_at) VALUES (?, ?, ?, ?, ?)",
                (path, fmt, size, mtime_ns, now),
            )
            import_id = cursor.lastrowid
        conn.executemany(
            """INSERT INTO findings (source, kind, rule, severity, path, line, message, ts, session_id, tool_use_id,
                                     import_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    f.source,
                    f.kind,
                    f.rule,
                    f.severity,
                    f.path,
                    f.line,
                    f.message,
                    f.ts,
                    f.session_id,
                    f.tool_use_id,
                    import_id,
                )
                for f in findings
            ],
        )


def tie_findings(conn: sqlite3.Connection, updates: Sequence[tuple[str, str | None, int]]) -> int:
    """Tie findings to sessions, (session id, tool use id, finding id) each, in one transaction;
    a finding another process tied meanwhile is left alone. Returns how many were tied."""
    with transaction(conn):
        cursor = conn.executemany(
            "UPDATE findings SET session_id = ?, tool_use_id = ? WHERE id = ? AND session_id IS NULL", updates
        )
    return max(0, cursor.rowcount)
