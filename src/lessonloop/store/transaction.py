"""One write transaction for the whole code base, and the store's failures in plain words.

    with transaction(conn):
        conn.execute(...)

begins `BEGIN IMMEDIATE` (the write lock is taken first, so the transaction cannot fail half-way
for want of it), commits when the block ends, and rolls back when it raises: only if SQLite has
not rolled back already (`conn.in_transaction`), and never in a way that hides the block's own
error. When the store is full, SQLite itself ends the transaction; a plain `ROLLBACK` then fails
with "cannot rollback - no transaction is active", and that message replaced the real one.

A failure of the store itself (full, read-only, locked past the busy timeout, damaged, an I/O
error) leaves as a StoreError naming the file and the cause; any other exception (a bug, a
constraint, an interrupt) leaves unchanged.

Stdlib only (os, sqlite3): the hooks import this on every tool call.
"""

from __future__ import annotations

import os
import sqlite3

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from types import TracebackType

ENV_BUSY_TIMEOUT = "LESSONLOOP_BUSY_TIMEOUT_MS"

# SQLite's primary result codes (the low byte of an extended code) and what they mean here.
_CAUSES = {
    13: "full",  # SQLITE_FULL
    8: "read-only",  # SQLITE_READONLY
    3: "read-only",  # SQLITE_PERM
    5: "locked",  # SQLITE_BUSY
    6: "locked",  # SQLITE_LOCKED
    11: "corrupt",  # SQLITE_CORRUPT
    26: "corrupt",  # SQLITE_NOTADB
    10: "io",  # SQLITE_IOERR
    14: "cannot-open",  # SQLITE_CANTOPEN
}


class StoreError(Exception):
    """The store cannot be opened or used; the message names the file and the cause.

    `cause`: full, read-only, locked, corrupt, io, cannot-open or other; `path`: the store file."""

    def __init__(self, message: str, *, path: str | None = None, cause: str = "other") -> None:
        super().__init__(message)
        self.path = path
        self.cause = cause


