"""Writing normalized records: one transaction per chunk, together with how far the file was read.

Records have natural keys (session + uuid, tool_use_id, message id + request id), so writing
the same lines twice stores them once. A chunk's records and the file's new offset commit
together: a process killed at any moment leaves the store as of the last whole chunk, and the
next run continues from exactly there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from dataclasses import dataclass

from lessonloop.core.records import Batch, Problem, SessionRecord, ToolCallRecord, ToolResultRecord
from lessonloop.core.timestamps import utc_now
from lessonloop.store.search.index_upkeep import index_new_places
from lessonloop.store.sessions.kept_rows import Merge, merge
from lessonloop.store.transaction import transaction


@dataclass(slots=True)
class FileState:
    """What the store remembers of one source file."""

    id: int
    path: str
    size: int
    mtime_ns: int
    offset: int
    lines: int
    head_hash: str | None
    tail_hash: str | None
    reread: bool
    is_sample: bool
    format: str | None = None  # capture/sniffer.py's name; None: stored before formats were recorded
    parser_state: str | None = None  # JSON the parser left for the next incremental read
    restart_offset: int | None = None  # where a later read starts again (before `offset`), with
    restart_line: int | None = None  # the number of lines before it
    texts_withheld: bool = False  # its rows hold no text yet: read again whole for them (m048)


@dataclass(slots=True)
class ReadProgress:
    """The file state to record with a chunk."""

    size: int
    mtime_ns: int
    offset: int
    lines: int
    head_hash: str | None
    tail_hash: str | None
    parser_state: str | None = None
    restart_offset: int | None = None
    restart_line: int | None = None


class StaleStateError(Exception):
    """Another process changed the file's state since this one planned its read."""


_FILE_COLUMNS = (
    "id, path, size, mtime_ns, offset, lines, head_hash, tail_hash, reread, is_sample, format, parser_state,"
    " restart_offset, restart_line, texts_withheld"
)


# Pages the write-ahead log may hold before a commit copies them into the store, while ingest
# writes: about 100 MB, where SQLite's default is 1,000 pages (4 MB). With the default, a first
# ingest of a long history spent a third of its writing time in checkpoints: a sync of the log
# and of the store every 4 MB, and the same pages copied again at each one.
BULK_CHECKPOINT_PAGES = 25_000
# The page cache while ingest writes (negative: KiB), where SQLite's default is 2 MB: a
# transaction's changed pages beyond it are written to the log early, and again at the commit.
BULK_CACHE_KIB = -65_536


@contextmanager
def bulk_writes(conn: sqlite3.Connection) -> Iterator[None]:
    """While ingest writes: checkpoints every BULK_CHECKPOINT_PAGES pages of log, not every 4 MB;
    after, the connection's own setting again, and a checkpoint of what the log holds (PASSIVE:
    never waiting for another process's readers)."""
    (before,) = conn.execute("PRAGMA wal_autocheckpoint").fetchone()
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    if int(before) <= 0 or int(before) >= BULK_CHECKPOINT_PAGES:
        yield  # checkpoints off, or already as rare
        return
    conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
    conn.execute(f"PRAGMA cache_size = {BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA wal_autocheckpoint = {int(before)}")
        conn.execute(f"PRAGMA cache_size = {int(cache)}")
        if not conn.in_transaction:
            with suppress(sqlite3.OperationalError):  # busy: the next commit's autocheckpoint does it
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


def file_state(conn: sqlite3.Connection, path: str) -> FileState | None:
    """The stored state of the source file at `path`, if it was ever seen."""
    row = conn.execute(f"SELECT {_FILE_COLUMNS} FROM source_files WHERE path = ?", (path,)).fetchone()
    return _state(row) if row else None


def file_states(conn: sqlite3.Connection) -> dict[str, FileState]:
    """Every stored source file state, by path."""
    return {row[1]: _state(row) for row in conn.execute(f"SELECT {_FILE_COLUMNS} FROM source_files")}


