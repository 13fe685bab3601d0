"""What every request of one server run shares: the store's path (a connection per request,
opened without migrations: the server migrated and redacted the store once at its start), the
guard (token, host names), the templates, and the figures that take long to compute (the
dashboards' statistics and the replay), kept until the store changes."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lessonloop.web.security import Guard

if TYPE_CHECKING:
    import jinja2

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


@dataclass
class WebState:
    """One server run's shared state."""

    db: Path
    guard: Guard
    env: jinja2.Environment
    _figures: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = field(default_factory=dict)
    _locks: dict[tuple[Any, ...], threading.Lock] = field(default_factory=dict)
    _guard_lock: threading.Lock = field(default_factory=threading.Lock)
    embedder: Any = None
    embedder_checked: bool = False

    @contextmanager
    def store(self) -> Iterator[sqlite3.Connection]:
        """A connection for one request."""
        from lessonloop.store import open_store

        conn = open_store(self.db, migrate=False, redact=False)
        try:
            yield conn
        finally:
            conn.close()

    def figures(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """`compute()`'s value for `key`, computed again only when the store changed since; one
        computation at a time per key (a second request waits for the first's answer)."""
        with self._guard_lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            version = store_version(self.db)
            kept = self._figures.get(key)
            if kept is not None and kept[0] == version:
                return kept[1]
            value = compute()
            with self._guard_lock:
                if len(self._figures) >= CACHED_FIGURES:
                    self._figures.pop(next(iter(self._figures)))
                self._figures[key] = (version, value)
            return value

    def recall_embedder(self, conn: sqlite3.Connection) -> Any:
        """The embedder recall uses (as `lessonloop recall`: the model when installed and the
        store has vectors), loaded once; None when it cannot be (words only)."""
        if not self.embedder_checked:
            from lessonloop.apply.embeddings import EmbeddingError
            from lessonloop.apply.recall import resolve_embedder

            try:
                self.embedder = resolve_embedder(conn, "auto")
            except EmbeddingError:
                self.embedder = None
            self.embedder_checked = True
        return self.embedder


def template_environment() -> jinja2.Environment:
    """The web's templates over the shared ones (report/html/templates)."""
    from lessonloop.report.html.assets import environment

    return environment([TEMPLATES])
