"""Keeping lessons' vectors in step with the embedding model: embed what has none, or another model's.

A lesson's vector embeds its text as `lesson_text` joins it (title, prevention, body), so that
recall can compare a query's embedding with it (apply/recall.py). Vectors of different models
are not comparable; a lesson embedded by another model (`embedding_model` differs) is embedded
again.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from lessonloop.apply.vector_index import to_blob
from lessonloop.store.lessons.vectors import lessons_to_embed, store_vectors
from lessonloop.store.transaction import transaction

if TYPE_CHECKING:
    from lessonloop.apply.embeddings import Embedder

BATCH_SIZE = 64


def lesson_text(title: str | None, prevention: str | None, body: str | None) -> str:
    """The text a lesson's vector embeds: what goes wrong, what to do instead, then the details.

    The title and prevention come first because small models weigh the start of a text most
    (and truncate long ones).
    """
    return "\n".join(part.strip() for part in (title, prevention, body) if part and part.strip())


def embed_missing(conn: sqlite3.Connection, embedder: Embedder, batch_size: int = BATCH_SIZE) -> int:
    """Embed every lesson without a vector of `embedder`'s model; return how many were stored.

    The texts are embedded in batches before anything is written (embedding takes seconds, and
    the store's write lock should not be held that long), then every vector is written in one
    transaction. A lesson whose text changed in between is left for the next call. When the
    connection is already inside a transaction, the writes join it (the caller commits).
    """
    rows = lessons_to_embed(conn, embedder.model_id)
    if not rows:
        return 0
    updates: list[tuple[bytes, str, int, str, str | None, str]] = []
    size = max(1, batch_size)
    for start in range(0, len(rows), size):
        batch = rows[start : start + size]
        vectors = embedder.embed([lesson_text(title, prevention, body) for _, title, prevention, body in batch])
        for (lesson_id, title, prevention, body), vector in zip(batch, vectors, strict=True):
            updates.append((to_blob(vector), embedder.model_id, lesson_id, title, prevention, body))
    if conn.in_transaction:  # part of the caller's transaction
        return store_vectors(conn, updates)
    with transaction(conn):
        return store_vectors(conn, updates)
