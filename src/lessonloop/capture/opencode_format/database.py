"""OpenCode's SQLite file (opencode.db): one unit per session row, read strictly read-only
(capture/readonly_sqlite.py says how).

Tables (OpenCode's drizzle schema, session.sql.ts): session (id, project_id, parent_id, slug,
directory, title, version, time_created, time_updated, ...), message (id, session_id,
time_created, time_updated, data: the message JSON without id and sessionID) and part (id,
message_id, session_id, time_created, time_updated, data: the part JSON without its ids). Newer
versions add `session_message` (id, session_id, type, data: the v2 session message log): not read;
a session with rows there gets a notice saying how many, of which types.

A fork may keep tables of its own beside these, read with each session (`ExtraTable`: a table of
rows with a session_id, such as one row per model request); its reader gets them in
`RawSession.extra`. A database without such a table, or without a column of it that is needed, is
read without it, with a notice.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lessonloop.capture.adapters import Unit
from lessonloop.capture.opencode_format import foreign_files, go_database
from lessonloop.capture.opencode_format.parser import RawSession
from lessonloop.capture.opencode_format.storage import load_object
from lessonloop.capture.readonly_sqlite import ReadOnlyDatabase, session_units
from lessonloop.core.records import Batch, Problem

_STAMP_MASK = (1 << 62) - 1
_MAX_WINDOW = 64  # sessions read by one query at most
REQUIRED = {
    "session": {"id", "directory", "time_created", "time_updated"},
    "message": {"id", "session_id", "data"},
    "part": {"id", "message_id", "session_id", "data"},
}
_SESSION_COLUMNS = ("id", "parent_id", "directory", "title", "version", "slug", "time_created", "time_updated")


@dataclass(frozen=True, slots=True)
class ExtraTable:
    """A table more, read per session: `needed` columns (without them the table is not read),
    `optional` ones (None where the table lacks them), the rows `where` selects, in the order of
    `order`. `stamp`: SQL aggregates over a session's rows (all of them) that change when a row is
    added or changes (a session whose figures change is read again)."""

    name: str
    needed: tuple[str, ...]
    optional: tuple[str, ...] = ()
    where: str = ""
    order: str = "rowid"
    stamp: str = "count(*)"


class NotOpenCode(Exception):
    """The file is a database, but not one OpenCode wrote."""


class Snapshot(ReadOnlyDatabase):
    """A read-only connection to one OpenCode database (or to a copy of it), shared by its units
    and closed after the last of them was read."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "lessonloop-opencode-")
        self.columns: list[str] = []  # the session columns read (_SESSION_COLUMNS the table has)
        self.order: list[str] = []  # the sessions in the order their units were listed
        self.index: dict[str, int] = {}
        self.fetched: dict[str, _Rows] = {}  # rows read ahead, by session
        self.window = 1  # sessions read by one query: doubles while they are read in order
        self.last = -2  # the index of the session read last
        self.v2_log = False  # the database has a session_message table (not read: counted)
        self.extra: list[tuple[ExtraTable, list[str]]] = []  # the extra tables read, with their columns


def units(
    paths: list[str],
    problems: list[Problem],
    to_batch: Callable[[RawSession], Batch],
    extra: tuple[ExtraTable, ...] = (),
) -> list[Unit]:
    found: list[Unit] = []
    for path in paths:
        found.extend(_database_units(path, problems, to_batch, extra))
    return found


def _database_units(
    path: str, problems: list[Problem], to_batch: Callable[[RawSession], Batch], extra: tuple[ExtraTable, ...]
) -> list[Unit]:
    try:
        with open(path, "rb") as handle:
            other = foreign_files.not_sqlite(handle.read(len(foreign_files.SQLITE_HEADER)))
    except OSError as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return []
    if other is not None:
        problems.append(Problem(path, None, "unreadable-file", f"cannot be read as an OpenCode database: {other}"))
        return []
    try:
        snapshot = Snapshot(path)
    except sqlite3.DatabaseError as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read this database: {exc}"))
        return []
    except OSError as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return []
    try:
        if go_database.is_go_database(snapshot.conn):
            return go_database.units(snapshot, problems, to_batch)
        foreign = foreign_files.foreign_database(snapshot.conn)
        if foreign is not None:
            raise NotOpenCode(foreign)
        present = _check_schema(snapshot.conn)
        snapshot.columns = [c for c in _SESSION_COLUMNS if c in present]
        snapshot.v2_log = bool(snapshot.conn.execute("PRAGMA table_info(session_message)").fetchall())
        snapshot.extra = _extra_tables(snapshot.conn, extra, path, problems)
        stamps = _session_stamps(snapshot.conn, snapshot.extra)
    except NotOpenCode as exc:
        problems.append(Problem(path, None, "not-opencode-db", f"not an OpenCode database: {exc}"))
        snapshot.close()
        return []
    except sqlite3.DatabaseError as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read this database: {exc}"))
        snapshot.close()
        return []
    if not stamps:
        snapshot.close()
        return []
    snapshot.remaining = len(stamps)
    snapshot.order = list(stamps)
    snapshot.index = {session_id: at for at, session_id in enumerate(snapshot.order)}
    return session_units(path, stamps, lambda session_id: to_batch(_raw_session(snapshot, session_id)), snapshot.done)