def cause_of(exc: BaseException) -> str | None:
    """What failed, for an sqlite3 error about the store itself (full, read-only, locked, corrupt,
    io, cannot-open); None for any other exception (a constraint, a bug in a statement)."""
    if not isinstance(exc, sqlite3.Error) or isinstance(exc, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in _CAUSES:
        return _CAUSES[code & 0xFF]
    text = str(exc).lower()
    for words, cause in (
        ("disk is full", "full"),
        ("readonly", "read-only"),
        ("locked", "locked"),
        ("not a database", "corrupt"),
        ("malformed", "corrupt"),
        ("disk i/o", "io"),
        ("unable to open", "cannot-open"),
    ):
        if words in text:
            return cause
    return "other" if type(exc) in (sqlite3.OperationalError, sqlite3.DatabaseError) else None


def store_file(conn: sqlite3.Connection) -> str | None:
    """The file of the connection's main database (None for an in-memory one or when unknown)."""
    try:
        for _seq, name, file in conn.execute("PRAGMA database_list").fetchall():
            if name == "main":
                return str(file) or None
    except sqlite3.Error:
        pass
    return None


def _busy_wait_ms(conn: sqlite3.Connection | None) -> int | None:
    """The connection's busy timeout in milliseconds (None when it cannot be read)."""
    if conn is None:
        return None
    try:
        return int(conn.execute("PRAGMA busy_timeout").fetchone()[0])
    except (sqlite3.Error, TypeError, ValueError):
        return None


def store_error(
    exc: sqlite3.Error, path: str | os.PathLike[str] | None, *, conn: sqlite3.Connection | None = None
) -> StoreError:
    """`exc` (an sqlite3 error about the store at `path`) as a StoreError saying in plain words
    what happened: full, read-only, locked, damaged, an I/O error, not openable. SQLite's own
    words follow a colon, so the message holds the real cause either way."""
    where = os.fspath(path) if path else (store_file(conn) if conn is not None else None)
    store = f"the store {where}" if where else "the store"
    cause = cause_of(exc) or "other"
    if cause in ("cannot-open", "io") and where:
        if _disk_full(where):
            cause = "full"  # a write that found no space, reported by SQLite as an I/O error
        elif cause == "cannot-open" and _folder_read_only(where):
            cause = "read-only"  # SQLite could not make the -wal and -shm files next to it
    said = str(exc)
    if cause == "full":
        message = (
            f"{store} is full: {said} (free space on the disk that holds it; what was stored before this write is kept)"
        )
    elif cause == "read-only":
        folder = os.path.dirname(os.path.abspath(where)) if where else "its folder"
        message = (
            f"{store} cannot be written, it is read-only: {said} (SQLite writes the file and the -wal and "
            f"-shm files next to it: check the permissions of the file and of {folder})"
        )
    elif cause == "locked":
        waited = _busy_wait_ms(conn)
        wait = f"waited {waited / 1000:g} s; " if waited is not None else ""
        message = (
            f"{store} is locked by another process: {said} ({wait}${ENV_BUSY_TIMEOUT} sets how long to wait); "
            "what was stored before is kept"
        )
    elif cause == "corrupt":
        message = f"{store} is damaged or not a lessonloop store: {said}"
    elif cause == "io":
        message = f"{store} could not be read or written: {said} (a failing disk, or a removed or network drive?)"
    elif cause == "cannot-open" and where and os.path.isdir(where):
        message = f"{store} is a folder, not a store file: {said} (--db takes a file, e.g. {where}/lessonloop.db)"
    elif cause == "cannot-open":
        message = f"{store} cannot be opened: {said} (does its folder exist, and may it be written?)"
    else:
        message = f"{store} failed: {said}"
    return StoreError(message, path=where, cause=cause)


def _disk_full(path: str) -> bool:
    try:
        info = os.statvfs(os.path.dirname(os.path.abspath(path)))
    except (OSError, AttributeError):
        return False
    return info.f_blocks > 0 and info.f_bavail == 0  # a pseudo file system (/proc) has no blocks at all


def _folder_read_only(path: str) -> bool:
    folder = os.path.dirname(os.path.abspath(path))
    return os.path.isdir(folder) and not os.access(folder, os.W_OK)


class transaction:
    """One BEGIN IMMEDIATE transaction on `conn` (autocommit mode, as the store's connections
    are): committed when the block ends, rolled back when it raises (see the module's docstring).

    `path`: the store's file for messages (default: asked of the connection, only on failure).
    `commit=False`, or `discard()` inside the block: roll back at the end instead (a dry run, a
    write found stale once the lock was held)."""

    __slots__ = ("commit", "conn", "path")

    def __init__(
        self, conn: sqlite3.Connection, path: str | os.PathLike[str] | None = None, *, commit: bool = True
    ) -> None:
        self.conn = conn
        self.path = path
        self.commit = commit

    def discard(self) -> None:
        """End the transaction with a rollback instead of a commit."""
        self.commit = False

    def __enter__(self) -> transaction:
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:  # nothing begun: nothing to roll back
            raise self._converted(exc) from exc
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc is None:
            try:
                self.conn.execute("COMMIT" if self.commit else "ROLLBACK")
            except sqlite3.Error as failure:
                self._rollback()
                raise self._converted(failure) from failure
            return
        self._rollback()
        if cause_of(exc) is not None:
            assert isinstance(exc, sqlite3.Error)
            raise store_error(exc, self.path, conn=self.conn) from exc
        # else the block's own exception goes on, untouched

    def _rollback(self) -> None:
        if not self.conn.in_transaction:
            return  # SQLite already rolled back (a full disk, an I/O error): nothing to undo
        try:  # noqa: SIM105 - contextlib.suppress would cost the hooks an import
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the error being raised is the one to report

    def _converted(self, exc: sqlite3.Error) -> BaseException:
        return store_error(exc, self.path, conn=self.conn) if cause_of(exc) is not None else exc


class waiting_at_most:
    """`with waiting_at_most(conn, ms):` the connection waits at most `ms` for another writer's
    lock inside the block (its own busy timeout when shorter), then as before: a read's refresh
    (pipeline/refresh.py) gives up on a store another process is writing, and answers from it."""

    def __init__(self, conn: sqlite3.Connection, ms: int) -> None:
        self.conn = conn
        self.ms = ms
        self.before = 0

    def __enter__(self) -> waiting_at_most:
        self.before = int(self.conn.execute("PRAGMA busy_timeout").fetchone()[0])
        self.conn.execute(f"PRAGMA busy_timeout = {min(self.before, int(self.ms))}")
        return self

    def __exit__(self, *_exc: object) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {self.before}")
