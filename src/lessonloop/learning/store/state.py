"""Learning's state between runs (m024_learn_state, m032_learn_checkpoints): the learner as it was
at a time boundary and at a few earlier ones (checkpoints), the main sessions learned before each
with a digest of what was learned from them, the changes the store's triggers logged since
(learning/runs/stream.py decides what to learn again from them, and from which boundary), and
each run's record (learn_runs)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lessonloop.core import json_codec
from lessonloop.learning.store.changes import changes_seq as changes_seq

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
    calls: int = 0  # the calls learned before the boundary (where checkpoints are kept: thin_checkpoints)


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


def read_state(conn: sqlite3.Connection, *, learner: bool = True) -> LearnState | None:
    """The stored state (`learner=False`: without the learner's JSON, for the unchanged check)."""
    row = conn.execute(
        f"SELECT version, boundary, marks, tail_sessions, {'learner' if learner else 'NULL'}, calls"
        " FROM learn_state WHERE id = 1"
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
    marks_ = {str(k): int(v) for k, v in marks.items()}
    return LearnState(row[0], row[1], marks_, [str(s) for s in tail], data, int(row[5] or 0))


def write_state(conn: sqlite3.Connection, state: LearnState, now: str) -> None:
    conn.execute(
        """INSERT OR REPLACE INTO learn_state (id, version, boundary, marks, tail_sessions, learner, saved_at, calls)
           VALUES (1, ?, ?, ?, ?, ?, ?, ?)""",
        (
            state.version,
            state.boundary,
            json_codec.dumps(state.marks),
            json_codec.dumps(state.tail_sessions),
            json_codec.dumps(state.learner),
            now,
            state.calls,
        ),
    )


def add_run(
    conn: sqlite3.Connection, ts: str, fingerprint: str, calls: int, lessons: int, new: int, archived: int
) -> None:
    """A learning run's record (learn_runs): when, a digest of its version, boundary and marks, the
    calls it learned, the lessons the store then holds, how many were new and archived."""
    conn.execute(
        """INSERT INTO learn_runs (ts, fingerprint, tool_calls, lessons, new_lessons, archived)
           VALUES (?, ?, ?, ?, ?, ?)""",
        (ts, fingerprint, calls, lessons, new, archived),
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


# The change log's entries learning has read but the last whole-store analysis check has not are
# kept for that check (analysis_check.sessions_to_check), up to this many: past it, the check
# fingerprints every session once instead.
KEPT_FOR_ANALYSIS = 50_000


def clear_changes(conn: sqlite3.Connection, upto: int) -> None:
    """Drop the change log's entries up to `upto` (learning read them), but those after the last
    whole-store analysis check's position (KEPT_FOR_ANALYSIS at most) of sessions still stored."""
    row = conn.execute(
        "SELECT CASE WHEN json_valid(parts) THEN json_extract(parts, '$[4]') END FROM analysis_marks WHERE id = 1"
    ).fetchone()
    checked = row[0] if row is not None and isinstance(row[0], int) else None
    if checked is None or checked >= upto or checked <= upto - KEPT_FOR_ANALYSIS:
        conn.execute("DELETE FROM learn_changes WHERE id <= ?", (upto,))
        return
    # Past the check's position, an entry of a session no longer stored goes too: no id of a
    # deleted session lingers (the check, missing it, looks at every session once).
    conn.execute(
        """DELETE FROM learn_changes WHERE id <= ?
           AND (id <= ? OR NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = learn_changes.session_id))""",
        (upto, checked),
    )


def session_rows(conn: sqlite3.Connection, roots: Iterable[str], at: str) -> dict[str, tuple[str, bool]]:
    """What was learned of these main sessions (in the order given) before boundary `at` (the
    state's or a checkpoint's): the digest and the ended flag of each one's latest part at or
    before `at`. A session without one had nothing learned before `at`. One query, the ids passed
    as one JSON array (no limit on how many)."""
    wanted = list(dict.fromkeys(roots))
    if not wanted:
        return {}
    found = {
        sid: (digest, bool(ended))
        for sid, digest, ended in conn.execute(
            """SELECT w.value, p.digest, p.ended FROM json_each(?) w
               JOIN learn_session_parts p ON p.session_id = w.value
                AND p.boundary = (SELECT max(q.boundary) FROM learn_session_parts q
                                  WHERE q.session_id = w.value AND q.boundary <= ?)""",
            (json_codec.dumps(wanted), at),
        )
    }
    return {root: found[root] for root in wanted if root in found}


def session_parts(conn: sqlite3.Connection, roots: Iterable[str]) -> dict[str, list[tuple[str, str, bool]]]:
    """Every part of these main sessions: (boundary, digest before it, ended before it), by boundary."""
    wanted = list(dict.fromkeys(roots))
    out: dict[str, list[tuple[str, str, bool]]] = {root: [] for root in wanted}
    if wanted:
        for sid, boundary, digest, ended in conn.execute(
            """SELECT session_id, boundary, digest, ended FROM learn_session_parts
               WHERE session_id IN (SELECT value FROM json_each(?)) ORDER BY session_id, boundary""",
            (json_codec.dumps(wanted),),
        ):
            out[sid].append((boundary, digest, bool(ended)))
    return out


def sessions_after(conn: sqlite3.Connection, boundary: str) -> set[str]:
    """The main sessions with parts after `boundary`: what they hold after it was learned."""
    return {
        sid
        for (sid,) in conn.execute(
            "SELECT DISTINCT session_id FROM learn_session_parts WHERE boundary > ?", (boundary,)
        )
    }


def put_parts(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str, bool]], *, after: str | None) -> None:
    """Replace the parts after boundary `after` (None: every part) by `rows` (session, boundary,
    digest, ended): a main session has a part at each boundary (the state's, each checkpoint's)
    that has calls, corrections or prompts of it between the boundary before and this one."""
    if after is None:
        conn.execute("DELETE FROM learn_session_parts")
    else:
        conn.execute("DELETE FROM learn_session_parts WHERE boundary > ?", (after,))
    conn.executemany(
        "INSERT OR REPLACE INTO learn_session_parts (session_id, boundary, digest, ended) VALUES (?, ?, ?, ?)",
        [(sid, boundary, digest, int(ended)) for sid, boundary, digest, ended in rows],
    )


def read_checkpoints(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """The checkpoints' boundaries and the calls learned before each, oldest first."""
    return [(b, int(n)) for b, n in conn.execute("SELECT boundary, calls FROM learn_checkpoints ORDER BY boundary")]


def checkpoint_learner(conn: sqlite3.Connection, boundary: str) -> dict[str, Any] | None:
    """The learner as it was at this checkpoint (None: no such checkpoint or not readable)."""
    row = conn.execute("SELECT learner FROM learn_checkpoints WHERE boundary = ?", (boundary,)).fetchone()
    if row is None:
        return None
    try:
        data = json_codec.loads(row[0])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def put_checkpoints(conn: sqlite3.Connection, rows: Iterable[tuple[str, int, str]], *, after: str | None) -> None:
    """Replace the checkpoints after `after` (None: all of them) by `rows` (boundary, calls, the
    learner's JSON)."""
    if after is None:
        conn.execute("DELETE FROM learn_checkpoints")
    else:
        conn.execute("DELETE FROM learn_checkpoints WHERE boundary > ?", (after,))
    conn.executemany(
        "INSERT OR REPLACE INTO learn_checkpoints (boundary, calls, learner) VALUES (?, ?, ?)",
        list(rows),
    )


def drop_checkpoint(conn: sqlite3.Connection, boundary: str, into: str) -> None:
    """Drop the checkpoint at `boundary` (or a former state boundary); its parts move to `into`, the
    next boundary kept, for the sessions with no part there (nothing of them between the two: what
    was learned of them before `into` is what was learned before `boundary`)."""
    conn.execute("DELETE FROM learn_checkpoints WHERE boundary = ?", (boundary,))
    conn.execute("UPDATE OR IGNORE learn_session_parts SET boundary = ? WHERE boundary = ?", (into, boundary))
    conn.execute("DELETE FROM learn_session_parts WHERE boundary = ?", (boundary,))


def forget_state(conn: sqlite3.Connection) -> None:
    """Drop the state: the next learning run learns everything again."""
    conn.execute("DELETE FROM learn_state")
    conn.execute("DELETE FROM learn_checkpoints")
    conn.execute("DELETE FROM learn_session_parts")


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
    sessions: Iterable[str] = (),
) -> None:
    """Keep a run's changed file types: those before its boundary settled, those after it found
    again by the next run (the rows after the last boundary are replaced, and every row of
    `sessions`: found again whole by a run that went on from a checkpoint)."""
    conn.execute("DELETE FROM learn_edit_types" + ("" if replace_all else " WHERE settled = 0"))
    if not replace_all:
        conn.execute(
            "DELETE FROM learn_edit_types WHERE session_id IN (SELECT value FROM json_each(?))",
            (json_codec.dumps(sorted(set(sessions))),),
        )
    conn.executemany(
        "INSERT OR IGNORE INTO learn_edit_types (project, ext, session_id, settled) VALUES (?, ?, ?, ?)",
        [(project or "", ext, root, 1) for project, ext, root in before]
        + [(project or "", ext, root, 0) for project, ext, root in after],
    )


def last_learned_at(conn: sqlite3.Connection) -> str | None:
    """When the last learning run that learned was kept (None: never)."""
    row = conn.execute("SELECT max(ts) FROM learn_runs").fetchone()
    return row[0] if row and row[0] else None