def _check_schema(conn: sqlite3.Connection) -> set[str]:
    """The session table's columns; NotOpenCode when a table or column OpenCode writes is missing."""
    session_columns: set[str] = set()
    for table, needed in REQUIRED.items():
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if not columns:
            raise NotOpenCode(f"it has no {table} table")
        missing = needed - columns
        if missing:
            raise NotOpenCode(f"its {table} table has no {', '.join(sorted(missing))} column")
        if table == "session":
            session_columns = columns
    return session_columns


def _extra_tables(
    conn: sqlite3.Connection, extra: tuple[ExtraTable, ...], path: str, problems: list[Problem]
) -> list[tuple[ExtraTable, list[str]]]:
    """The extra tables the database has, each with the columns read (its needed ones, then the
    optional ones it has); a notice for each it lacks."""
    found = []
    for table in extra:
        columns = {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table.name})")}
        missing = [column for column in (*table.needed, "session_id") if column not in columns]
        if missing:
            what = f"no {table.name} table" if not columns else f"its {table.name} table has no {', '.join(missing)}"
            problems.append(Problem(path, None, "table-not-read", f"{what}: not read", "notice"))
            continue
        found.append((table, [*table.needed, *(c for c in table.optional if c in columns)]))
    return found


def _session_stamps(
    conn: sqlite3.Connection, extra: list[tuple[ExtraTable, list[str]]] | None = None
) -> dict[str, tuple[int, int]]:
    """Per session: (bytes of its rows' data, a number made from its time_updated and the count,
    latest update and size of its message and part rows, and the figures of its rows in the extra
    tables)."""
    figures: dict[str, list[Any]] = {}
    for session_id, updated in conn.execute("SELECT id, time_updated FROM session ORDER BY id"):
        figures[str(session_id)] = [updated]
    for table in ("message", "part"):
        rows = conn.execute(
            f"SELECT session_id, count(*), max(time_updated), total(length(data)) FROM {table} GROUP BY session_id"
            if table == "message"
            else "SELECT session_id, count(*), max(time_updated), total(length(data)) FROM part GROUP BY session_id"
        )
        for session_id, count, updated, size in rows:
            entry = figures.get(str(session_id))
            if entry is not None:
                entry.extend((table, count, updated, int(size)))
    sizes = {
        session_id: sum(
            value for index, value in enumerate(entry) if index % 4 == 0 and index and isinstance(value, int)
        )
        for session_id, entry in figures.items()
    }
    for extra_table, _columns in extra or []:
        for session_id, *values in conn.execute(
            f"SELECT session_id, {extra_table.stamp} FROM {extra_table.name} GROUP BY session_id"
        ):
            entry = figures.get(str(session_id))
            if entry is not None:
                entry.extend((extra_table.name, *values))
    stamps: dict[str, tuple[int, int]] = {}
    for session_id, entry in figures.items():
        size = sizes[session_id]
        digest = hashlib.blake2b(repr(entry).encode(), digest_size=8).digest()
        stamps[session_id] = (size, int.from_bytes(digest, "big") & _STAMP_MASK)
    return stamps


@dataclass(slots=True)
class _Rows:
    """One session's rows: its session row (None: not in the database), its parts (message id,
    part id, data; by message id, then part id) and messages (id, data; by creation, then id)."""

    session: tuple[Any, ...] | None = None
    parts: list[tuple[Any, Any, Any]] = field(default_factory=list)
    messages: list[tuple[Any, Any]] = field(default_factory=list)
    v2_rows: dict[str, int] = field(default_factory=dict)  # session_message rows by type (not read)
    extra: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # the extra tables' rows


def _rows_of(snapshot: Snapshot, session_id: str) -> _Rows:
    """The session's rows. Sessions are read several to a query while they are asked for in the
    order they were listed (a first ingest reads every one: three queries a session cost more than
    parsing it); an ingest that reads a few changed sessions reads each alone."""
    at = snapshot.index[session_id]  # every unit's session was listed
    in_order = at == snapshot.last + 1
    snapshot.last = at
    rows = snapshot.fetched.pop(session_id, None)
    if rows is not None:
        return rows
    snapshot.window = min(snapshot.window * 2, _MAX_WINDOW) if in_order else 1
    ids = snapshot.order[at : at + snapshot.window]
    fetched = _fetch(snapshot, ids)
    rows = fetched.pop(session_id)
    snapshot.fetched = fetched  # what was read ahead and not used is dropped at the next fetch
    return rows


