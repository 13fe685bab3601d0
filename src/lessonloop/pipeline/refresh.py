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
    """What changed since the last capture: `full` (discovery must look again) and the known
    files that grew or changed. (Plain classes here: a read imports no dataclasses.)"""

    __slots__ = ("changed", "full")

    def __init__(self) -> None:
        self.full = False
        self.changed: list[str] = []

    @property
    def anything(self) -> bool:
        return self.full or bool(self.changed)


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
    from lessonloop.store.capture_watch import ABSENT, known_files, watched
    from lessonloop.store.sessions.places import known_folders

    found = Look()
    places, folders = watched(conn)
    known = known_folders(conn)
    if places is None or places != places_digest(os.environ, configured, known):
        found.full = True
    else:
        for path, mtime_ns in folders:
            try:
                now = os.stat(path).st_mtime_ns
            except OSError:
                now = ABSENT
            if now != mtime_ns:
                found.full = True
                break
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
