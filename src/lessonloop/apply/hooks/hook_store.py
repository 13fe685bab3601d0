"""The store as the hooks use it: a plain sqlite3 connection, short lock waits, one small write
transaction per event, and the session's project remembered after its first event.

Reading handlers (PreToolUse, UserPromptSubmit) never create or migrate the store: no store
means no lessons. Writing handlers create it, or bring its schema up to date, through
store.connection (imported only then).

An event's writes (`record`) are named operations ("session", "decision", "call": `APPLIERS`) so
that, when the store's write lock is taken, they can wait in the spool (spool.py) and be
applied later by whichever process holds the lock next: contention delays a write, it never
loses it.
"""

from __future__ import annotations

import json
import os
import sqlite3

from lessonloop.core.timestamps import utc_now
from lessonloop.store import hooks as hook_tables
from lessonloop.store.location import SPOOL_FOLDER, beside
from lessonloop.store.transaction import StoreError, transaction

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:  # annotations only: importing collections.abc costs the hook time
    from collections.abc import Callable, Iterable

    from lessonloop.apply.hooks.entry import HookContext

# Set by the installed entry point (entry.run), which ends the process with os._exit once the
# answer is out and the records are committed: the hook's connections are then left open (`release`)
# and the process's end closes them as a killed process's would: nothing is lost (WAL mode: the
# committed records are in the -wal file, which the next connection reads), and SQLite does not
# checkpoint the -wal into the store and delete it, as the last connection to close does. That
# checkpoint (its fsync of the -wal and of the store) and the next hook's new -wal (whose header
# is synced when it is written) cost every hook three to four fsyncs: about a millisecond on an idle
# disk, tens on a busy one. The -wal is kept short instead: once it holds WAL_PAGES pages, the hook
# that finds it so checkpoints it and empties it (TRUNCATE, without waiting: when another process
# holds the store, a later hook does it); the next process reads what it holds when it opens the
# store (the first connection rebuilds the -wal's index: about a microsecond a page). (SQLite's own
# autocheckpoint would not empty it: a process that rebuilt the index cannot know what was
# checkpointed before, so the -wal would only grow.)
LEAVE_OPEN = [False]
WAL_PAGES = 64

# Milliseconds a hook waits for another process's write lock before it leaves its event's writes in
# the spool (`record`). Each write holds the lock for about a millisecond, but with 20 hooks writing
# at once on a loaded machine a wait can last seconds (tests/apply/test_hooks_concurrency.py): the spool,
# not a longer wait, is what keeps those events.
WAIT_MS = {"PreToolUse": 500, "UserPromptSubmit": 500}
DEFAULT_WAIT_MS = 1000


class NoStore(Exception):
    """There is no store yet (reading handlers then have nothing to say)."""


def connect(db: str, wait_ms: int = DEFAULT_WAIT_MS) -> sqlite3.Connection:
    """A connection to the existing store at `db` (autocommit; writers use `write`). A store this
    process cannot write (the file or its folder read-only) is opened read-only (`query_only`,
    store/read_only.py): its lessons are still read and given; each write then fails with the
    store's read-only error, which the hook logs (`lessonloop hooks status`) once its answer is out."""
    if not os.path.exists(db):
        raise NoStore(db)
    if not writable(db):
        from pathlib import Path

        from lessonloop.store.read_only import open_read_only

        return open_read_only(Path(db), wait_ms)
    conn = sqlite3.connect(db, timeout=wait_ms / 1000, isolation_level=None)  # timeout: SQLite's busy timeout
    hook_tables.commit_without_fsync(conn)
    return conn


def release(conn: sqlite3.Connection, db: str) -> None:
    """Done with `conn` to the store at `db`: closed, or left open in a hook process run as
    installed (LEAVE_OPEN: see there), after emptying the -wal when it holds WAL_PAGES pages or
    more. A connection within a transaction is closed (which rolls it back)."""
    if not LEAVE_OPEN[0] or conn.in_transaction:
        conn.close()
        return
    try:
        size = os.path.getsize(f"{db}-wal")
    except OSError:
        return
    if size >= WAL_PAGES * 4096 and not hook_tables.read_only(conn):
        try:
            hook_tables.set_lock_wait(conn, 0)
            hook_tables.empty_wal(conn)
        except sqlite3.Error:
            pass  # another process holds the store: a later hook empties it


