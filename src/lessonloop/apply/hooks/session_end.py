"""Stop / SessionEnd: ingest the session's transcript incrementally (then analyze and learn),
so the next session starts from everything this one taught.

Stop comes after every turn, and ingest with learning can take seconds on a large store, so the
work runs in a background process by default and the agent never waits: the transcript's path is
added to a queue file next to the store, and one worker at a time (an exclusive lock) empties the
queue. `LESSONLOOP_HOOK_FOREGROUND=1` runs it inside the hook instead (tests; people who prefer
it). The worker is `python -I -m lessonloop.apply.hooks.entry --ingest`; its failures go to the
hooks' failure log. The worker analyzes as `lessonloop ingest` does, bandit included when it is
installed; inside the hook bandit is left out (its findings are added by the next analysis that
runs it, without analyzing the unchanged sessions again: docs/analysis.md).
"""

from __future__ import annotations

import os
import subprocess
import sys

from lessonloop.apply.hooks.hook_store import connect_for_writing, hook_policy, record, spool_only, text_of, wait_ms
from lessonloop.store.transaction import StoreError
from lessonloop.timestamps import utc_now

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from lessonloop.apply.hooks.entry import HookContext

QUEUE_FILE = "ingest-queue"
LOCK_FILE = "ingest.lock"
ENV_FOREGROUND = "LESSONLOOP_HOOK_FOREGROUND"


def handle(payload: dict[str, object], ctx: HookContext) -> dict[str, object] | None:
    session_id = text_of(payload, "session_id")
    transcript = text_of(payload, "transcript_path")
    if not hook_policy(ctx.db).allows(None, text_of(payload, "cwd")):
        return None  # capture turned off (ingest would store nothing of it either)
    moment = utc_now()
    ops: list[tuple[str, dict[str, object]]] = []
    if session_id is not None:
        ended = moment if ctx.event == "SessionEnd" else None
        ops.append(("session", {"mode": "end", "session_id": session_id, "cwd": text_of(payload, "cwd"),
                                "transcript_path": transcript, "ts": moment, "ended_at": ended}))  # fmt: skip
    try:
        conn = connect_for_writing(ctx.db, wait_ms(ctx))
    except StoreError as exc:  # the schema being brought up to date by a process holding the lock
        if exc.cause != "locked":
            raise
        spool_only(ctx.db, ops)
    else:
        try:
            if ops:
                record(conn, ctx.db, ops, wait_ms(ctx))
        finally:
            conn.close()
    if transcript is None or not os.path.isfile(transcript):
        return None
    queue(ctx.db, transcript)
    if os.environ.get(ENV_FOREGROUND) == "1":
        run_queue(ctx.db, bandit=False)  # within the hook's time budget: bandit's findings come later
    else:
        _spawn_worker(ctx.db)
    return None


def _folder(db: str) -> str:
    return os.path.dirname(os.path.abspath(db))


def queue(db: str, path: str) -> None:
    """Add `path` to the ingest queue (one line; appends of one line are atomic)."""
    folder = _folder(db)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, QUEUE_FILE), "a", encoding="utf-8") as handle:
        handle.write(os.path.abspath(path) + "\n")


def _spawn_worker(db: str) -> None:
    """Start a worker unless one is running (it will take the new path in its next round)."""
    if _locked(db):
        return
    env = dict(os.environ, LESSONLOOP_DB=db)
    subprocess.Popen(
        [sys.executable, "-I", "-m", "lessonloop.apply.hooks.entry", "--ingest"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
        close_fds=True,
    )


def _locked(db: str) -> bool:
    import fcntl

    path = os.path.join(_folder(db), LOCK_FILE)
    try:
        handle = open(path, "a")  # noqa: SIM115 - held only for the test below
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        handle.close()  # closing releases the lock when we got it
    return False


def run_queue(db: str, *, bandit: bool | None = None) -> int:
    """Ingest every queued transcript, round after round until the queue is empty, holding the
    lock so that one worker runs at a time. Returns how many paths were ingested (0 when another
    worker holds the lock: it will take ours). `bandit`: None runs it when installed, as
    `lessonloop ingest` does (the background worker); False leaves its findings to the next
    analysis that has it (pipeline/analysis.py)."""
    import fcntl

    folder = _folder(db)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, LOCK_FILE), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0
        done = 0
        while True:
            paths = _take_queue(folder)
            if not paths:
                return done
            from lessonloop.pipeline.live_ingest import ingest_transcripts

            conn = connect_for_writing(db, wait_ms=30_000)
            try:
                record(conn, db, [], 30_000)  # the hook events waiting in the spool first
                ingest_transcripts(conn, [p for p in paths if os.path.isfile(p)], bandit=bandit)
            finally:
                conn.close()
            done += len(paths)


def _take_queue(folder: str) -> list[str]:
    """The queued paths (each once), emptying the queue."""
    path = os.path.join(folder, QUEUE_FILE)
    taken = path + ".taking"
    try:
        os.replace(path, taken)
    except FileNotFoundError:
        return []
    with open(taken, encoding="utf-8", errors="replace") as handle:
        paths = list(dict.fromkeys(line.strip() for line in handle if line.strip()))
    os.unlink(taken)
    return paths
