"""The store as the hooks use it: a plain sqlite3 connection, short lock waits, one small write
transaction per event, and the session's project remembered after its first event.

Reading handlers (PreToolUse, UserPromptSubmit) never create or migrate the store: no store
means no lessons. Writing handlers create it, or bring its schema up to date, through
store.connection (imported only then).
"""

from __future__ import annotations

import json
import os
import sqlite3

from lessonloop.store.transaction import transaction
from lessonloop.timestamps import utc_now

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:  # annotations only: importing collections.abc costs the hook time
    from collections.abc import Callable, Iterable

    from lessonloop.apply.hooks.entry import HookContext

# Milliseconds a hook waits for another process's write lock before giving up (fail open). Each
# write holds the lock for about a millisecond, so these are reached only when something holds it
# for long (a big ingest's transaction), never by parallel hooks: see tests/test_hooks_concurrency.py.
WAIT_MS = {"PreToolUse": 2500, "UserPromptSubmit": 2500}
DEFAULT_WAIT_MS = 4000


class NoStore(Exception):
    """There is no store yet (reading handlers then have nothing to say)."""


def connect(db: str, wait_ms: int = DEFAULT_WAIT_MS) -> sqlite3.Connection:
    """A connection to the existing store at `db` (autocommit; writers use `write`)."""
    if not os.path.exists(db):
        raise NoStore(db)
    return sqlite3.connect(db, timeout=wait_ms / 1000, isolation_level=None)  # timeout: SQLite's busy timeout


def connect_for_writing(db: str, wait_ms: int = DEFAULT_WAIT_MS) -> sqlite3.Connection:
    """A connection to the store at `db`, created or migrated first when needed."""
    from pathlib import Path

    from lessonloop.store.connection import open_store
    from lessonloop.store.migrations import MIGRATIONS

    if os.path.exists(db):
        conn = connect(db, wait_ms)
        try:
            latest = MIGRATIONS[-1].__name__
            if conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (latest,)).fetchone():
                return conn
        except sqlite3.OperationalError:
            pass  # no _migrations table: a store from before migrations were recorded, or empty
        conn.close()
    return open_store(Path(db), timeout_ms=wait_ms, redact=False)  # the pass is for the CLI: too slow here


def write(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], object]) -> object:
    """Run `work` in one BEGIN IMMEDIATE transaction (store/transaction.py): all of it is stored,
    or none."""
    with transaction(conn):
        return work(conn)


def wait_ms(ctx: HookContext) -> int:
    """How long this event waits for a lock: its own limit, or $LESSONLOOP_BUSY_TIMEOUT_MS when lower."""
    limit = WAIT_MS.get(ctx.event, DEFAULT_WAIT_MS)
    try:
        return min(limit, int(os.environ.get("LESSONLOOP_BUSY_TIMEOUT_MS", limit)))
    except ValueError:
        return limit


def text_of(payload: dict[str, object], key: str) -> str | None:
    value = payload.get(key)
    return value if isinstance(value, str) and value else None


def session_project(conn: sqlite3.Connection, payload: dict[str, object], policy: HookPolicy) -> str | None:
    """The project of the payload's session: remembered from its first event, else resolved from
    its cwd now (config mappings, then the git root) and remembered when `policy` allows storing
    this session."""
    session_id = text_of(payload, "session_id")
    cwd = text_of(payload, "cwd")
    if session_id is not None:
        row = conn.execute("SELECT project FROM hook_sessions WHERE session_id = ?", (session_id,)).fetchone()
        if row is not None:
            return row[0] if row[0] is not None else None
    project = resolve_project(cwd) if cwd else None
    if session_id is not None and policy.allows(project, cwd):
        write(
            conn,
            lambda c: c.execute(
                """INSERT INTO hook_sessions (session_id, project, cwd, transcript_path, started_at, last_event_at)
                   VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO NOTHING""",
                (session_id, project, cwd, text_of(payload, "transcript_path"), utc_now(), utc_now()),
            ),
        )
    return project


