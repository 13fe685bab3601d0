"""The learning worker: what the PostToolUse hook found to learn from (in_session.learn_later
queues it), learned in a process of its own, so that the hook returns at once and the agent never
waits for the learner (about 150 ms of imports).

The hook appends one job a line (JSON: the call it stored, its project and folder, the
configuration's `lessons.review`, and what to learn: `at_once`, what the call teaches by itself;
`session`, what the session's calls up to it teach) to `learn-queue` next to the store and starts
`python -I -m lessonloop.learning.live.worker` ($LESSONLOOP_DB set) unless a worker holds
`learn.lock`. The worker holds that lock while it works, so two workers never learn at once (nor
the same session), and the jobs run in the order the calls came. It takes the whole queue at a
time (renamed to `learn-queue.taking`, removed once its jobs are done: a worker killed meanwhile
leaves it to the next one), then looks again after letting the lock go, so a job queued while it
was leaving is not left behind (the hook started no worker: it found this one holding the lock).

A job's failure is written to the hooks' failure log (`lessonloop hooks status` shows it), as
"learn", and the worker goes on with the next job; a store that stays locked (longer than
WAIT_MS) costs the job silently, as it cost the hook before: the lesson is learned from the
transcript at its ingest (Stop / SessionEnd).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time

from lessonloop.apply.hooks import hook_store
from lessonloop.apply.hooks.failures import log_failure
from lessonloop.apply.hooks.hook_store import connect_for_writing, forgotten, release
from lessonloop.apply.hooks.session_end import queue_folder
from lessonloop.learning.live.in_session import LOCK_FILE, QUEUE_FILE, learn_at_once, learn_from_session
from lessonloop.store.hooks import live_call_seq
from lessonloop.store.location import db_path_text
from lessonloop.store.transaction import ENV_BUSY_TIMEOUT, StoreError

TAKING = ".taking"  # the queue file renamed while its jobs run
# The detached worker stays this long after its queue is empty (issue 62, item 5): a session's
# failures come seconds apart, and a worker started for each one was a Python process and the
# learner's imports (about 150 ms of a core) beside the agent on every failing call.
LINGER = 30.0
LOOK = 0.05  # how often a lingering worker looks at the queue
ENV_LINGER = "LESSONLOOP_LEARN_LINGER"
WAIT_MS = 10_000  # the worker's wait for the store's write lock ($LESSONLOOP_BUSY_TIMEOUT_MS when lower)
EVENT = "learn"  # the failure log's event for the worker's failures


def run_queue(db: str, linger: float = 0.0) -> int:
    """Run every queued job of the store at `db`, holding the lock (waiting for it when another
    worker holds it: that one may be leaving); returns how many jobs ran. `linger`: seconds to stay
    (holding the lock, looking at the queue every LOOK seconds) after the queue is empty, so that
    the session's next failures are learned by this worker, not by one started per call (the
    detached worker's; the hook that runs the loop itself in the foreground never lingers)."""
    folder = queue_folder(db)
    os.makedirs(folder, exist_ok=True)
    queue = os.path.join(folder, QUEUE_FILE)
    done = 0
    with open(os.path.join(folder, LOCK_FILE), "a") as lock:
        while True:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                idle_since = time.monotonic()
                while True:
                    jobs = _take(db, queue)
                    if jobs is None:
                        if time.monotonic() - idle_since >= linger:
                            break
                        time.sleep(LOOK)
                        continue
                    done += _run_jobs(db, jobs)
                    os.unlink(queue + TAKING)
                    idle_since = time.monotonic()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
            if not os.path.exists(queue):  # nothing queued while the lock was being let go
                return done


def linger_seconds() -> float:
    """How long the detached worker stays after its queue is empty: LINGER, or
    $LESSONLOOP_LEARN_LINGER (seconds; 0: it leaves at once)."""
    try:
        return max(0.0, float(os.environ.get(ENV_LINGER, LINGER)))
    except ValueError:
        return LINGER


