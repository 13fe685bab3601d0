"""An agent's SQLite database read strictly read-only, and its units one per session (OpenCode's
and Kilo Code's opencode.db, Cursor's state.vscdb): not an adapter; the readers of such
databases import it.

The agent keeps the file open in WAL mode while it runs. It is opened with a `mode=ro` URI: SQLite
then never writes the database (it may create or map the -shm beside it, as every reader of a WAL
database does). Where even that fails (a folder that cannot be written to), a file with no -wal
beside it is read as `immutable=1`; one with a -wal is copied with its -wal into a temporary
folder and the copy is read (SQLite recovers the WAL into the copy only).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import urllib.parse
from collections.abc import Callable
from typing import TypeVar

from lessonloop.capture.adapters import Unit, UnreadableUnit
from lessonloop.core.records import Batch, Problem

SQLITE_HEADER = b"SQLite format 3\x00"


D = TypeVar("D", bound="ReadOnlyDatabase")
R = TypeVar("R")


class ForeignDatabase(Exception):
    """A SQLite database, but not one the agent wrote: why, for the problem ingest reports."""


class ReadOnlyDatabase:
    """A read-only connection to one database (or to a copy of it), shared by its units and closed
    after the last of them was read (`remaining`, counted down by `done`).

    `timeout`: how long a read waits for a writer's lock; `locked_is_final`: a database still
    locked after it is reported (sqlite3.OperationalError), not read from a copy. A subclass may
    set up each connection (`_configure`: a text factory)."""

    def __init__(
        self,
        path: str,
        copy_prefix: str = "lessonloop-db-",
        *,
        timeout: float = 5.0,
        locked_is_final: bool = False,
        lenient_text: bool = False,
    ) -> None:
        self.path = path
        self.copy_prefix = copy_prefix
        self.timeout = timeout
        self.locked_is_final = locked_is_final
        self.lenient_text = lenient_text  # a text not UTF-8 read with U+FFFD, counted in bad_text
        self.bad_text = 0
        self.copy_folder: str | None = None
        self.conn = self._open()
        self.remaining = 0

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect(self.path, "mode=ro")
        except sqlite3.DatabaseError as exc:
            final = ("not a database", "malformed", *(("locked", "busy") if self.locked_is_final else ()))
            if any(word in str(exc) for word in final):
                raise
        if not os.path.exists(self.path + "-wal"):
            return self._connect(self.path, "mode=ro&immutable=1")
        self.copy_folder = tempfile.mkdtemp(prefix=self.copy_prefix)
        return self._connect(_consistent_copy(self.path, self.copy_folder), "")

    def _connect(self, path: str, query: str) -> sqlite3.Connection:
        uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + (f"?{query}" if query else "")
        conn = sqlite3.connect(uri, uri=True, timeout=self.timeout, check_same_thread=False)
        try:
            self._configure(conn)
            conn.execute("PRAGMA query_only = 1")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens it now: fails here, not later
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _configure(self, conn: sqlite3.Connection) -> None:
        """Set up a connection before it is used: the lenient text factory when asked for."""
        if self.lenient_text:
            conn.text_factory = self._text

    def _text(self, data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.bad_text += 1
            return data.decode("utf-8", errors="replace")

    def table_columns(self, table: str) -> list[str]:
        """A table's columns ([] when the database has no such table)."""
        return [str(row[1]) for row in self.conn.execute(f"PRAGMA table_info({table})")]

    def require(self, tables: dict[str, set[str]]) -> None:
        """ForeignDatabase unless each table is there with at least its columns."""
        names = sorted(str(row[0]) for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
        for table, needed in tables.items():
            columns = self.table_columns(table)
            if not columns:
                shown = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "") if names else "none"
                raise ForeignDatabase(f"it has no {table} table (its tables: {shown})")
            missing = needed - set(columns)
            if missing:
                raise ForeignDatabase(f"its {table} table has no {', '.join(sorted(missing))} column")

    def done(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self.close()

    def close(self) -> None:
        self.conn.close()
        if self.copy_folder is not None:
            shutil.rmtree(self.copy_folder, ignore_errors=True)
            self.copy_folder = None


def _consistent_copy(path: str, folder: str) -> str:
    """Copy the database and its -wal into `folder`, again while either changed during the copy."""
    target = os.path.join(folder, os.path.basename(path))
    for _ in range(5):
        before = [_stamp_of(path), _stamp_of(path + "-wal")]
        shutil.copyfile(path, target)
        if os.path.exists(path + "-wal"):
            shutil.copyfile(path + "-wal", target + "-wal")
        if [_stamp_of(path), _stamp_of(path + "-wal")] == before:
            break
    return target


def _stamp_of(path: str) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def session_units(
    where: str, stamps: dict[str, tuple[int, int]], read_one: Callable[[str], Batch], done: Callable[[], None]
) -> list[Unit]:
    """A unit "<where>#<session id>" per session of `stamps` (its size and stamp), read by
    `read_one`; `done` is called after each read, whatever happens (the database counts them)."""
    found = []
    for session_id, (size, stamp) in stamps.items():

        def read(session_id: str = session_id) -> Batch:
            try:
                return read_one(session_id)
            finally:
                done()

        found.append(Unit(f"{where}#{session_id}", size, stamp, read))
    return found


def why(exc: BaseException, agent: str) -> str:
    """A database error in words: a lock is the agent writing, to be read at the next ingest."""
    text = str(exc) or type(exc).__name__
    if "locked" in text or "busy" in text:
        return f"{text} ({agent} is writing it: read on the next ingest)"
    return text


def open_checked(path: str, problems: list[Problem], *, agent: str, open_database: Callable[[str], D]) -> D | None:
    """The database at `path` opened by `open_database`; None, with a problem naming the file, when
    it cannot be read, is no SQLite file (empty, or other bytes) or SQLite cannot open it."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return None
    if not head.startswith(SQLITE_HEADER):
        what = "an empty file" if not head else "not a SQLite database"
        problems.append(Problem(path, None, "unreadable-file", f"cannot be read as a {agent} database: {what}"))
        return None
    try:
        return open_database(path)
    except (sqlite3.Error, OSError) as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read this database: {why(exc, agent)}"))
        return None


def database_units(
    path: str,
    problems: list[Problem],
    *,
    agent: str,
    open_database: Callable[[str], D],
    listing: Callable[[D, list[Problem]], dict[str, tuple[int, int]]],
    read: Callable[[D, str], Batch],
) -> list[Unit]:
    """The units of one database of an agent (`agent`, its name as people know it): a unit per
    session `listing` stamps (it raises ForeignDatabase for another program's database), read by
    `read`; a file that is no SQLite, cannot be opened or is another's is a problem naming it."""
    database = open_checked(path, problems, agent=agent, open_database=open_database)
    if database is None:
        return []
    try:
        stamps = listing(database, problems)
    except ForeignDatabase as exc:
        problems.append(Problem(path, None, "unreadable-file", f"not a {agent} database: {exc}"))
        stamps = {}
    except sqlite3.Error as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read this database: {why(exc, agent)}"))
        stamps = {}
    if not stamps:
        database.close()
        return []
    database.remaining = len(stamps)
    return session_units(path, stamps, lambda session_id: read(database, session_id), database.done)


def read_session_rows(
    database: D, session_id: str, agent: str, rows_of: Callable[[D, str], R]
) -> tuple[R, list[Problem]]:
    """A session's rows by `rows_of`, with the problem of its texts not UTF-8; a database error is
    UnreadableUnit (ingest keeps what it stored of the session)."""
    source = f"{database.path}#{session_id}"
    before = database.bad_text
    try:
        rows = rows_of(database, session_id)
    except sqlite3.Error as exc:
        problem = Problem(source, None, "unreadable-file", f"cannot read this session: {why(exc, agent)}")
        raise UnreadableUnit(problem) from exc
    said = []
    if database.bad_text > before:
        detail = f"{database.bad_text - before} text(s) not UTF-8: read with U+FFFD in place of the bad bytes"
        said.append(Problem(source, None, "invalid-utf8", detail))
    return rows, said