def resolve_project(cwd: str) -> str:
    """The project of the folder `cwd` as ingest places it: a [projects] mapping of the config,
    else the git root (a worktree's main tree), else the folder."""
    from lessonloop.capture.projects import compile_mappings, mapped_project, project_for_cwd
    from lessonloop.config import ConfigError, load_config

    home = os.path.expanduser("~")
    try:
        mappings = compile_mappings(load_config().project_mappings, home)
    except ConfigError:
        mappings = ()
    return mapped_project(cwd, mappings, home) or project_for_cwd(cwd)


def record_decision(
    conn: sqlite3.Connection,
    session_id: str,
    event: str,
    action: str,
    lesson_ids: Iterable[int] = (),
    tool_use_id: str | None = None,
    detail: dict[str, object] | None = None,
) -> None:
    """One hook_decisions row (the caller holds the transaction)."""
    ids = list(lesson_ids)
    conn.execute(
        "INSERT INTO hook_decisions (session_id, event, tool_use_id, ts, action, lessons, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            session_id,
            event,
            tool_use_id,
            utc_now(),
            action,
            json.dumps(ids) if ids else None,
            json.dumps(detail, ensure_ascii=False) if detail else None,
        ),
    )


def injected_lessons(conn: sqlite3.Connection, session_id: str) -> set[int]:
    """The lessons already given to this session's context (SessionStart, UserPromptSubmit)."""
    seen: set[int] = set()
    for (lessons,) in conn.execute(
        "SELECT lessons FROM hook_decisions WHERE session_id = ? AND action = 'inject' AND lessons IS NOT NULL",
        (session_id,),
    ):
        seen.update(int(i) for i in json.loads(lessons))
    return seen


CONFIG_CACHE = "hook-config-cache.json"


class HookPolicy:
    """What the configuration lets the hooks do (capture.* and lessons.exclude_categories),
    read from a JSON cache next to the store that is rebuilt whenever the configuration file
    changes (its size or modification time): parsing TOML on every tool call would cost
    milliseconds. A configuration that cannot be read stores nothing: when in doubt, capture
    nothing."""

    __slots__ = ("data", "problem")

    def __init__(self, data: dict[str, object], problem: str | None = None) -> None:
        self.data = data
        self.problem = problem

    @property
    def enabled(self) -> bool:
        return self.data.get("enabled", True) is True

    def allows(self, project: str | None, cwd: str | None) -> bool:
        """Whether this session may be stored (capture on, the project not excluded)."""
        if not self.enabled:
            return False
        if not self.data.get("exclude_projects"):
            return True
        from lessonloop.capture.privacy import CapturePolicy

        return CapturePolicy.from_json(self.data).allows(project, cwd)

    @property
    def exclude_categories(self) -> tuple[str, ...]:
        found = self.data.get("exclude_categories")
        return tuple(str(c).strip().lower() for c in found) if isinstance(found, list) else ()

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
    from lessonloop.config_location import config_path

    path = config_path()
    try:
        info = os.stat(path)
        stamp: list[object] | None = [path, info.st_mtime_ns, info.st_size]
    except FileNotFoundError:
        stamp = [path, None, None]
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
    from lessonloop.config import ConfigError

    try:
        policy = CapturePolicy.load(path).to_json()
    except ConfigError as exc:
        return HookPolicy({"enabled": False}, str(exc))
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        temporary = f"{cache}.{os.getpid()}"
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"stamp": stamp, "policy": policy}, handle)
        os.replace(temporary, cache)
    except OSError:
        pass  # no cache: read the configuration again next time
    return HookPolicy(policy)


def forgotten(conn: sqlite3.Connection, session_id: str) -> bool:
    """Whether a person forgot this session (`lessonloop forget`): nothing of it is stored again."""
    try:
        return (
            conn.execute("SELECT 1 FROM forgotten_sessions WHERE session_id = ?", (session_id,)).fetchone() is not None
        )
    except sqlite3.OperationalError:
        return False  # a store from before forgetting existed