def _fetch(snapshot: Snapshot, ids: list[str]) -> dict[str, _Rows]:
    conn = snapshot.conn
    found = {session_id: _Rows() for session_id in ids}
    marks = ", ".join("?" * len(ids))
    for row in conn.execute(
        f"SELECT id, {', '.join(map(_text_as_bytes, snapshot.columns))} FROM session WHERE id IN ({marks})", ids
    ):
        rows = found.get(row[0])
        if rows is not None:
            rows.session = row[1:]
    for session_id, part_id, message_id, data in conn.execute(
        f"""SELECT session_id, id, message_id, CAST(data AS BLOB) FROM part WHERE session_id IN ({marks})
            ORDER BY session_id, message_id, id""",
        ids,
    ):
        rows = found.get(session_id)
        if rows is not None:
            rows.parts.append((part_id, message_id, data))
    for session_id, message_id, data in conn.execute(
        f"""SELECT session_id, id, CAST(data AS BLOB) FROM message WHERE session_id IN ({marks})
            ORDER BY session_id, time_created, id""",
        ids,
    ):
        rows = found.get(session_id)
        if rows is not None:
            rows.messages.append((message_id, data))
    if snapshot.v2_log:
        for session_id, kind, count in conn.execute(
            f"""SELECT session_id, CAST(type AS TEXT), count(*) FROM session_message WHERE session_id IN ({marks})
                GROUP BY session_id, type""",
            ids,
        ):
            rows = found.get(session_id)
            if rows is not None:
                rows.v2_rows[str(kind)] = rows.v2_rows.get(str(kind), 0) + int(count)
    for table, columns in snapshot.extra:
        where = f" AND ({table.where})" if table.where else ""
        for session_id, *values in conn.execute(
            f"""SELECT session_id, {", ".join(map(_text_as_bytes, columns))} FROM {table.name}
                WHERE session_id IN ({marks}){where} ORDER BY session_id, {table.order}""",
            ids,
        ):
            rows = found.get(session_id)
            if rows is not None:
                rows.extra.setdefault(table.name, []).append(dict(zip(columns, values, strict=True)))
    return found


def _raw_session(snapshot: Snapshot, session_id: str) -> RawSession:
    source = f"{snapshot.path}#{session_id}"
    rows = _rows_of(snapshot, session_id)
    row = rows.session
    problems: list[Problem] = []
    if row is None:
        return RawSession(
            source,
            {"id": session_id},
            problems=[Problem(source, None, "session-gone", "deleted since it was listed", "notice")],
        )
    values = {
        column: _decoded(value, source, column, problems) for column, value in zip(snapshot.columns, row, strict=True)
    }
    info: dict[str, Any] = {
        "id": session_id,
        "parentID": values.get("parent_id"),
        "directory": values.get("directory"),
        "title": values.get("title"),
        "version": values.get("version"),
        "slug": values.get("slug"),
        "time": {"created": values.get("time_created"), "updated": values.get("time_updated")},
    }
    raw = RawSession(source, info, problems=problems)
    for name, table_rows in rows.extra.items():
        raw.extra[name] = [
            {column: _decoded(value, source, f"{name}.{column}", problems) for column, value in row.items()}
            for row in table_rows
        ]
    parts: dict[str, list[dict[str, Any]]] = {}
    for part_id, message_id, data in rows.parts:
        part = load_object(f"{source} part {part_id}", data, problems)
        if part is not None:
            part.update(id=part_id, messageID=message_id, sessionID=session_id)
            parts.setdefault(str(message_id), []).append(part)
    seen: set[str] = set()
    for message_id, data in rows.messages:
        message = load_object(f"{source} message {message_id}", data, problems)
        seen.add(str(message_id))
        if message is not None:
            message.update(id=message_id, sessionID=session_id)
            raw.messages.append((message, parts.get(str(message_id), [])))
    if rows.v2_rows:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(rows.v2_rows.items()))
        problems.append(
            Problem(
                source,
                None,
                "session-message-not-read",
                f"{sum(rows.v2_rows.values())} session_message row(s) ({kinds[:200]}): OpenCode's v2 message log, not read",
                "notice",
            )
        )
    orphans = set(parts) - seen
    if orphans:
        problems.append(
            Problem(
                source,
                None,
                "part-without-message",
                f"{sum(len(parts[m]) for m in orphans)} part(s) of messages not in the database: not read",
                "notice",
            )
        )
    return raw


def _text_as_bytes(column: str) -> str:
    """A column read with its text as bytes: SQLite keeps text that is not UTF-8 as it was written,
    and Python's sqlite3 raises on it (the whole session would be lost); _decoded reports it."""
    return f"CASE WHEN typeof({column}) = 'text' THEN CAST({column} AS BLOB) ELSE {column} END"


def _decoded(value: Any, source: str, column: str, problems: list[Problem]) -> Any:
    """A session column's value, its text decoded; text that is not UTF-8 is replaced and reported."""
    if not isinstance(value, bytes):
        return value
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(
            Problem(
                source,
                None,
                "invalid-utf8",
                f"the session's {column} has invalid UTF-8 at byte {exc.start}; replaced with U+FFFD",
            )
        )
        return value.decode("utf-8", errors="replace")