def _state(row: tuple[object, ...]) -> FileState:
    return FileState(
        id=int(row[0]),  # type: ignore[call-overload]
        path=str(row[1]),
        size=int(row[2]),  # type: ignore[call-overload]
        mtime_ns=int(row[3]),  # type: ignore[call-overload]
        offset=int(row[4]),  # type: ignore[call-overload]
        lines=int(row[5]),  # type: ignore[call-overload]
        head_hash=row[6] if isinstance(row[6], str) else None,
        tail_hash=row[7] if isinstance(row[7], str) else None,
        reread=bool(row[8]),
        is_sample=bool(row[9]),
        format=row[10] if isinstance(row[10], str) else None,
        parser_state=row[11] if isinstance(row[11], str) else None,
        restart_offset=row[12] if isinstance(row[12], int) else None,
        restart_line=row[13] if isinstance(row[13], int) else None,
        texts_withheld=bool(row[14]),
    )


def register_file(
    conn: sqlite3.Connection, path: str, agent: str, *, is_sample: bool, format: str | None = None
) -> FileState:
    """The state of `path`, creating an empty one (nothing read yet) on first sight."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO source_files (path, agent, is_sample, format) VALUES (?, ?, ?, ?)",
        (path, agent, int(is_sample), format),
    )
    if cursor.rowcount == 1 and cursor.lastrowid is not None:
        # New: the row holds the table's defaults (nothing read), not read back (a unit of an
        # OpenCode database is a few kB: each statement counts).
        return FileState(
            id=cursor.lastrowid,
            path=path,
            size=0,
            mtime_ns=0,
            offset=0,
            lines=0,
            head_hash=None,
            tail_hash=None,
            reread=False,
            is_sample=is_sample,
            format=format,
        )
    if format is not None:
        conn.execute("UPDATE source_files SET format = ? WHERE path = ? AND format IS NULL", (format, path))
    state = file_state(conn, path)
    assert state is not None
    return state


def file_session_ids(conn: sqlite3.Connection, file_id: int) -> set[str]:
    """The sessions a file stored records of."""
    return {
        row[0]
        for row in conn.execute(
            "SELECT session_id FROM file_sessions WHERE source_file_id = ? UNION SELECT id FROM sessions"
            " WHERE source_file_id = ?",
            (file_id, file_id),
        )
    }


def pending_calls(conn: sqlite3.Connection, file_id: int) -> list[tuple[str, str, str | None]]:
    """(tool_use_id, tool, input_json) of this file's calls still waiting for a result."""
    return list(
        conn.execute(
            "SELECT id, tool, input_json FROM tool_calls WHERE source_file_id = ? AND ok IS NULL",
            (file_id,),
        )
    )