def _take(db: str, queue: str) -> list[dict[str, object]] | None:
    """The jobs to run next: those a killed worker left (`.taking`), else the queue's (renamed to
    `.taking` first); None when there are none."""
    taking = queue + TAKING
    if not os.path.exists(taking):
        try:
            os.rename(queue, taking)
        except FileNotFoundError:
            return None
    with open(taking, "rb") as handle:
        lines = handle.read().splitlines()
    jobs: list[dict[str, object]] = []
    for line in lines:
        try:
            job = json.loads(line)
        except ValueError:
            job = None
        if isinstance(job, dict) and isinstance(job.get("call"), dict):
            jobs.append(job)
        elif line.strip():
            _log(db, None, f"a learning job that cannot be read was dropped: {line[:200]!r}")
    return jobs


def _run_jobs(db: str, jobs: list[dict[str, object]]) -> int:
    """Run `jobs` in order on one connection; a job that fails is logged, the others still run."""
    try:
        conn = connect_for_writing(db, _wait_ms())
    except Exception as exc:  # the jobs are dropped: learned from the transcript at its ingest instead
        if not isinstance(exc, StoreError) or exc.cause != "locked":  # busy for WAIT_MS: silently
            _log(db, None, exc)
        return 0
    done = 0
    try:
        for job in jobs:
            call = job["call"]
            assert isinstance(call, dict)
            try:
                _run_job(conn, job, call)
            except StoreError as exc:  # busy: learned from the transcript at its ingest instead
                if exc.cause != "locked":
                    _log(db, call.get("session_id"), exc)
            except Exception as exc:
                _log(db, call.get("session_id"), exc)
            else:
                done += 1
    finally:
        release(conn, db)  # left open for os._exit in the worker process (main), as a hook's
    return done


def _run_job(conn: sqlite3.Connection, job: dict[str, object], call: dict[str, object]) -> None:
    """One job: what the call teaches by itself, then what the session's calls up to it teach,
    as the hook learned them in its own process before the worker."""
    session_id = str(call["session_id"])
    if forgotten(conn, session_id):
        return  # a person forgot the session since: nothing of it is learned
    given_project, given_cwd = job.get("project"), job.get("cwd")
    project = given_project if isinstance(given_project, str) else None
    cwd = given_cwd if isinstance(given_cwd, str) else None
    review = job.get("review") is True
    if job.get("at_once"):
        learn_at_once(conn, call, project, cwd, review=review)
    if job.get("session"):
        seq = live_call_seq(conn, str(call["id"]))
        if seq is not None:  # None: its transcript was ingested since, and learned from there
            learn_from_session(conn, session_id, project, cwd, review=review, through_seq=seq)


def wait_idle(db: str, timeout: float = 60.0) -> bool:
    """Wait until the learning worker of the store at `db` has run every queued job (nothing
    queued, no worker holding the lock); False when `timeout` seconds pass first. For the tests
    and hook_bench: the hook itself never waits."""
    folder = queue_folder(db)
    queue = os.path.join(folder, QUEUE_FILE)
    deadline = time.monotonic() + timeout
    while True:
        # Every job is done once neither the queue nor the jobs a worker took (`.taking`, removed
        # only after they ran) is there; a worker may still hold the lock, lingering (LINGER).
        if not os.path.exists(queue) and not os.path.exists(queue + TAKING):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def _wait_ms() -> int:
    try:
        return max(0, min(WAIT_MS, int(os.environ.get(ENV_BUSY_TIMEOUT, WAIT_MS))))
    except ValueError:
        return WAIT_MS


def _log(db: str, session_id: object, error: BaseException | str) -> None:
    log_failure(db, EVENT, session_id if isinstance(session_id, str) else None, error)


def main() -> int:
    """The worker process: run the queue of the store at $LESSONLOOP_DB; any failure is logged."""
    # Its connection to the store is left for os._exit to end, as a hook's (hook_store.release):
    # closing the last connection would fold the -wal into the store and delete it (fsyncs), and
    # the agent's next hook would make a new one.
    hook_store.LEAVE_OPEN[0] = True
    db = db_path_text()
    try:
        run_queue(db, linger_seconds())
    except BaseException as exc:
        _log(db, None, exc)
    return 0


if __name__ == "__main__":
    main()
    # Its work is committed and its logs written: leave without the interpreter's teardown
    # (freeing the learner's modules and objects costs milliseconds of a core the agent's next
    # hook may be waiting for); the connection left open ends with the process (main).
    os._exit(0)
