"""Reads that are fresh by themselves (issue 62): `stats`, `sessions`, `show`, `report` and `search`
first capture what the agents wrote since the last capture, in their own process, then answer.

A look first, cheap enough for every read: the folders discovery last looked in (the agents'
places and each folder between them and a file found there: store/capture_watch.py) and every
file the store has read, by their modification times and sizes (one `stat` each, no adapter
imported). Nothing changed: the read goes on. A known file grew or changed: only it is read again
(its new bytes). A watched folder changed (a new file or folder in it), or what chose the places
did (the environment, the configured paths, the folders the store knows: a digest): discovery
looks again, as `lessonloop ingest` does. What was captured is stored whole (sessions, messages,
calls, costs, the search index), but for `stats`, a read of figures alone: a file it reads for the
first time is stored without its texts, which the worker stores (pipeline/texts_later.py); a
read that shows texts stores those of such files first. Analysis and learning follow in the
store's worker (pipeline/background).

A store is what it was made from (issue 81, item 4; store/capture_watch.py): the agents' folders
are looked at only when the store watches them, that is when it was made by discovery (`lessonloop
ingest` without paths, the default store always) or a later `ingest` without paths asked for them.
A store made from named paths (`ingest --db STORE PATH...`) is refreshed from those paths only:
the files it read, and each named file or folder (and each folder between a named folder and a
file found there) by its time, a change there looking at the named paths again. A store with no
record (made before it was kept) watches the agents' folders, as before.

Not refreshed: with `--no-refresh`, with $LESSONLOOP_REFRESH=0, a store this user cannot write
(it is only read), and a store that holds only the bundled sample while no agent's file exists
(the look then finds nothing new anyway). A new Aider history in a folder the store does not know
is found by the next `lessonloop ingest`, as before.
"""

from __future__ import annotations

import os
import sqlite3
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from lessonloop.settings.config import Config

ENV_REFRESH = "LESSONLOOP_REFRESH"
# pipeline/file_parse.py's (a test holds them equal): a file whose last line has no newline yet
# is read again once it has been quiet this long
QUIET_SECONDS = 600.0
# A read does not wait long for the store's write lock to capture what is new (a worker's or an
# ingest's transaction): past this it answers from the store as it is, with a note.
REFRESH_WAIT_MS = 1000


class Look:
    """What changed since the last capture: `full` (discovery must look again), `named` (a path
    named to `ingest` for this store, or a folder below it, changed: they are looked at again) and
    the known files that grew or changed. (Plain classes here: a read imports no dataclasses.)"""

    __slots__ = ("changed", "full", "named")

    def __init__(self) -> None:
        self.full = False
        self.named = False
        self.changed: list[str] = []

    @property
    def anything(self) -> bool:
        return self.full or self.named or bool(self.changed)


class Refreshed:
    """What a read's refresh did (None from `refresh` when it did not look)."""

    __slots__ = ("discovered", "files_read", "problem", "seconds", "sessions", "worker")

    def __init__(self) -> None:
        self.discovered = False
        self.files_read = 0
        self.sessions = 0
        self.worker: dict[str, object] | None = None
        self.seconds = 0.0
        self.problem: str | None = None


def disabled(environ: os._Environ[str] | dict[str, str] | None = None) -> bool:
    """$LESSONLOOP_REFRESH set to 0 (false, no, off)."""
    env = os.environ if environ is None else environ
    return env.get(ENV_REFRESH, "").strip().lower() in ("0", "false", "no", "off")


def look(conn: sqlite3.Connection, configured: tuple[str, ...] = (), *, texts: bool = True) -> Look:
    """What changed since the last capture (see the module's docstring); `texts`: a file stored
    without its texts counts as changed (it is read again whole for them)."""
    from lessonloop.capture.discovery_env import places_digest
    from lessonloop.store.capture_watch import ABSENT, known_files, watch_of
    from lessonloop.store.sessions.places import known_folders

    found = Look()
    watch = watch_of(conn)
    if watch.defaults:  # the agents' own folders (a store made from named paths only does not look there)
        known = known_folders(conn)
        if watch.places_digest is None or watch.places_digest != places_digest(os.environ, configured, known):
            found.full = True
        else:
            found.full = _any_changed(watch.places, ABSENT)
    found.named = _any_changed([(path, mtime_ns) for _kind, path, mtime_ns in watch.named], ABSENT)
    clock = time.time()
    for path, size, mtime_ns, offset, reread, withheld in known_files(conn):
        try:
            info = os.stat(path)
        except OSError:
            continue  # gone: what was stored stays (ingest says so when it looks)
        if reread or (withheld and texts) or info.st_size != size or info.st_mtime_ns != mtime_ns:
            found.changed.append(path)
        elif offset < info.st_size and clock - info.st_mtime_ns / 1e9 >= QUIET_SECONDS:
            found.changed.append(path)  # a last line without its newline, quiet now: read it as whole
    return found


def _any_changed(watched: list[tuple[str, int]], absent: int) -> bool:
    """Whether any watched path's modification time is not the one recorded."""
    for path, mtime_ns in watched:
        try:
            now = os.stat(path).st_mtime_ns
        except OSError:
            now = absent
        if now != mtime_ns:
            return True
    return False


def refresh(conn: sqlite3.Connection, db: str, *, texts: bool = True) -> Refreshed | None:
    """Capture what is new into the store at `db` (open as `conn`) before a read; start the store's
    worker for the analysis and learning that follow. None when it did not look ($LESSONLOOP_REFRESH
    off, a store this user cannot write). `texts` False: a read of figures alone (`stats`), whose
    new files are stored without their texts, which the worker stores (pipeline/ingest.py, "Texts
    later"); True: every text the read may show is stored first."""
    if disabled() or not os.access(db, os.W_OK):
        return None
    started = time.perf_counter()
    configured = _configured_paths()
    try:
        found = look(conn, configured, texts=texts)
    except sqlite3.Error:
        return None  # a store without the watch (read-only, older): read as it is
    done = Refreshed()
    if found.anything:
        from lessonloop.pipeline.ingest_job import IngestRequest, run_ingest_job
        from lessonloop.store.transaction import StoreError, waiting_at_most

        request = IngestRequest(
            sample=False,
            defer=True,
            defer_steps=True,
            discover=found.full,
            named_again=found.named,
            known_changed=tuple(found.changed),
            store_file=None,
            texts_later=not texts,
        )
        try:
            with waiting_at_most(conn, REFRESH_WAIT_MS):
                report = run_ingest_job(conn, request, _config())
        except (StoreError, sqlite3.Error) as exc:
            done.problem = str(exc)  # locked, full: the read goes on with what is stored
        else:
            done.discovered = found.full
            if report.summary is not None:
                done.files_read = report.summary.files_read
                done.sessions = len(report.summary.main_sessions)
            if report.deferred:
                from lessonloop.pipeline.background.lag import lag_of
                from lessonloop.pipeline.background.worker import start_worker

                if lag_of(conn).behind:
                    done.worker = start_worker(db, after_ingest=False).to_json()
    done.seconds = time.perf_counter() - started
    return done


def _config() -> Config | None:
    from lessonloop.settings.config import ConfigError, load_config

    try:
        return load_config()
    except ConfigError:
        return None


def _configured_paths() -> tuple[str, ...]:
    """`[capture] paths` of the configuration, when it has a file (not loaded otherwise)."""
    from lessonloop.core.config_location import config_path

    path = config_path()
    if not os.path.exists(path):
        return ()
    config = _config()
    return tuple(config.capture.paths) if config is not None else ()