def write_chunk(
    conn: sqlite3.Connection,
    state: FileState,
    expected_offset: int,
    expected_tail: str | None,
    batch: Batch,
    progress: ReadProgress,
    *,
    replace: bool,
    cascade: bool = True,
    merging: Merge | None = None,
    withheld: bool = False,
) -> list[Problem]:
    """Store one chunk's records and the file's new read position, atomically.

    `replace`: first delete every record this file stored before (the file is rebuilt on purpose:
    marked to be read again); `cascade`: see clear_file_records; `merging`: the file is read again
    and what it stored is kept (kept_rows.py); `withheld`: the batch's texts were left out
    (capture/withheld_texts.py), so the file is marked to be read again whole for them. Raises
    StaleStateError, writing nothing, when the stored offset is no longer the one this read
    started from (another ingest got there first).
    Returns notices about results whose call is unknown.
    Inside the caller's transaction (several units stored together) the chunk is written in it:
    StaleStateError comes before any write (the caller may go on with the transaction), and
    after any other error the caller rolls the transaction back whole. (Not a savepoint per
    chunk: SQLite copies every page a savepoint changes first, about 50 us a small unit.)
    """
    with nullcontext() if conn.in_transaction else transaction(conn):
        row = conn.execute("SELECT offset, tail_hash FROM source_files WHERE id = ?", (state.id,)).fetchone()
        if row is None or row[0] != expected_offset or row[1] != expected_tail:
            raise StaleStateError(state.path)
        if replace:
            clear_file_records(conn, state.id, cascade=cascade)
        elif merging is not None:
            merge(conn, state.id, batch, merging)
        keep = merging is not None and not merging.update
        notices = _write_batch(
            conn, state, batch, problems=not withheld, keep_stored=keep, fill_results=merging is not None
        )
        conn.execute(
            """UPDATE source_files SET size = ?, mtime_ns = ?, offset = ?, lines = ?, head_hash = ?,
                   tail_hash = ?, parser_state = ?, restart_offset = ?, restart_line = ?, reread = 0,
                   texts_withheld = ?, ingested_at = ? WHERE id = ?""",
            (
                progress.size,
                progress.mtime_ns,
                progress.offset,
                progress.lines,
                progress.head_hash,
                progress.tail_hash,
                progress.parser_state,
                progress.restart_offset,
                progress.restart_line,
                int(withheld),
                utc_now(),
                state.id,
            ),
        )
        index_new_places(conn)  # the places this chunk's rows made (store/search/index_upkeep.py)
    return notices


def clear_file_records(conn: sqlite3.Connection, file_id: int, *, cascade: bool = True) -> None:
    """Delete every record a file stored, inside the caller's transaction.

    A record two files share (history copied into a resumed session) is stored once, under
    the file read first; deleting it here would lose the other file's copy. So, with
    `cascade`, every other file holding lines of the same sessions (or of their subagents) is
    marked to be read again from the start, which restores exactly what a clean ingest holds.
    A file rebuilt only because of such a mark has not changed: it restores all it deletes, so
    it does not cascade further.
    """
    conn.execute("DROP TABLE IF EXISTS temp._touched")
    conn.execute("CREATE TEMP TABLE _touched (id TEXT PRIMARY KEY)")
    conn.execute(
        """INSERT OR IGNORE INTO temp._touched
           SELECT session_id FROM file_sessions WHERE source_file_id = :f
           UNION SELECT session_id FROM messages WHERE source_file_id = :f
           UNION SELECT session_id FROM tool_calls WHERE source_file_id = :f
           UNION SELECT session_id FROM token_usage WHERE source_file_id = :f
           UNION SELECT id FROM sessions WHERE source_file_id = :f""",
        {"f": file_id},
    )
    # A subagent's parent and a parent's subagents go together (placeholders, links).
    conn.execute(
        "INSERT OR IGNORE INTO temp._touched SELECT id FROM sessions WHERE parent_id IN (SELECT id FROM temp._touched)"
    )
    conn.execute(
        """INSERT OR IGNORE INTO temp._touched SELECT parent_id FROM sessions
           WHERE id IN (SELECT id FROM temp._touched) AND parent_id IS NOT NULL"""
    )
    if cascade:
        conn.execute(
            """UPDATE source_files SET reread = 1 WHERE id != :f AND id IN (
                   SELECT source_file_id FROM file_sessions WHERE session_id IN (SELECT id FROM temp._touched))""",
            {"f": file_id},
        )
    for table in (
        "messages",
        "tool_calls",
        "token_usage",
        "session_summaries",
        "ingest_problems",
        "sessions",
        "file_sessions",
    ):
        conn.execute(f"DELETE FROM {table} WHERE source_file_id = ?", (file_id,))
    conn.execute("DROP TABLE temp._touched")


def forget_unread_file(conn: sqlite3.Connection, state: FileState) -> None:
    """Delete a file read for the first time that turned out to hold no session of the agent it
    was read as (pipeline/ingest.py): what it stored (its problems; at most a session of the
    system's messages, no call, no token) and its row, so that the next run sniffs it again."""
    with nullcontext() if conn.in_transaction else transaction(conn):
        clear_file_records(conn, state.id, cascade=False)
        conn.execute("DELETE FROM source_files WHERE id = ?", (state.id,))


