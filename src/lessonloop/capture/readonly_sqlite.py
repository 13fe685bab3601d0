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

from lessonloop.capture.adapters import Unit
from lessonloop.core.records import Batch


class ReadOnlyDatabase:
    """A read-only connection to one database (or to a copy of it), shared by its units and closed
    after the last of them was read (`remaining`, counted down by `done`).

    `timeout`: how long a read waits for a writer's lock; `locked_is_final`: a database still
    locked after it is reported (sqlite3.OperationalError), not read from a copy. A subclass may
    set up each connection (`_configure`: a text factory)."""

    def __init__(
        self, path: str, copy_prefix: str = "lessonloop-db-", *, timeout: float = 5.0, locked_is_final: bool = False
    ) -> None:
        self.path = path
        self.copy_prefix = copy_prefix
        self.timeout = timeout
        self.locked_is_final = locked_is_final
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
        """Set up a connection before it is used (nothing here)."""

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
