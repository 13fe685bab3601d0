"""Recall's vector half: the lessons' stored vectors as a cached VectorIndex, the embedder to use
("auto": the configured model, only when some lesson has a vector or lessons were learned, the
lessons without a vector given one first), and the nearest lessons to a text among those a
filter lets through. apply/recall.py imports it only when an embedder may be
used: the hooks search words alone and never load it."""

from __future__ import annotations

import os
import sqlite3
from collections import OrderedDict

from lessonloop.store.lessons import recall as reads

TYPE_CHECKING = False
if TYPE_CHECKING:
    import threading
    from collections.abc import Sequence
    from typing import Any, Literal

    from lessonloop.apply.embeddings import Embedder
    from lessonloop.apply.vector_index import VectorIndex
    from lessonloop.store.lessons.recall import LessonFilter

VECTOR_OVERFETCH = 4  # nearest vectors looked at per candidate wanted, before the filters


class _CachedIndex:
    """conn: held, so that its id() is not reused by another connection while cached; gate: PRAGMA
    data_version and total_changes (nothing written since, by anyone); content: the lessons'
    vectors of the model (count, max(updated_at), total bytes)."""

    __slots__ = ("conn", "content", "gate", "index")

    def __init__(
        self, conn: sqlite3.Connection, gate: tuple[int, int], content: tuple[Any, ...], index: VectorIndex | None
    ) -> None:
        self.conn = conn
        self.gate = gate
        self.content = content
        self.index = index


_INDEX_CACHE: OrderedDict[tuple[int, str], _CachedIndex] = OrderedDict()
_INDEX_CACHE_SIZE = 4
_INDEX_LOCKS: list[threading.Lock] = []  # one lock, made on first use (threading is not imported before)


def _index_lock() -> threading.Lock:
    if not _INDEX_LOCKS:
        import threading

        _INDEX_LOCKS.append(threading.Lock())
    return _INDEX_LOCKS[0]


def vector_index(conn: sqlite3.Connection, model_id: str, dim: int) -> VectorIndex | None:
    """The stored vectors of `model_id` as a VectorIndex (None when no lesson has one), cached.

    The cache is checked with PRAGMA data_version and total_changes (free); after a write it
    compares the vectors' count, latest updated_at and size, and rebuilds only if they changed.
    """
    from lessonloop.apply.vector_index import VectorIndex

    key = (id(conn), model_id)
    gate = (reads.data_version(conn), conn.total_changes)
    with _index_lock():
        cached = _INDEX_CACHE.get(key)
        if cached is not None and cached.conn is conn:
            if cached.gate == gate:
                _INDEX_CACHE.move_to_end(key)
                return cached.index
            content = reads.vector_content(conn, model_id)
            if content == cached.content and (cached.index is None or cached.index.dim == dim):
                cached.gate = gate
                _INDEX_CACHE.move_to_end(key)
                return cached.index
        else:
            content = reads.vector_content(conn, model_id)
        index: VectorIndex | None = None
        if content[0]:
            index = VectorIndex(reads.model_vectors(conn, model_id), dim)
        _INDEX_CACHE[key] = _CachedIndex(conn, gate, content, index)
        _INDEX_CACHE.move_to_end(key)
        while len(_INDEX_CACHE) > _INDEX_CACHE_SIZE:
            _INDEX_CACHE.popitem(last=False)
        return index


def clear_vector_cache() -> None:
    """Forget every cached vector index (and the connections they hold)."""
    with _index_lock():
        _INDEX_CACHE.clear()


# apply/embeddings.py's ENV_VAR and _DISABLED, without importing that module (it is not light).
_EMBEDDINGS_ENV = "LESSONLOOP_EMBEDDINGS"
_EMBEDDINGS_OFF = frozenset({"none", "off"})


def _embeddings_disabled() -> bool:
    """Whether $LESSONLOOP_EMBEDDINGS turns embeddings off, as load_embedder reads it."""
    return os.environ.get(_EMBEDDINGS_ENV, "").strip().lower() in _EMBEDDINGS_OFF


def resolve_embedder(conn: sqlite3.Connection, embedder: Embedder | Literal["auto"] | None) -> Embedder | None:
    """The embedder to use: None stays None; "auto" loads the configured model, but only when
    recall by meaning is wanted (some lesson has a vector, or lessons were learned here:
    recall_reads.vectors_wanted; loading a model takes seconds and is pointless otherwise), and
    then gives the lessons without a vector of it one (`embed_new_lessons`): learning leaves that
    to the readers of vectors, which load the model anyway to embed their query."""
    if embedder != "auto":
        return embedder
    if _embeddings_disabled():  # load_embedder would say None: no need to look for vectors (a scan)
        return None
    if not reads.vectors_wanted(conn):
        return None
    from lessonloop.apply.embeddings import load_embedder

    loaded = load_embedder()
    if loaded is not None:
        embed_new_lessons(conn, loaded)
    return loaded


def embed_new_lessons(conn: sqlite3.Connection, embedder: Embedder) -> int:
    """Give every lesson without a vector of `embedder`'s model one (apply/lesson_vectors.py), as
    recall is about to search by vectors; how many were stored. A store this process cannot
    write (read-only, or its write lock held past the busy timeout) is searched with the vectors
    it has, and the lessons without one are embedded by the next reader that can write."""
    from lessonloop.apply.lesson_vectors import embed_missing
    from lessonloop.store.transaction import StoreError

    try:
        return embed_missing(conn, embedder)
    except (sqlite3.OperationalError, StoreError):
        return 0


def nearest_lessons(
    conn: sqlite3.Connection, text: str, embedder: Embedder, where: LessonFilter, limit: int
) -> dict[int, float]:
    """The best `limit` lessons by cosine among those passing `where`: lesson id -> cosine.

    The nearest VECTOR_OVERFETCH * limit lessons of all are filtered first (a product over the
    whole matrix, then a lookup of a few hundred ids); only when too few of them pass the filter
    (a small project's lessons, say) is the search redone over exactly the lessons that pass.
    Either way the result is the exact best `limit` among the lessons passing the filter.
    """
    index = vector_index(conn, embedder.model_id, embedder.dim)
    if index is None or not len(index) or not text.strip():
        return {}
    query = embedder.embed([text])[0]
    nearest = index.search(query, limit * VECTOR_OVERFETCH)
    passing = _passing(conn, [lesson_id for lesson_id, _ in nearest], where)
    kept = [(lesson_id, cosine) for lesson_id, cosine in nearest if lesson_id in passing]
    if len(kept) < limit and len(nearest) < len(index):
        allowed = reads.lessons_passing(conn, where)
        kept = index.search(query, limit, allowed=allowed) if allowed else []
    return dict(kept[:limit])


def _passing(conn: sqlite3.Connection, ids: Sequence[int], where: LessonFilter) -> set[int]:
    """Those of `ids` whose lessons pass `where`."""
    if not ids:
        return set()
    return set(reads.lessons_passing(conn, where, ids))