def read_with_problems(conn: sqlite3.Connection, file_id: int) -> bool:
    """Whether the store keeps problems of a file's reading (ingest_problems)."""
    found = conn.execute("SELECT 1 FROM ingest_problems WHERE source_file_id = ? LIMIT 1", (file_id,)).fetchone()
    return found is not None


def forget_misread_file(conn: sqlite3.Connection, state: FileState) -> tuple[int, int]:
    """Delete what a file read as the wrong format stored and its row, in one transaction, so that
    it is read again as one never read (pipeline/misread_files.py); a file that shared sessions
    with it is marked to be read again (clear_file_records). Returns the problems and sessions the
    wrong reading held."""
    with nullcontext() if conn.in_transaction else transaction(conn):
        (problems,) = conn.execute(
            "SELECT count(*) FROM ingest_problems WHERE source_file_id = ?", (state.id,)
        ).fetchone()
        sessions = len(file_session_ids(conn, state.id))
        clear_file_records(conn, state.id, cascade=True)
        conn.execute("DELETE FROM source_files WHERE id = ?", (state.id,))
    return int(problems), sessions


def clear_reread_mark(conn: sqlite3.Connection, path: str) -> None:
    """Keep a file's records as they are (it can no longer be read again)."""
    conn.execute("UPDATE source_files SET reread = 0 WHERE path = ?", (path,))


def files_without_texts(conn: sqlite3.Connection) -> list[FileState]:
    """The files stored without their texts (m048), to be read again whole for them."""
    return [_state(row) for row in conn.execute(f"SELECT {_FILE_COLUMNS} FROM source_files WHERE texts_withheld = 1")]


def session_files_without_texts(conn: sqlite3.Connection, session_id: str) -> list[str]:
    """The files stored without their texts that hold the session or one of its subagents: what a
    read of that session alone must store first (pipeline/texts_later.py)."""
    try:
        return [
            str(path)
            for (path,) in conn.execute(
                """SELECT DISTINCT f.path FROM sessions s JOIN source_files f ON f.id = s.source_file_id
                   WHERE (s.id = ? OR s.parent_id = ?) AND f.texts_withheld = 1 ORDER BY f.path""",
                (session_id, session_id),
            )
        ]
    except sqlite3.OperationalError:  # a store older than m048, opened read-only
        return []


def clear_texts_mark(conn: sqlite3.Connection, path: str) -> None:
    """Keep a file's records without their texts (it can no longer be read again)."""
    conn.execute("UPDATE source_files SET texts_withheld = 0 WHERE path = ?", (path,))


def files_to_reread(conn: sqlite3.Connection) -> list[str]:
    """Paths marked to be read again from the start."""
    return [row[0] for row in conn.execute("SELECT path FROM source_files WHERE reread = 1 ORDER BY path")]


def _record_problems(conn: sqlite3.Connection, file_id: int | None, problems: Iterable[Problem]) -> None:
    """Store line problems (inside the caller's transaction)."""
    now = utc_now()
    conn.executemany(
        "INSERT INTO ingest_problems (source_file_id, path, line, code, detail, seen_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(file_id, p.path, p.line, p.code, p.detail, now) for p in problems if p.severity == "error"],
    )


_SESSION_METADATA = (
    "parent_id",
    "agent_id",
    "kind",
    "agent",
    "project",
    "cwd",
    "git_branch",
    "version",
    "slug",
    "agent_type",
    "description",
    "spawn_tool_use_id",
    "model",
)

_INSERT_SESSION = (
    "INTO sessions (id, "
    + ", ".join(_SESSION_METADATA)
    + ", title, started_at, ended_at, placeholder, source_file_id) VALUES ("
    + ", ".join("?" * (len(_SESSION_METADATA) + 6))
    + ")"
)