def spool_waiting(db: str) -> bool:
    """Whether hook events wait in the spool for the store's write lock (its folder exists only
    while they do: spool.py)."""
    return os.path.isdir(beside(db, SPOOL_FOLDER))


def writable(db: str) -> bool:
    """Whether this process may write the store file and its folder (SQLite makes the -wal and
    -shm files there); two access(2) calls, false on a read-only file system for root too."""
    return os.access(db, os.W_OK) and os.access(os.path.dirname(os.path.abspath(db)), os.W_OK)


def read_only(conn: sqlite3.Connection) -> bool:
    """Whether `conn` was opened read-only (`connect` on a store it cannot write)."""
    return hook_tables.read_only(conn)


def connect_for_writing(db: str, wait_ms: int = DEFAULT_WAIT_MS) -> sqlite3.Connection:
    """A connection to the store at `db`, created or migrated first when needed
    (store/connection.py, imported only by the handlers that write, when they do). An existing
    store this process cannot write is opened read-only (`connect`): what it holds is still read."""
    if os.path.exists(db) and not writable(db):
        return connect(db, wait_ms)
    from lessonloop.store.connection import connect_for_writing as open_for_writing

    conn = open_for_writing(db, wait_ms)
    # Its commits wait for no fsync, as `connect`'s and every other connection's of the store
    # (an up-to-date store is opened as it is there, with SQLite's default FULL: an fsync each).
    hook_tables.commit_without_fsync(conn)
    return conn


def write(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], object]) -> object:
    """Run `work` in one BEGIN IMMEDIATE transaction (store/transaction.py): all of it is stored,
    or none. For writes that may be dropped when the store is busy (live learning); an event's
    own writes go through `record`."""
    with transaction(conn):
        return work(conn)


# The operations an event's writes are made of: kind -> (module, function(conn, data)).
APPLIERS = {
    "session": ("lessonloop.apply.hooks.hook_store", "apply_session"),
    "decision": ("lessonloop.apply.hooks.hook_store", "apply_decision"),
    "call": ("lessonloop.apply.hooks.post_tool", "apply_call"),
    "state": ("lessonloop.apply.hooks.hook_store", "apply_state"),
}
Op = tuple[str, dict[str, object]]


def apply_op(conn: sqlite3.Connection, kind: str, data: dict[str, object]) -> object:
    """Apply one operation (inside the caller's transaction)."""
    module, name = APPLIERS[kind]
    return getattr(__import__(module, fromlist=[name]), name)(conn, data)


def record(conn: sqlite3.Connection, db: str, ops: list[Op], wait: int) -> list[object] | None:
    """Store an event's writes `ops` in one transaction, after whatever waits in the spool (older
    events first). When the write lock is taken, the ops go to the spool first, then the lock is
    awaited for `wait` ms: got, everything waiting (these ops too) is applied now; not got, the
    next process holding the lock applies them. Returns the ops' results when they were applied
    here and now, None when they were left to the spool (or applied from it). A store that is
    full, read-only or damaged raises StoreError (the hook logs it; the ops are not kept)."""
    if read_only(conn):  # `connect` opened a store this process cannot write: its lessons were read
        raise StoreError(
            f"the store {db} cannot be written, it is read-only (the file or its folder): its lessons are still "
            f"given, but this event's record ({', '.join(kind for kind, _ in ops)}) was not stored",
            path=db,
            cause="read-only",
        )
    spooled = False
    waiting = spool_waiting(db)
    try:
        for timeout in (0, wait):
            hook_tables.set_lock_wait(conn, timeout)
            done: list[str] = []
            problems: list[str] = []
            try:
                with transaction(conn, db):
                    if waiting:  # the spool module only when there is a spool (the usual case: none)
                        from lessonloop.apply.hooks import spool

                        done, problems = spool.apply_pending(conn, db, apply_op)
                    results = None if spooled else [apply_op(conn, kind, data) for kind, data in ops]
            except StoreError as exc:
                if exc.cause != "locked":
                    raise
                if not spooled:
                    from lessonloop.apply.hooks import spool

                    if ops:  # (none: only what waits was to be stored)
                        spool.put(db, ops)
                    spooled = waiting = True
                continue
            if waiting:
                from lessonloop.apply.hooks import spool

                spool.remove(db, done)
            if problems:
                from lessonloop.apply.hooks.failures import log_failure

                for problem in problems:
                    log_failure(db, "spool", None, problem)
            return results
        return None
    finally:
        hook_tables.set_lock_wait(conn, wait)


