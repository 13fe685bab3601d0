"""What a file stored stays stored when it is read again and no longer holds it (issue 60, item 4).

A transcript read again from its start (cut short, shorter, bytes changed) or a unit read again
whole (a Gemini CLI chat rewritten, an OpenCode session whose files changed) may hold less than
before: a crash in a whole-file rewrite, a part file deleted, flipped bytes. Its rows are never
deleted for that: a re-read adds what it holds that is new and, when it read cleanly (and the unit
grew, and holds all it stored), writes again the messages and token rows it holds (as the agent
has them now); its sessions keep their fields and fill the empty ones, its calls keep their
results and get the missing ones. A damaged re-read (writer's `keep_stored`) changes no stored
value at all (issue 82). The rows it no longer holds stay as they were stored. The one deletion
is what the agent itself took back: the messages a Gemini CLI rewind names (`Batch.retracted`),
with their calls and token rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lessonloop.core.records import Batch


@dataclass(frozen=True, slots=True)
class RowCounts:
    """Rows of one file, by table."""

    sessions: int = 0
    messages: int = 0
    calls: int = 0
    usage: int = 0

    @property
    def any(self) -> bool:
        return bool(self.sessions or self.messages or self.calls or self.usage)

    def words(self) -> str:
        """'1 session, 16 messages, 24 tool calls and 20 token rows' (the tables with rows)."""
        parts = [
            f"{count:,} {name if count == 1 else plural}"
            for count, name, plural in (
                (self.sessions, "session", "sessions"),
                (self.messages, "message", "messages"),
                (self.calls, "tool call", "tool calls"),
                (self.usage, "token row", "token rows"),
            )
            if count
        ]
        if not parts:
            return "no rows"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass(frozen=True, slots=True)
class Merge:
    """How a re-read is written over what its file stored (writer.write_chunk): nothing it no
    longer holds is deleted. `update`: the rows it holds are written again as read now (a clean
    read); False: only rows not stored yet are added (a damaged read: what was stored is the
    better record). The file's stored problems are replaced by the read's."""

    update: bool


def stored_counts(conn: sqlite3.Connection, file_id: int) -> RowCounts:
    """The rows a file has stored."""

    def count(sql: str) -> int:
        return int(conn.execute(sql, (file_id, file_id) if sql.count("?") == 2 else (file_id,)).fetchone()[0])

    return RowCounts(
        sessions=count(
            "SELECT count(*) FROM (SELECT session_id FROM file_sessions WHERE source_file_id = ?"
            " UNION SELECT id FROM sessions WHERE source_file_id = ?)"
        ),
        messages=count("SELECT count(*) FROM messages WHERE source_file_id = ?"),
        calls=count("SELECT count(*) FROM tool_calls WHERE source_file_id = ?"),
        usage=count("SELECT count(*) FROM token_usage WHERE source_file_id = ?"),
    )


def missing_from(conn: sqlite3.Connection, file_id: int, batch: Batch) -> RowCounts:
    """The rows a file stored that `batch`, a read of it again whole, neither holds nor takes back:
    the rows kept that the read alone would not have."""
    took_back = batch.retracted
    sessions = {sid for (sid,) in conn.execute("SELECT id FROM sessions WHERE source_file_id = ?", (file_id,))}
    held_messages = {(m.session_id, m.uuid) for m in batch.messages}
    messages = [
        key
        for key in conn.execute("SELECT session_id, uuid FROM messages WHERE source_file_id = ?", (file_id,))
        if key not in held_messages and key[1] not in took_back
    ]
    held_calls = {c.id for c in batch.tool_calls}
    calls = [
        call_id
        for call_id, message in conn.execute(
            "SELECT id, message_uuid FROM tool_calls WHERE source_file_id = ?", (file_id,)
        )
        if call_id not in held_calls and message not in took_back
    ]
    usage = [
        key
        for key in conn.execute("SELECT message_id, request_id FROM token_usage WHERE source_file_id = ?", (file_id,))
        if key not in batch.usage and key[0] not in took_back
    ]
    return RowCounts(len(sessions - set(batch.sessions)), len(messages), len(calls), len(usage))


def merge(conn: sqlite3.Connection, file_id: int, batch: Batch, merging: Merge) -> None:
    """Before `batch` is written (inside the caller's transaction): the file's stored problems
    cleared (the read reports its own), and for a clean read the messages it takes back deleted and
    the messages and token rows it holds cleared, to be written again as read now (its sessions
    are upserted: writer._UPSERT_SESSION; its calls kept, their missing results filled)."""
    conn.execute("DELETE FROM ingest_problems WHERE source_file_id = ?", (file_id,))
    if not merging.update:
        return
    if batch.retracted:
        took_back = sorted(batch.retracted)
        _delete(conn, "DELETE FROM messages WHERE source_file_id = ? AND uuid = ?", file_id, took_back)
        _delete(conn, "DELETE FROM tool_calls WHERE source_file_id = ? AND message_uuid = ?", file_id, took_back)
        _delete(conn, "DELETE FROM token_usage WHERE source_file_id = ? AND message_id = ?", file_id, took_back)
    _delete(
        conn,
        "DELETE FROM messages WHERE source_file_id = ? AND session_id = ? AND uuid = ?",
        file_id,
        [(m.session_id, m.uuid) for m in batch.messages],
    )
    # Nor its calls: a call stored keeps its input and its result, and one stored without a result
    # gets the result read now (writer._FILL_RESULT). A result does not change once the call ran;
    # a unit rewritten whole with another one is damaged (bits flipped in a still valid JSON).
    _delete(
        conn,
        "DELETE FROM token_usage WHERE source_file_id = ? AND message_id = ? AND request_id = ?",
        file_id,
        batch.usage,
    )
    # Its sessions are not deleted: the upsert keeps each stored field and fills the empty ones, as
    # a file read on does (a re-read that cannot read a time or a title does not blank it).


def _delete(conn: sqlite3.Connection, sql: str, file_id: int, keys: Iterable[str | Sequence[str]]) -> None:
    rows = [(file_id, key) if isinstance(key, str) else (file_id, *key) for key in keys]
    if rows:
        conn.executemany(sql, rows)
