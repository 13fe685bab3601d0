"""The store's background worker: one process per store that brings its analysis and learning up to
date after a capture (`lessonloop ingest`, a read's refresh) and exits.

Started detached (`python -m lessonloop.pipeline.background.worker --db PATH`), at low priority.
Never two at once: the worker holds an exclusive lock on `<store>-worker.lock` while it works, and
a worker that cannot take it exits at once (the one holding it will see the new work). No work is
lost to the moment it ends: after letting the lock go it reads the store's marks again, and takes
the lock back if anything arrived meanwhile; a capture commits before it asks for a worker, and
finds the lock free unless a worker is still to make that check. A kill at any moment leaves the
store as its last commit left it: the next worker goes on from the marks (analysis, learning).

What it is doing and how its last run ended are kept in `<store>-worker.json` (`lessonloop
status`): pid, phase, started, finished, seconds, and the error when it failed.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

from lessonloop.apply.hooks.session_end import lock_held

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    import sqlite3

LOCK_SUFFIX = "-worker.lock"
STATUS_SUFFIX = "-worker.json"
NICE = 10  # the worker's priority: below the person's own work
RETAKES = 5  # a worker that keeps finding new work after letting the lock go hands over after this


def lock_path(db: str) -> str:
    return os.path.abspath(db) + LOCK_SUFFIX


def status_path(db: str) -> str:
    return os.path.abspath(db) + STATUS_SUFFIX


@dataclass(frozen=True, slots=True)
class Started:
    """What asking for a worker did: started one (its pid), or one was running already."""

    pid: int | None
    running: bool

    def to_json(self) -> dict[str, object]:
        return {"worker": "started" if self.pid is not None else "running", "pid": self.pid}


def is_running(db: str) -> bool:
    """Whether a worker holds the store's lock now, or was started and has not taken it yet."""
    return _holds_lock(db) or _queued(db)


def _queued(db: str) -> bool:
    """A worker started (its status file says "queued" with its pid) that is still alive."""
    try:
        with open(status_path(db), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict) or data.get("phase") != "queued" or not isinstance(data.get("pid"), int):
        return False
    try:
        os.kill(data["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holds_lock(db: str) -> bool:
    return lock_held(lock_path(db))


def start_worker(db: str, *, bandit: bool | None = None, learn: bool = True, after_ingest: bool = False) -> Started:
    """Ask for the store's worker after a capture committed: start one, detached, unless one is
    running (it will find the new work). `bandit`, `learn`: as `catch_up` takes them;
    `after_ingest`: also run the wings' steps after an ingest (a team sync) once it caught up."""
    if is_running(db):
        return Started(None, True)
    command = [sys.executable, "-m", "lessonloop.pipeline.background.worker", "--db", os.path.abspath(db)]
    if bandit is not None:
        command.append("--bandit" if bandit else "--no-bandit")
    if not learn:
        command.append("--no-learn")
    if after_ingest:
        command.append("--after-ingest")
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=dict(os.environ),
        close_fds=True,
    )
    # "queued" until it takes the lock (its start-up takes a moment): it counts as running meanwhile
    queued = StatusFile(db, pid=process.pid)
    queued.phase("queued")
    return Started(process.pid, False)


def worker_status(db: str) -> dict[str, object]:
    """The worker as `lessonloop status` shows it: whether one runs now, and what its status file
    says (phase, pid, started, finished, seconds, error); {"running": False} when none ever ran."""
    data: dict[str, object] = {}
    with contextlib.suppress(OSError, ValueError):
        with open(status_path(db), encoding="utf-8") as handle:
            loaded = json.load(handle)
        if isinstance(loaded, dict):
            data = loaded
    running = is_running(db)
    data["running"] = running
    if not running and data.get("phase") not in (None, "done", "failed"):
        data["phase"] = "stopped"  # killed, or the machine stopped, before it finished: the next one goes on
    return data


@contextlib.contextmanager
def store_lock(db: str, *, wait: bool) -> Iterator[bool]:
    """The worker's lock on the store: yields whether it was taken (`wait`: block until it is)."""
    handle = open(lock_path(db), "a")  # noqa: SIM115 (closed below)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


class StatusFile:
    """The worker's status file, written whole each time (a reader sees the old or the new)."""

    def __init__(self, db: str, pid: int | None = None) -> None:
        self.path = status_path(db)
        self.data: dict[str, object] = {"pid": pid or os.getpid(), "started": _now(), "phase": "starting"}
        self._clock = time.perf_counter()

    def phase(self, phase: str, **more: object) -> None:
        self.data["phase"] = phase
        self.data.update(more)
        if phase in ("done", "failed"):
            self.data["finished"] = _now()
            self.data["seconds"] = round(time.perf_counter() - self._clock, 3)
        temporary = f"{self.path}.{os.getpid()}"
        with contextlib.suppress(OSError):
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(self.data, handle)
            os.replace(temporary, self.path)


def _now() -> str:
    from lessonloop.core.timestamps import utc_now

    return utc_now()


def run(db: str, *, bandit: bool | None = None, learn: bool = True, after_ingest: bool = False) -> int:
    """The worker's work (see the module's docstring); returns its exit status (0 also when another
    worker holds the lock)."""
    from lessonloop.pipeline.background.lag import lag_of
    from lessonloop.store import StoreError, open_store

    for _ in range(RETAKES):
        with store_lock(db, wait=False) as taken:
            if not taken:
                return 0
            status = StatusFile(db)
            status.phase("starting")
            try:
                conn = open_store(db)
            except StoreError as exc:
                status.phase("failed", error=str(exc))
                return 1
            try:
                from lessonloop.pipeline.background.catch_up import catch_up

                done = catch_up(conn, bandit=bandit, learn=learn, phase=status.phase)
                if after_ingest:
                    status.phase("after ingest")
                    _after_ingest(conn, db)
                    after_ingest = False
                status.phase("done", **done.to_json())
            except Exception as exc:  # kept in the status file, for `lessonloop status`
                status.phase("failed", error=f"{type(exc).__name__}: {exc}")
                conn.close()
                return 1
            conn.close()
        # The lock is gone: a capture that committed before now and found it still held is read here.
        try:
            conn = open_store(db, redact=False)
        except StoreError:
            return 0
        try:
            if not lag_of(conn, learn=learn).behind:
                return 0
        finally:
            conn.close()
    return 0


def _after_ingest(conn: sqlite3.Connection, db: str) -> None:
    """The wings' steps after an ingest (core/wing.py's after_ingest: a team sync), now that the
    lessons are current."""
    from pathlib import Path

    from lessonloop.core.wings import wings
    from lessonloop.pipeline.ingest_job import IngestReport, IngestRequest

    request = IngestRequest(store_file=Path(db))
    report = IngestReport()
    for wing in wings():
        wing.after_ingest(conn, request, report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lessonloop.pipeline.background.worker")
    parser.add_argument("--db", required=True)
    parser.add_argument("--bandit", action=argparse.BooleanOptionalAction, default=None)
    parser.add_argument("--no-learn", action="store_true")
    parser.add_argument("--after-ingest", action="store_true")
    args = parser.parse_args(argv)
    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICE)
    return run(args.db, bandit=args.bandit, learn=not args.no_learn, after_ingest=args.after_ingest)


if __name__ == "__main__":
    raise SystemExit(main())