def spool_only(db: str, ops: list[Op]) -> None:
    """Leave `ops` to the spool: the store could not even be opened for writing (its schema being
    brought up to date by a process that holds the lock)."""
    from lessonloop.apply.hooks import spool

    spool.put(db, ops)


def wait_ms(ctx: HookContext) -> int:
    """How long this event waits for a lock: its own limit, or $LESSONLOOP_BUSY_TIMEOUT_MS when lower."""
    limit = WAIT_MS.get(ctx.event, DEFAULT_WAIT_MS)
    try:
        return min(limit, int(os.environ.get("LESSONLOOP_BUSY_TIMEOUT_MS", limit)))
    except ValueError:
        return limit


FILE_KEYS = ("file_path", "notebook_path", "path")  # where a tool's input names its file


def call_target(tool_input: dict[str, object]) -> str | None:
    """The file a tool call names in its input (PreToolUse matches triggers on it, PostToolUse stores it)."""
    for key in FILE_KEYS:
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def on_disk(path: str, cwd: str | None) -> str:
    """A path a call names, as the file on disk: a relative one is under the session's folder."""
    return path if os.path.isabs(path) or not cwd else os.path.join(cwd, path)


def text_of(payload: dict[str, object], key: str) -> str | None:
    value = payload.get(key)
    return value if isinstance(value, str) and value else None


def session_project(
    conn: sqlite3.Connection, payload: dict[str, object], policy: HookPolicy, db: str, agent: str | None = None
) -> str | None:
    """The project of the payload's session: the one learning placed its ingested transcript in,
    else the one remembered from an earlier event, else resolved from its cwd now
    (`folder_project`) and remembered when `policy` allows storing this session (no wait for the
    write lock: left to the spool when it is taken, the event's own write follows). A session
    whose first event had no folder (a Stop) gets its project at its next event that has one.
    `agent`: the store's id of the hook's agent (HookContext.agent_id), kept with the session."""
    session_id = text_of(payload, "session_id")
    cwd = text_of(payload, "cwd")
    if session_id is not None:
        row = hook_tables.remembered_project(conn, session_id)
        if row is not None:
            return row[0]
    project = folder_project(cwd, policy, conn) if cwd else None
    if session_id is not None and policy.allows(project, cwd) and not read_only(conn):
        # (A read-only store: the event's own record, after the answer, fails and is logged.)
        record(conn, db, [first_seen(payload, project, agent)], 0)
    return project


def first_seen(payload: dict[str, object], project: str | None, agent: str | None = None) -> Op:
    """The "session" operation of a session's first event: its row, unless it has one (`agent`:
    the store's id of the hook's agent; None: the default agent)."""
    data: dict[str, object] = {
        "mode": "first",
        "session_id": text_of(payload, "session_id"),
        "project": project,
        "cwd": text_of(payload, "cwd"),
        "transcript_path": text_of(payload, "transcript_path"),
        "ts": utc_now(),
        "agent": agent,
    }
    return ("session", data)


def record_later(ctx: HookContext, conn: sqlite3.Connection, ops: list[Op]) -> None:
    """`record` the ops once the answer is out (HookContext.after_answer), then `release` `conn`."""

    def work() -> None:
        try:
            record(conn, ctx.db, ops, wait_ms(ctx))
        finally:
            release(conn, ctx.db)

    ctx.after_answer(work)


