"""The hooks' spool: what a hook could not write at once, kept until a process holding the
store's write lock stores it. No hook event is lost to a busy store (docs/hooks.md, "Writes").

A hook that finds the write lock taken writes its event's rows as one small JSON file in
`hook-spool/` next to the store (a temporary name, then a rename: a file is there whole or not at
all), waits a little for the lock, and leaves; whichever hook (or the Stop hook's ingest) next
holds the lock applies every file there, oldest first, in its own transaction. Each applied
file's name is recorded in the `hook_spool` table in that same transaction, so a file is applied
once even when its removal afterwards is cut short (a killed process) or two processes list it at
the same moment.

Stdlib only: this runs in the hook process.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time

from lessonloop.store import hooks as hook_tables
from lessonloop.store.location import SPOOL_FOLDER, beside
from lessonloop.store.transaction import cause_of

FOLDER = SPOOL_FOLDER
SUFFIX = ".json"
STALE_SECONDS = 3600  # a temporary file older than this was left by a killed writer

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Callable

    Apply = Callable[[sqlite3.Connection, str, dict[str, object]], object]

_counter = [0]


def folder(db: str) -> str:
    """The spool folder of the store at `db`."""
    return beside(db, FOLDER)


# Each attempt lost to a drainer removing the emptied folder costs microseconds; with twenty hooks
# at once five were seen to lose in a row (tests/apply/test_hooks_concurrency.py, once in CI).
PUT_ATTEMPTS = 50


def put(db: str, ops: list[tuple[str, dict[str, object]]]) -> str:
    """Keep `ops` (kind and data of each write, applied together in this order) until the next
    process holding the write lock applies them; returns the file's name. Raises OSError when
    the folder cannot be written."""
    where = folder(db)
    _counter[0] += 1
    name = f"{time.time_ns():020d}-{os.getpid()}-{_counter[0]}{SUFFIX}"
    temporary = os.path.join(where, f".{name}.tmp")
    data = json.dumps({"ops": [[kind, value] for kind, value in ops]}, ensure_ascii=False).encode("utf-8", "replace")
    for attempt in range(PUT_ATTEMPTS):
        try:
            os.makedirs(where, exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, os.path.join(where, name))
            return name
        except (FileNotFoundError, FileExistsError):  # the folder removed meanwhile (`remove`): again
            _unlink(temporary)
            if attempt == PUT_ATTEMPTS - 1:
                raise
        except BaseException:
            _unlink(temporary)
            raise
    return name


def pending(db: str) -> list[str]:
    """The names of the files waiting in the spool, oldest first."""
    try:
        names = os.listdir(folder(db))
    except OSError:  # no spool yet (the usual case), or not readable
        return []
    return sorted(n for n in names if n.endswith(SUFFIX) and not n.startswith("."))


def apply_pending(conn: sqlite3.Connection, db: str, apply: Apply) -> tuple[list[str], list[str]]:
    """Apply every waiting file inside the caller's write transaction, each of its writes through
    `apply(conn, kind, data)`: (the names applied now or
    found applied before, to remove once the transaction is committed; problems, one per file
    that could not be read, each recorded as applied so that it is not read again)."""
    names = pending(db)
    if not names:
        return [], []
    try:
        applied = hook_tables.applied_spool_files(conn)
    except sqlite3.OperationalError:  # a store from before the spool: migrated by the next writing hook
        return [], []
    done: list[str] = []
    problems: list[str] = []
    where = folder(db)
    for name in names:
        if name not in applied:
            path = os.path.join(where, name)
            try:
                with open(path, "rb") as handle:
                    ops = json.loads(handle.read())["ops"]
            except FileNotFoundError:
                continue  # removed by the process that applied it
            except (OSError, ValueError, KeyError, TypeError) as exc:
                problems.append(f"the spooled hook event {path} could not be read and was dropped: {exc}")
                ops = []
            # One file's writes together; a file that cannot be applied (not the store's fault: the
            # store full, read-only or locked goes up and all waits) is dropped, never retried forever.
            hook_tables.begin_spooled(conn)
            try:
                for kind, data in ops:
                    apply(conn, kind, data)
            except Exception as exc:
                if cause_of(exc) is not None:
                    raise
                hook_tables.undo_spooled(conn)
                problems.append(f"the spooled hook event {path} could not be stored and was dropped: {exc!r}")
            hook_tables.end_spooled(conn)
            hook_tables.mark_spool_applied(conn, name, _now())
        done.append(name)
    # Names whose files are gone can never be listed again (every name is new): forget them.
    gone = sorted(applied - set(names))
    if gone:
        hook_tables.forget_spool_files(conn, gone)
    return done, problems


def remove(db: str, names: list[str]) -> None:
    """Delete applied files (after their transaction committed); stale temporary files too."""
    where = folder(db)
    for name in names:
        _unlink(os.path.join(where, name))
    if names:
        _remove_stale(where)
    try:  # noqa: SIM105 - an empty spool goes: hooks then do not even import this (a writer makes it again)
        os.rmdir(where)
    except OSError:
        pass


def _remove_stale(where: str) -> None:
    limit = time.time() - STALE_SECONDS
    try:
        for entry in os.scandir(where):
            if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.stat().st_mtime < limit:
                _unlink(entry.path)
    except OSError:
        pass


def _unlink(path: str) -> None:
    try:  # noqa: SIM105 - contextlib costs the hooks an import
        os.unlink(path)
    except OSError:
        pass


def _now() -> str:
    from lessonloop.core.timestamps import utc_now

    return utc_now()
