"""Opening the store: private to its user (store/private_files.py), WAL mode, a busy timeout, and
the schema brought up to date."""

from __future__ import annotations

import os
import sqlite3

from lessonloop.store import private_files
from lessonloop.store.schema_latest import LATEST_MIGRATION
from lessonloop.store.transaction import ENV_BUSY_TIMEOUT, StoreError, store_error

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["BUSY_TIMEOUT_MS", "ENV_BUSY_TIMEOUT", "StoreError", "busy_timeout_ms", "connect_for_writing", "open_store"]

BUSY_TIMEOUT_MS = 10_000


def busy_timeout_ms() -> int:
    """How long to wait for another process's write lock: $LESSONLOOP_BUSY_TIMEOUT_MS or 10 s."""
    try:
        return max(0, int(os.environ.get(ENV_BUSY_TIMEOUT, BUSY_TIMEOUT_MS)))
    except ValueError:
        return BUSY_TIMEOUT_MS


def open_store(
    path: Path | str, *, migrate: bool = True, timeout_ms: int | None = None, redact: bool = True
) -> sqlite3.Connection:
    """Open (creating if needed) the SQLite store at `path` and apply pending migrations; then,
    when `redact` (and `migrate`), redact its texts again if they were redacted with other rules
    than the current ones (store/redaction_pass.py; skipped for now when another process holds
    the store's write lock). The hooks and the runner pass `redact=False`: they must stay quick.

    The connection is in autocommit mode: writers open their own transactions with
    `BEGIN IMMEDIATE` so that a crash at any moment leaves whole transactions only.
    """
    # The migrations here, not at the top: a hook opens an up-to-date store without them.
    from lessonloop.store.migrations import MIGRATIONS, apply_migrations, refuse_another_programs

    timeout = busy_timeout_ms() if timeout_ms is None else timeout_ms
    path = os.fspath(path)  # a str: the reading commands open the store without importing pathlib
    try:
        private_files.make_folders(os.path.dirname(path) or ".")  # the folders made here are 0700
    except OSError as exc:
        raise StoreError(f"cannot create the folder for the store {path}: {exc.strerror or exc}") from exc
    private_files.create_private(path)  # a new store is 0600 (its -wal and -shm follow it)
    try:
        conn = sqlite3.connect(path, timeout=timeout / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise store_error(exc, path) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
        refuse_another_programs(conn)  # before anything changes the file, its journal mode included
        private_files.tighten(path)  # an older store of this user's, made 0644: 0600 now
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"cannot switch the store {path} to WAL mode (got {mode!r})")
        # NORMAL is durable against a killed process in WAL mode; only power loss may drop
        # the last transactions, never corrupt the file.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if migrate:
            applied = apply_migrations(conn)
            if applied and applied[0] == MIGRATIONS[0].__name__:
                _mark_redacted(conn)  # made now: no text to redact
            elif redact:
                _redact_again(conn)
    except sqlite3.DatabaseError as exc:  # read-only, locked, full, damaged: said in plain words
        error = store_error(exc, path, conn=conn)
        conn.close()
        raise error from exc
    except StoreError:
        conn.close()
        raise
    return conn


def connect_for_writing(db: str, wait_ms: int, *, wings: tuple[str, ...] = ()) -> sqlite3.Connection:
    """A connection to the store at `db` for a short-lived writer (a hook, `lessonloop run`): an
    up-to-date store is opened as it is (autocommit, `wait_ms` of busy timeout); a missing or older
    one goes through `open_store` first, without the redaction pass (too slow for them). Up to date:
    the core's last migration is applied, and the last steps `wings` names (those of the wings whose
    tables the writer writes: `lessonloop run` the runs'; the hooks write the core's tables only and
    load no wing)."""
    if os.path.exists(db):
        conn = sqlite3.connect(db, timeout=wait_ms / 1000, isolation_level=None)  # timeout: SQLite's busy timeout
        latest = [LATEST_MIGRATION, *wings]
        marks = ", ".join("?" * len(latest))
        try:
            applied = conn.execute(f"SELECT count(*) FROM _migrations WHERE name IN ({marks})", latest).fetchone()[0]
            if applied == len(latest):
                return conn
        except sqlite3.OperationalError:
            pass  # no _migrations table: a store from before migrations were recorded, or empty
        conn.close()
    from pathlib import Path  # the path as open_store has always been given it here

    return open_store(Path(db), timeout_ms=wait_ms, redact=False)


# How long the pass (and its compaction) run on open waits for other processes: it is retried on
# every open, so a reader or writer that holds the store makes it wait for the next open rather
# than make this command wait (a checkpoint behind a reader's snapshot took the whole busy
# timeout, twice, on every command).
PASS_WAIT_MS = 250


def _mark_redacted(conn: sqlite3.Connection) -> None:
    """Record a store that holds no text yet (just made) as redacted with the current rules: a
    pass would read nothing and compact an empty file. (Here, not in redaction_pass.py: a change
    to that file changes the rules' digest, and every store is redacted again.)"""
    from lessonloop.core.timestamps import utc_now
    from lessonloop.store.redaction_pass import rules_digest, sources_stat
    from lessonloop.store.transaction import transaction

    with transaction(conn):
        conn.execute(
            """INSERT INTO redaction_state (id, rules_digest, applied_at, rows_changed, secrets, compact_pending,
                                           sources_stat)
               VALUES (1, ?, ?, 0, 0, 0, ?) ON CONFLICT (id) DO NOTHING""",
            (rules_digest(), utc_now(), sources_stat()),
        )


def _redact_again(conn: sqlite3.Connection) -> None:
    from lessonloop.store.redaction_pass import redact_again

    (timeout,) = conn.execute("PRAGMA busy_timeout").fetchone()
    conn.execute(f"PRAGMA busy_timeout = {min(int(timeout), PASS_WAIT_MS)}")
    try:
        redact_again(conn)
    except StoreError as exc:  # another process holds the write lock: the pass runs next time
        if exc.cause != "locked":
            raise
    except sqlite3.OperationalError as exc:  # a read outside its transactions
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
