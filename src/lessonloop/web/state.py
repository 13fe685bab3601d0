"""What every request of one server run shares: the store's path (a connection per request,
opened without migrations: the server migrated and redacted the store once at its start), the
guard (token, host names), the templates, and the figures that take long to compute (the
dashboards' statistics and the replay), kept until the store changes."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lessonloop.core.timestamps import utc_now
from lessonloop.report.html.assets import environment
from lessonloop.store import open_store
from lessonloop.web.params import FIELD_LIMITS, QUERY_LIMITS
from lessonloop.web.security import Guard
from lessonloop.web.wing_pages import wing_nav, wing_templates

if TYPE_CHECKING:
    import jinja2

log = logging.getLogger("lessonloop.web")
TEMPLATES = Path(__file__).resolve().parent / "templates"
CACHED_FIGURES = 32  # (kind, project, agent) entries kept at most


def store_version(db: Path) -> tuple[int, ...]:
    """Changes with every write to the store: every commit appends to the write-ahead log or, once
    checkpointed, rewrites the file (their sizes and times, to the nanosecond)."""
    version: list[int] = []
    for path in (db, db.with_name(db.name + "-wal")):
        try:
            info = path.stat()
        except OSError:
            version.extend((-1, -1))
            continue
        version.extend((info.st_mtime_ns, info.st_size))
    return tuple(version)


@dataclass(frozen=True, slots=True)
class Figures:
    """A computed value, the store's version it was computed from, and when."""

    version: tuple[int, ...]
    computed_at: str
    value: Any
    stale: bool = False  # the store changed since; a newer value is being computed


@dataclass
class WebState:
    """One server run's shared state."""

    db: Path
    guard: Guard
    env: jinja2.Environment
    _figures: dict[tuple[Any, ...], Figures] = field(default_factory=dict)
    _locks: dict[tuple[Any, ...], threading.Lock] = field(default_factory=dict)
    _guard_lock: threading.Lock = field(default_factory=threading.Lock)
    embedder: Any = None
    embedder_checked: bool = False

    @contextmanager
    def store(self) -> Iterator[sqlite3.Connection]:
        """A connection for one request."""
        conn = open_store(self.db, migrate=False, redact=False)
        try:
            from lessonloop.store.sessions.totals import settle_for_read

            settle_for_read(conn)  # what a writer left unsettled (store/sessions/totals.py): one query when none
            yield conn
        finally:
            conn.close()

    def figures(self, key: tuple[Any, ...], compute: Callable[[sqlite3.Connection], Any]) -> Figures:
        """`compute(conn)`'s value for `key`, computed again only when the store changed since.
        While it is computed again, the value kept is given at once, marked stale (hooks write to
        the store during every session: a dashboard must not wait seconds at each visit); only
        the first computation is waited for. One computation at a time per key."""
        with self._guard_lock:
            lock = self._locks.setdefault(key, threading.Lock())
            kept = self._figures.get(key)
        version = store_version(self.db)
        if kept is not None and kept.version == version:
            return kept
        if kept is not None:
            if lock.acquire(blocking=False):
                threading.Thread(target=self._refresh, args=(key, compute, lock), daemon=True).start()
            return Figures(kept.version, kept.computed_at, kept.value, stale=True)
        with lock:
            kept = self._figures.get(key)
            if kept is not None:  # computed while this request waited
                return kept
            return self._compute(key, compute)

    def _refresh(
        self, key: tuple[Any, ...], compute: Callable[[sqlite3.Connection], Any], lock: threading.Lock
    ) -> None:
        try:
            self._compute(key, compute)
        except Exception:  # the next request computes it again and reports the failure
            log.exception("computing %s failed", key[0])
        finally:
            lock.release()

    def _compute(self, key: tuple[Any, ...], compute: Callable[[sqlite3.Connection], Any]) -> Figures:
        version = store_version(self.db)  # before reading: a write meanwhile makes it stale at once
        computed_at = utc_now()
        with self.store() as conn:
            value = compute(conn)
        figures = Figures(version, computed_at, value)
        with self._guard_lock:
            if key not in self._figures and len(self._figures) >= CACHED_FIGURES:
                self._figures.pop(next(iter(self._figures)))
            self._figures[key] = figures
        return figures

    def recall_embedder(self, conn: sqlite3.Connection) -> Any:
        """The embedder recall uses (as `lessonloop recall`: the model when installed and the
        store has vectors or learned lessons), loaded once; None when it cannot be (words only).
        Lessons learned since without a vector are given one before each search, as recall does."""
        if not self.embedder_checked:
            from lessonloop.apply.embeddings import EmbeddingError
            from lessonloop.apply.vector_recall import resolve_embedder

            try:
                self.embedder = resolve_embedder(conn, "auto")
            except EmbeddingError:
                self.embedder = None
            self.embedder_checked = True
        elif self.embedder is not None:
            from lessonloop.apply.vector_recall import embed_new_lessons

            embed_new_lessons(conn, self.embedder)
        return self.embedder


def template_environment() -> jinja2.Environment:
    """The web's templates and the wings' over the shared ones (report/html/templates), with the
    lengths the server accepts (params.py) for the forms' maxlength and the wings' header links."""
    env = environment([TEMPLATES, *wing_templates()])
    env.globals["limits"] = {**QUERY_LIMITS, **FIELD_LIMITS}
    env.globals["wing_nav"] = wing_nav()  # the wings' links in the header (base.html)
    return env