def apply_state(conn: sqlite3.Connection, data: dict[str, object]) -> None:
    """The "state" operation: a session's state kept for its next pre-tool call (pre_tool.py's
    session_state); nothing for a session a person forgot."""
    if forgotten(conn, str(data.get("session_id"))):
        return
    hook_tables.keep_state(conn, data)


def apply_session(conn: sqlite3.Connection, data: dict[str, object]) -> None:
    """The "session" operation: a hook_sessions row written as `data["mode"]` says (first, start, end);
    nothing for a session a person forgot (perhaps while this waited in the spool)."""
    values = {name: data.get(name) for name in hook_tables.SESSION_FIELDS}
    if forgotten(conn, str(values["session_id"])):
        return
    hook_tables.write_session(conn, str(data.get("mode", "first")), values)


def folder_project(cwd: str, policy: HookPolicy, store: sqlite3.Connection | str | None = None) -> str:
    """The project of the folder `cwd` as ingest places it (store/projects/lookup.py): a
    [projects] mapping of the configuration (from the policy's cache: no TOML parsed here), else
    the git root (a worktree's main tree), else, for a folder that no longer exists, the placement
    the store holds (`store`: a connection or the store's path), else the folder."""
    from lessonloop.store.projects.lookup import project_of_folder

    return project_of_folder(cwd, policy.project_mappings, store=store)


def decision(
    session_id: str,
    event: str,
    action: str,
    lesson_ids: Iterable[int] = (),
    tool_use_id: str | None = None,
    detail: dict[str, object] | None = None,
    *,
    count_warnings: bool = False,
) -> Op:
    """The "decision" operation: one hook_decisions row, decided now; with `count_warnings`, one
    more warning on each lesson given (PreToolUse)."""
    data: dict[str, object] = {
        "session_id": session_id,
        "event": event,
        "action": action,
        "lessons": list(lesson_ids),
        "tool_use_id": tool_use_id,
        "detail": detail,
        "ts": utc_now(),
        "count_warnings": count_warnings,
    }
    return ("decision", data)


def apply_decision(conn: sqlite3.Connection, data: dict[str, object]) -> None:
    """Store a "decision" operation (inside the caller's transaction); nothing for a forgotten session."""
    if forgotten(conn, str(data["session_id"])):
        return
    found = data.get("lessons")
    ids = [int(i) for i in found] if isinstance(found, list) else []
    detail = data.get("detail")
    hook_tables.insert_decision(
        conn,
        data["session_id"],
        data["event"],
        data.get("tool_use_id"),
        data.get("ts") or utc_now(),
        data["action"],
        json.dumps(ids) if ids else None,
        json.dumps(detail, ensure_ascii=False) if detail else None,
    )
    if ids and data.get("count_warnings"):
        hook_tables.count_warnings(conn, ids)


def injected_lessons(conn: sqlite3.Connection, session_id: str) -> set[int]:
    """The lessons already given to this session's context (SessionStart, UserPromptSubmit)."""
    seen: set[int] = set()
    for lessons in hook_tables.injected_lesson_lists(conn, session_id):
        seen.update(int(i) for i in json.loads(lessons))
    return seen


CONFIG_CACHE = "hook-config-cache.json"
CACHE_FORMAT = 4  # part of the cache's stamp: a cache written by another version is rebuilt


