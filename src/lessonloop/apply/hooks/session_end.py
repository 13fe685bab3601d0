"""Stop / SessionEnd: ingest the session's transcript incrementally (then analyze and learn),
so the next session starts from everything this one taught.

Stop comes after every turn, and ingest with learning can take seconds on a large store, so the
work runs in a background process by default and the agent never waits: the transcript's path is
added to a queue file next to the store, and one worker at a time (an exclusive lock) empties the
queue. `LESSONLOOP_HOOK_FOREGROUND=1` makes the hook wait for the worker instead (tests; people
who prefer it). The worker is `python -I -m lessonloop.pipeline.live_ingest` (the ingest is a
pipeline job: this module only queues and starts it); its failures go to the hooks' failure log.
A queued path leaves the queue only once its ingest has committed: a worker that fails or is
killed leaves it for the next one, and one that keeps failing is dropped after a few attempts
(docs/hooks.md, "The Stop hook's ingest queue").
The background worker analyzes as `lessonloop ingest` does, bandit included only when
`[analysis] bandit = true` (off by default), over the sessions its ingest changed; the one the
hook waits for leaves bandit out. Neither analyzes stored sessions again for bandit's sake
(docs/analysis.md).
"""

from __future__ import annotations

import os
import sys

from lessonloop.apply.hooks.hook_store import (
    connect_for_writing,
    hook_policy,
    record,
    release,
    spool_only,
    text_of,
    wait_ms,
)
from lessonloop.core.timestamps import utc_now
from lessonloop.store.transaction import StoreError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from lessonloop.apply.hooks.entry import HookContext

QUEUE_FILE = "ingest-queue"
LOCK_FILE = "ingest.lock"
WORKER_MODULE = "lessonloop.pipeline.live_ingest"  # run as its own process: the hooks never import the pipeline
# Set (to 1) by the tests and by people who prefer it: a hook does its worker's work itself and
# waits for it, instead of starting a process that outlives it (this module's ingest worker, and
# PostToolUse's learning worker: learning/live/in_session.py).
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
            release(conn, ctx.db)
    if transcript is None or not _may_be_read(transcript):
        return None
    queue(ctx.db, transcript)
    if foreground():
        _run_worker(ctx.db)
    else:
        _spawn_worker(ctx.db)
    return None


def _may_be_read(transcript: str) -> bool:
    """A transcript the worker can read: a file, or, for a worker in the background, one not
    written yet in a folder that exists (Copilot CLI may create `session-state/<id>/events.jsonl`
    only after its agentStop hook: the worker waits for it, live_ingest.LATE_SECONDS). A hook that
    waits for its worker does not wait for a file that may never come."""
    if os.path.isfile(transcript):
        return True
    if foreground() or not os.path.isabs(transcript) or os.path.exists(transcript):
        return False
    return os.path.isdir(os.path.dirname(os.path.dirname(transcript)))


def queue_folder(db: str) -> str:
    """The folder of the ingest queue and its lock: the store's."""
    return os.path.dirname(os.path.abspath(db))


def queue(db: str, path: str) -> None:
    """Add `path` to the ingest queue (one line; appends of one line are atomic)."""
    folder = queue_folder(db)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, QUEUE_FILE), "a", encoding="utf-8") as handle:
        handle.write(os.path.abspath(path) + "\n")


def _worker(db: str) -> tuple[list[str], dict[str, str]]:
    """The ingest worker's command line and environment (the store it empties the queue of)."""
    return worker_command(WORKER_MODULE, db)


def _run_worker(db: str) -> None:
    """Run a worker and wait for it, within the hook's time budget (when the budget runs out the
    worker is stopped; the next one takes what is left). Bandit is left out, whatever the
    configuration says (the hook's time budget)."""
    import subprocess

    argv, env = _worker(db)
    subprocess.run(
        [*argv, "--no-bandit"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        close_fds=True,
        check=False,
    )


def _spawn_worker(db: str) -> None:
    """Start a worker unless one is running (it will take the new path in its next round)."""
    if lock_held(os.path.join(queue_folder(db), LOCK_FILE)):
        return
    spawn_detached(*_worker(db))


# Starting a hook's background worker (the ingest worker here, the learning worker of PostToolUse:
# learning/live/in_session.py): a process of its own that outlives the hook, so the agent never waits for it.


def foreground() -> bool:
    """Whether the hook waits for its worker's work ($LESSONLOOP_HOOK_FOREGROUND=1)."""
    return os.environ.get(ENV_FOREGROUND) == "1"


def worker_command(module: str, db: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of the worker `python -I -m module` on the store `db`
    (the interpreter running this hook, so the same installation)."""
    return [sys.executable, "-I", "-m", module], dict(os.environ, LESSONLOOP_DB=db)


def lock_held(lock_path: str) -> bool:
    """Whether a worker holds the lock file at `lock_path` (an exclusive flock). Testing takes the
    lock for a moment when it is free: a worker must wait for its lock (a blocking flock), not
    give up when it finds it taken."""
    import fcntl

    try:
        handle = open(lock_path, "a")  # noqa: SIM115 - held only for the test below
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        handle.close()  # closing releases the lock when we got it
    return False


def spawn_detached(argv: list[str], env: dict[str, str]) -> None:
    """Start `argv` and do not wait for it: in a session of its own, its standard streams on
    /dev/null, no descriptor of the hook's but those (os.posix_spawn where it can, else Popen)."""
    if _posix_spawn(argv, env):
        return
    import subprocess

    subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
        close_fds=True,
    )


def _posix_spawn(argv: list[str], env: dict[str, str]) -> bool:
    """Start `argv` as `spawn_detached` says with os.posix_spawn; False where it cannot (no posix_spawn,
    no setsid for it, no /proc/self/fd to find the descriptors to close), and the caller uses
    Popen."""
    spawn = getattr(os, "posix_spawn", None)
    if spawn is None or not os.path.isdir("/proc/self/fd"):
        return False
    import _signal  # type: ignore[import-not-found]  # the C module: `signal` imports enum

    actions: list[tuple[int, ...] | tuple[int, int, str, int, int]] = [
        (os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)
    ]
    for name in os.listdir("/proc/self/fd"):  # close_fds: every other inheritable descriptor
        fd = int(name)
        if fd > 2:
            try:
                if os.get_inheritable(fd):
                    actions.append((os.POSIX_SPAWN_CLOSE, fd))
            except OSError:
                pass  # the listing's own descriptor, closed since
    # Popen's restore_signals: what Python ignores, back to the default in the child
    restored = [getattr(_signal, name) for name in ("SIGPIPE", "SIGXFZ", "SIGXFSZ") if hasattr(_signal, name)]
    try:
        spawn(argv[0], argv, env, file_actions=actions, setsid=True, setsigdef=restored)
    except NotImplementedError:  # setsid not supported by this platform's posix_spawn
        return False
    return True
