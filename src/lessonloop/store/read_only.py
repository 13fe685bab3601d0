"""Opening a store this process cannot write, for reading only (the read commands on a store on a
read-only file system, or a file and folder the user may not write).

A store is in WAL mode, and a WAL reader needs the `-shm` file next to the store. SQLite reads a
WAL database read-only (`mode=ro`) when the `-shm` and `-wal` files exist or can be made; when
they cannot be made (a read-only folder the store was closed cleanly in, which leaves no `-wal`),
it reads the file as `immutable`, which ignores any `-wal`. So `immutable` is used only when there
is no `-wal` holding changes: with one, reading without its `-shm` file would show the store as
it was before them, and that is refused in plain words instead (https://www.sqlite.org/wal.html,
"Read-Only Databases"). Nothing is written: no migration, no redaction pass, `query_only` on.
"""

from __future__ import annotations

import os
import sqlite3

from lessonloop.store.migrations import MIGRATIONS, refuse_another_programs, table_names
from lessonloop.store.transaction import StoreError, store_error

# pathlib (and urllib.parse, for the URI) only where a store is opened: `is_read_only` is asked by
# every read that analyzes first (`report`), which opens no store here.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def _connect(path: Path, query: str, timeout_ms: int) -> sqlite3.Connection:
    from urllib.parse import quote

    uri = f"file:{quote(str(path.absolute()), safe='/')}?{query}"
    conn = sqlite3.connect(uri, uri=True, timeout=timeout_ms / 1000, isolation_level=None)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the file, -shm included
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def _wal_holds_changes(path: Path) -> bool:
    try:
        return os.path.getsize(f"{path}-wal") > 0
    except OSError:
        return False


def open_read_only(path: Path, timeout_ms: int) -> sqlite3.Connection:
    """A read-only connection to the lessonloop store at `path` (an existing file); StoreError
    when it cannot be read, is another program's database or needs a migration (which writes)."""
    try:
        conn = _connect(path, "mode=ro", timeout_ms)
    except sqlite3.Error as exc:
        if _wal_holds_changes(path):
            raise StoreError(
                f"the store {path} cannot be read without writing: its {path.name}-wal file holds changes that "
                f"need its -shm file, which cannot be made next to it ({exc}); open it once where it can be "
                "written, so that SQLite folds them into the store",
                path=str(path),
                cause="read-only",
            ) from exc
        try:
            conn = _connect(path, "mode=ro&immutable=1", timeout_ms)
        except sqlite3.Error as again:
            raise store_error(again, path) from again
    try:
        conn.execute("PRAGMA query_only = ON")
        refuse_another_programs(conn)
        tables = table_names(conn)
        done = {row[0] for row in conn.execute("SELECT name FROM _migrations")} if "_migrations" in tables else set()
        pending = [step.__name__ for step in MIGRATIONS if step.__name__ not in done]
        if pending:
            raise StoreError(
                f"the store {path} is read-only and was made by an older lessonloop: it needs {len(pending)} "
                f"schema update(s) ({pending[0]}, ...), which write it; open it once where it can be written",
                path=str(path),
                cause="read-only",
            )
    except sqlite3.Error as exc:
        conn.close()
        raise store_error(exc, path) from exc
    except StoreError:
        conn.close()
        raise
    return conn


def is_read_only(conn: sqlite3.Connection) -> bool:
    """Whether `conn` was opened by `open_read_only` (it then must not be written: what is
    computed on demand, such as the analysis, is read as it is stored)."""
    return bool(conn.execute("PRAGMA query_only").fetchone()[0])