class HookPolicy:
    """What the configuration lets the hooks do (capture.* and lessons.exclude_categories) and
    its [projects] mappings, read from a JSON cache next to the store that is rebuilt whenever
    the configuration file changes (its size or modification time): parsing TOML on every tool
    call would cost milliseconds. A configuration that cannot be read stores nothing: when in doubt, capture
    nothing."""

    __slots__ = ("data", "problem")

    def __init__(self, data: dict[str, object], problem: str | None = None) -> None:
        self.data = data
        self.problem = problem
        if data.get("scrub_pii") is True:  # privacy.scrub_pii_store: what the hooks store too
            from lessonloop.secrets.redaction import set_pii

            set_pii(True)

    @property
    def enabled(self) -> bool:
        return self.data.get("enabled", True) is True

    def allows_every_project(self) -> bool:
        """Whether every session may be stored, whatever its project (capture on, no project
        excluded): `allows` is then true without the project."""
        return self.enabled and not self.data.get("exclude_projects")

    def allows(self, project: str | None, cwd: str | None) -> bool:
        """Whether this session may be stored (capture on, the project not excluded)."""
        if not self.enabled:
            return False
        if not self.data.get("exclude_projects"):
            return True
        from lessonloop.capture.privacy import CapturePolicy

        return CapturePolicy.from_json(self.data).allows(project, cwd)

    @property
    def project_mappings(self) -> list[tuple[str, str]]:
        """The configuration's `[projects]` entries, (folder pattern, project)."""
        found = self.data.get("project_mappings")
        if not isinstance(found, list):
            return []
        return [(str(m[0]), str(m[1])) for m in found if isinstance(m, list) and len(m) == 2]

    @property
    def exclude_categories(self) -> tuple[str, ...]:
        found = self.data.get("exclude_categories")
        return tuple(str(c).strip().lower() for c in found) if isinstance(found, list) else ()

    @property
    def review(self) -> bool:
        """Whether new lessons wait for review (`lessons.review`); in doubt (no readable
        configuration), they do."""
        return self.problem is not None or self.data.get("review", False) is True

    def allows_category(self, category: str | None) -> bool:
        excluded = self.exclude_categories
        return not excluded or category is None or category.strip().lower() not in excluded

    def stored_result(self, text: str | None) -> str | None:
        return text if self.data.get("store_tool_output", True) is True else None

    def stored_input(self, tool: str, tool_input: dict[str, object]) -> dict[str, object]:
        if self.data.get("store_diffs", True) is True:
            return tool_input
        from lessonloop.capture.privacy import CapturePolicy

        cleaned = CapturePolicy.from_json(self.data).tool_input(tool, tool_input)
        return cleaned if isinstance(cleaned, dict) else tool_input


def hook_policy(db: str) -> HookPolicy:
    """The configuration's policy for the hooks (see HookPolicy), through the cache."""
    from lessonloop.core.config_location import config_path

    path = config_path()
    try:
        info = os.stat(path)
        stamp: list[object] | None = [CACHE_FORMAT, path, info.st_mtime_ns, info.st_size]
    except FileNotFoundError:
        stamp = [CACHE_FORMAT, path, None, None]
    except OSError as exc:
        return HookPolicy({"enabled": False}, f"cannot read the configuration {path}: {exc.strerror or exc}")
    cache = os.path.join(os.path.dirname(os.path.abspath(db)), CONFIG_CACHE)
    try:
        with open(cache, encoding="utf-8") as handle:
            cached = json.load(handle)
        if isinstance(cached, dict) and cached.get("stamp") == stamp and isinstance(cached.get("policy"), dict):
            return HookPolicy(cached["policy"])
    except (OSError, ValueError):
        pass
    from lessonloop.capture.privacy import CapturePolicy
    from lessonloop.settings.config import ConfigError, load_config

    try:
        config = load_config(path)
    except ConfigError as exc:
        return HookPolicy({"enabled": False}, str(exc))
    policy = CapturePolicy.from_config(config).to_json()
    policy["project_mappings"] = [list(mapping) for mapping in config.project_mappings]
    policy["review"] = config.lessons.review
    temporary = f"{cache}.{os.getpid()}"
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        with open(temporary, "w", encoding="utf-8") as handle:  # a full disk fails the write, not the open
            json.dump({"stamp": stamp, "policy": policy}, handle)
        os.replace(temporary, cache)
    except OSError:  # no cache: the configuration is read again next time
        try:  # noqa: SIM105 - contextlib costs the hooks an import
            os.unlink(temporary)  # and no half-written file is left behind
        except OSError:
            pass
    return HookPolicy(policy)


def forgotten(conn: sqlite3.Connection, session_id: str) -> bool:
    """Whether a person forgot this session (`lessonloop forget`): nothing of it is stored again."""
    try:
        return hook_tables.is_forgotten(conn, session_id)
    except sqlite3.OperationalError:
        return False  # a store from before forgetting existed