def _session_upsert(filled: tuple[str, ...], merged: str = "") -> str:
    """The upsert of a session row: a real session replaces a placeholder (known only as some
    subagent's parent) entirely; otherwise each of `filled` keeps its first value and later records
    only fill it where missing; `merged`: the other columns' own assignments."""
    return (
        "INSERT "
        + _INSERT_SESSION
        + " ON CONFLICT(id) DO UPDATE SET "
        + ", ".join(
            f"{col} = CASE WHEN sessions.placeholder = 1 THEN excluded.{col} ELSE coalesce(sessions.{col}, excluded.{col}) END"
            for col in filled
        )
        + merged
        + ", source_file_id = CASE WHEN sessions.placeholder = 1 THEN excluded.source_file_id ELSE sessions.source_file_id END"
        + ", placeholder = 0"
    )


_UPSERT_SESSION = _session_upsert(
    _SESSION_METADATA,
    ", title = coalesce(excluded.title, sessions.title)"
    # An agent's own start and last update: the earliest and the latest any record said.
    ", started_at = CASE WHEN sessions.placeholder = 1 OR sessions.started_at IS NULL"
    " OR excluded.started_at < sessions.started_at THEN coalesce(excluded.started_at, sessions.started_at)"
    " ELSE sessions.started_at END"
    ", ended_at = CASE WHEN sessions.placeholder = 1 OR sessions.ended_at IS NULL"
    " OR excluded.ended_at > sessions.ended_at THEN coalesce(excluded.ended_at, sessions.ended_at)"
    " ELSE sessions.ended_at END",
)
# A damaged file read again (`keep_stored`): a stored session's fields only filled where empty.
_FILL_SESSION = _session_upsert((*_SESSION_METADATA, "title", "started_at", "ended_at"))


