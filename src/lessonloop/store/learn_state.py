"""Learning's state between runs (m024_learn_state): the learner as it was at a time boundary, the
main sessions learned before it with a digest of what was learned from them, and the changes the
store's triggers logged since (pipeline/learning.py decides what to learn again from them)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lessonloop import json_codec

# The tables learning reads whose new rows (by rowid) are what is new since the last run.
MARKED_TABLES = (
    "tool_calls",
    "call_errors",
    "analysis_signals",
    "hook_decisions",
    "messages",  # the person's prompts
    "sessions",
    "learn_changes",
)


@dataclass(slots=True)
class LearnState:
    version: str
    boundary: str
    marks: dict[str, int]
    tail_sessions: list[str]
    learner: dict[str, Any] = field(default_factory=dict)


def read_marks(conn: sqlite3.Connection) -> dict[str, int]:
    """The highest rowid of each table learning reads (an index's last entry each); of
    learn_changes, the last id given (its rows are deleted once learned from)."""
    marks = {
        table: int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {table}").fetchone()[0])
        for table in MARKED_TABLES
        if table != "learn_changes"
    }
    marks["learn_changes"] = changes_seq(conn)
    return marks


def changes_seq(conn: sqlite3.Connection) -> int:
    """The last id learn_changes gave (its AUTOINCREMENT counter: kept when its rows are deleted)."""
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'learn_changes'").fetchone()
    return int(row[0]) if row else 0


def read_state(conn: sqlite3.Connection, *, learner: bool = True) -> LearnState | None:
    """The stored state (`learner=False`: without the learner's JSON, for the unchanged check)."""
    row = conn.execute(
        f"SELECT version, boundary, marks, tail_sessions, {'learner' if learner else 'NULL'} FROM learn_state WHERE id = 1"
    ).fetchone()
    if row is None:
        return None
    try:
        marks = json_codec.loads(row[2])
        tail = json_codec.loads(row[3])
        data = json_codec.loads(row[4]) if row[4] else {}
    except ValueError:
        return None
    if not isinstance(marks, dict) or not isinstance(tail, list) or not isinstance(data, dict):
        return None
    return LearnState(row[0], row[1], {str(k): int(v) for k, v in marks.items()}, [str(s) for s in tail], data)


def write_state(conn: sqlite3.Connection, state: LearnState, now: str) -> None:
    conn.execute(
        """INSERT OR REPLACE INTO learn_state (id, version, boundary, marks, tail_sessions, learner, saved_at)
           VALUES (1, ?, ?, ?, ?, ?, ?)""",
        (
            state.version,
            state.boundary,
            json_codec.dumps(state.marks),
            json_codec.dumps(state.tail_sessions),
            json_codec.dumps(state.learner),
            now,
        ),
    )


def changed_sessions(conn: sqlite3.Connection, after: int, upto: int) -> set[str]:
    """The sessions the triggers logged as changed between these learn_changes ids."""
    return {
        sid
        for (sid,) in conn.execute(
            "SELECT DISTINCT session_id FROM learn_changes WHERE id > ? AND id <= ?", (after, upto)
        )
    }


def new_row_sessions(conn: sqlite3.Connection, marks: dict[str, int]) -> set[str]:
    """The sessions of the rows added since `marks` to the tables learning reads."""
    found: set[str] = set()
    for table, column in (
        ("tool_calls", "session_id"),
        ("call_errors", "session_id"),
        ("hook_decisions", "session_id"),
    ):
        found.update(
            sid
            for (sid,) in conn.execute(f"SELECT DISTINCT {column} FROM {table} WHERE rowid > ?", (marks.get(table, 0),))
        )
    found.update(
        sid
        for (sid,) in conn.execute(
            "SELECT DISTINCT session_id FROM analysis_signals WHERE rowid > ? AND kind = 'correction'",
            (marks.get("analysis_signals", 0),),
        )
    )
    found.update(
        sid
        for (sid,) in conn.execute(
            "SELECT DISTINCT session_id FROM messages WHERE rowid > ? AND kind = 'prompt'", (marks.get("messages", 0),)
        )
    )
    return found


def clear_changes(conn: sqlite3.Connection, upto: int) -> None:
    conn.execute("DELETE FROM learn_changes WHERE id <= ?", (upto,))


def session_rows(conn: sqlite3.Connection, roots: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """learn_sessions rows of these main sessions (in the order given): digest, ended. One query,
    the ids passed as one JSON array (no limit on how many)."""
    wanted = list(dict.fromkeys(roots))
    if not wanted:
        return {}
    found = {
        sid: (digest, bool(ended))
        for sid, digest, ended in conn.execute(
            """SELECT session_id, digest, ended FROM learn_sessions
               WHERE session_id IN (SELECT value FROM json_each(?))""",
            (json_codec.dumps(wanted),),
        )
    }
    return {root: found[root] for root in wanted if root in found}


def put_sessions(conn: sqlite3.Connection, rows: dict[str, tuple[str, bool]], *, replace_all: bool) -> None:
    if replace_all:
        conn.execute("DELETE FROM learn_sessions")
    conn.executemany(
        "INSERT OR REPLACE INTO learn_sessions (session_id, digest, ended) VALUES (?, ?, ?)",
        [(sid, digest, int(ended)) for sid, (digest, ended) in rows.items()],
    )


def forget_state(conn: sqlite3.Connection) -> None:
    """Drop the state: the next learning run learns everything again."""
    conn.execute("DELETE FROM learn_state")


def settled_edit_sessions(conn: sqlite3.Connection, project: str | None, ext: str) -> set[str]:
    """The main sessions that changed files of type `ext` in `project` by calls before the boundary."""
    return {
        sid
        for (sid,) in conn.execute(
            "SELECT session_id FROM learn_edit_types WHERE project = ? AND ext = ? AND settled = 1",
            (project or "", ext),
        )
    }


def put_edit_types(
    conn: sqlite3.Connection,
    before: set[tuple[str | None, str, str]],
    after: set[tuple[str | None, str, str]],
    *,
    replace_all: bool,
) -> None:
    """Keep a run's changed file types: those before its boundary settled, those after it found
    again by the next run (the rows after the last boundary are replaced)."""
    conn.execute("DELETE FROM learn_edit_types" + ("" if replace_all else " WHERE settled = 0"))
    conn.executemany(
        "INSERT OR IGNORE INTO learn_edit_types (project, ext, session_id, settled) VALUES (?, ?, ?, ?)",
        [(project or "", ext, root, 1) for project, ext, root in before]
        + [(project or "", ext, root, 0) for project, ext, root in after],
    )