def _write_batch(
    conn: sqlite3.Connection,
    state: FileState,
    batch: Batch,
    *,
    problems: bool = True,
    keep_stored: bool = False,
    fill_results: bool = False,
) -> list[Problem]:
    """`problems` False: the batch's problems are not stored (a capture without texts: a problem's
    detail may quote a line, and the file's read with its texts stores them). `keep_stored`: a
    damaged file read again (kept_rows.Merge(update=False)): what is stored is the better record,
    so no stored value is changed: rows not stored yet are added, a stored row's empty fields
    filled, a call without a result given its result; nothing stored is replaced (issue 82: a cut
    Codex rollout turned a failed call into a success, an emptied Droid session nulled its
    project and model). `fill_results`: a file read again from its start (merging): a stored
    call's result is kept, a call without one gets it (read on, a result may follow an
    intermediate one: Codex's "Process running" chunk)."""
    file_id = state.id
    if batch.replaced_sessions and not keep_stored:
        _clear_sessions(conn, file_id, batch.replaced_sessions)
    real = [s for s in batch.sessions.values() if not s.placeholder]
    placeholders = [s for s in batch.sessions.values() if s.placeholder]
    if placeholders:
        conn.executemany(
            "INSERT OR IGNORE " + _INSERT_SESSION,
            [_session_row(s, file_id) for s in placeholders],
        )
    if real:
        conn.executemany(_FILL_SESSION if keep_stored else _UPSERT_SESSION, [_session_row(s, file_id) for s in real])
    if batch.sessions:
        conn.executemany(
            "INSERT OR IGNORE INTO file_sessions (source_file_id, session_id) VALUES (?, ?)",
            [(file_id, session_id) for session_id in batch.sessions],
        )
    if batch.messages:
        conn.executemany(
            """INSERT OR IGNORE INTO messages
               (session_id, uuid, parent_uuid, seq, ts, role, kind, text, tool_use_id, source_file_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (m.session_id, m.uuid, m.parent_uuid, m.seq, m.ts, m.role, m.kind, m.text, m.tool_use_id, file_id)
                for m in batch.messages
            ],
        )
    notices: list[Problem] = []
    results = batch.tool_results
    merged: dict[str, ToolResultRecord] = {}
    if batch.tool_calls:
        # A call whose result is in the same batch is stored with it: one row written, not an
        # insert and then an update of the same row. The same values end up stored: the result's
        # columns are NULL until a result comes (no defaults), and the duration is computed from
        # the call's time as the update computes it from the stored one.
        merged = _results_of_calls(batch) if results else {}
        cursor = conn.executemany(_INSERT_CALL, [_call_row(c, merged.get(c.id), file_id) for c in batch.tool_calls])
        if merged and cursor.rowcount != len(batch.tool_calls):
            # Some calls were stored already (INSERT OR IGNORE kept them as they were): their
            # results must be written by the update, as every result is; for the calls inserted
            # here the update writes again what they hold.
            merged = {}
    unmerged = [r for r in results if r.tool_use_id not in merged] if merged else results
    if unmerged:
        cursor = conn.executemany(
            _FILL_RESULT if keep_stored or fill_results else _UPDATE_RESULT, [_result_row(r) for r in unmerged]
        )
        if cursor.rowcount != len(unmerged):
            notices.extend(_orphan_results(conn, state.path, batch))
    if batch.subagent_links:
        conn.executemany(
            "UPDATE tool_calls SET subagent_id = coalesce(subagent_id, ?) WHERE id = ?",
            [(agent_id, tool_id) for tool_id, agent_id in batch.subagent_links.items()],
        )
    if batch.usage:
        conn.executemany(
            """INSERT INTO token_usage (message_id, request_id, session_id, model, ts, input_tokens,
                   output_tokens, cache_creation_tokens, cache_read_tokens, reasoning_tokens, cost_usd,
                   source_file_id, cache_creation_1h_tokens)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(message_id, request_id) DO UPDATE SET
                   session_id = excluded.session_id, model = excluded.model, ts = excluded.ts,
                   input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
                   cache_creation_tokens = excluded.cache_creation_tokens,
                   cache_creation_1h_tokens = excluded.cache_creation_1h_tokens,
                   cache_read_tokens = excluded.cache_read_tokens, reasoning_tokens = excluded.reasoning_tokens,
                   cost_usd = excluded.cost_usd, source_file_id = excluded.source_file_id
               WHERE excluded.output_tokens > token_usage.output_tokens AND ? = 0""",
            [
                (
                    u.message_id,
                    u.request_id,
                    u.session_id,
                    u.model,
                    u.ts,
                    u.input_tokens,
                    u.output_tokens,
                    u.cache_creation_tokens,
                    u.cache_read_tokens,
                    u.reasoning_tokens,
                    u.cost_usd,
                    file_id,
                    u.cache_creation_1h_tokens,
                    int(keep_stored),
                )
                for u in batch.usage.values()
            ],
        )
    if batch.summaries:
        conn.executemany(
            f"INSERT OR {'IGNORE' if keep_stored else 'REPLACE'} INTO session_summaries (leaf_uuid, summary, seq,"
            " source_file_id) VALUES (?, ?, ?, ?)",
            [(s.leaf_uuid, s.summary, s.seq, file_id) for s in batch.summaries],
        )
    if batch.problems and problems:
        _record_problems(conn, file_id, batch.problems)
    return notices


_CALL_COLUMNS = (
    "id, session_id, message_uuid, seq, ts, tool, input_json, target_path, command, cwd, kind, paths_json,"
    " source_file_id, ok, status, exit_code, error_text, result_text, result_ts, result_seq, duration_ms, diff,"
    " lines_added, lines_removed, subagent_id"
)
_INSERT_CALL = (
    f"INSERT OR IGNORE INTO tool_calls ({_CALL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?, ?, CAST(round((julianday(?) - julianday(?)) * 86400000) AS INTEGER), ?, ?, ?, ?)"
)
_NO_RESULT = (None,) * 13
_UPDATE_RESULT = """UPDATE tool_calls SET ok = ?, status = ?, exit_code = ?, error_text = ?, result_text = ?,
       result_ts = ?, result_seq = ?,
       duration_ms = CAST(round((julianday(?) - julianday(ts)) * 86400000) AS INTEGER),
       diff = ?, lines_added = ?, lines_removed = ?, subagent_id = coalesce(?, subagent_id)
   WHERE id = ?"""
# A damaged file read again (`keep_stored`): a result only for a call stored without one.
_FILL_RESULT = _UPDATE_RESULT.replace("WHERE id = ?", "WHERE id = ? AND status IS NULL")


def _results_of_calls(batch: Batch) -> dict[str, ToolResultRecord]:
    """The results that can be stored with their call: the batch holds the call and the result
    once each (a repeated id keeps the update's order: first call stored, results in turn)."""
    calls: dict[str, int] = {}
    for c in batch.tool_calls:
        calls[c.id] = calls.get(c.id, 0) + 1
    found: dict[str, ToolResultRecord] = {}
    repeated: set[str] = set()
    for r in batch.tool_results:
        if calls.get(r.tool_use_id) == 1:
            if r.tool_use_id in found:
                repeated.add(r.tool_use_id)
            found[r.tool_use_id] = r
    for tool_use_id in repeated:
        del found[tool_use_id]
    return found


def _call_row(c: ToolCallRecord, r: ToolResultRecord | None, file_id: int) -> tuple[object, ...]:
    call = (
        c.id,
        c.session_id,
        c.message_uuid,
        c.seq,
        c.ts,
        c.tool,
        c.input_json,
        c.target_path,
        c.command,
        c.cwd,
        c.kind,
        _json_list(c.paths),
        file_id,
    )
    if r is None:
        return call + _NO_RESULT
    return (
        *call,
        int(r.ok),
        r.status,
        r.exit_code,
        r.error_text,
        r.result_text,
        r.ts,
        r.seq,
        r.ts,
        c.ts,
        r.diff,
        r.lines_added,
        r.lines_removed,
        r.subagent_id,
    )


def _result_row(r: ToolResultRecord) -> tuple[object, ...]:
    return (
        int(r.ok),
        r.status,
        r.exit_code,
        r.error_text,
        r.result_text,
        r.ts,
        r.seq,
        r.ts,
        r.diff,
        r.lines_added,
        r.lines_removed,
        r.subagent_id,
        r.tool_use_id,
    )


def _session_row(s: SessionRecord, file_id: int) -> tuple[object, ...]:
    return (
        s.id,
        *(getattr(s, col) for col in _SESSION_METADATA),
        s.title,
        s.started_at,
        s.ended_at,
        int(s.placeholder),
        file_id,
    )


def _json_list(values: tuple[str, ...]) -> str | None:
    if not values:
        return None
    from lessonloop.core import json_codec

    return json_codec.dumps(list(values))


def _clear_sessions(conn: sqlite3.Connection, file_id: int, sessions: set[str]) -> None:
    """Delete what this file stored of `sessions` (a batch that holds them whole again)."""
    ids = sorted(sessions)
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        marks = ", ".join("?" * len(part))
        for table in ("messages", "tool_calls", "token_usage"):
            conn.execute(f"DELETE FROM {table} WHERE source_file_id = ? AND session_id IN ({marks})", (file_id, *part))
        conn.execute(f"DELETE FROM sessions WHERE source_file_id = ? AND id IN ({marks})", (file_id, *part))


def _orphan_results(conn: sqlite3.Connection, path: str, batch: Batch) -> list[Problem]:
    ids = [r.tool_use_id for r in batch.tool_results]
    known: set[str] = set()
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        known.update(
            row[0]
            for row in conn.execute(f"SELECT id FROM tool_calls WHERE id IN ({', '.join('?' * len(part))})", part)
        )
    return [
        Problem(path, r.seq, "result-without-call", f"tool result for unknown call {r.tool_use_id}", "notice")
        for r in batch.tool_results
        if r.tool_use_id not in known
    ]
