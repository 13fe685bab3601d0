"""The last stage of a learning run: lessons without a vector given one (apply's embedding model and
lesson vectors), so that recall can find them by meaning as well as by words."""

from __future__ import annotations

import sqlite3

from lessonloop.store.learning_reads import any_lesson_without_vector


def embed_lessons(conn: sqlite3.Connection) -> tuple[int, str | None]:
    """Give lessons without a vector one, when the embeddings extra is installed and enabled
    ($LESSONLOOP_EMBEDDINGS). The model is loaded only when some lesson needs a vector: loading
    it takes seconds, and this is the heavy work the hooks must never do. Returns (how many were
    embedded, the problem when the model failed to load)."""
    from lessonloop.apply import embeddings

    if not embeddings.available():
        return 0, None
    if not any_lesson_without_vector(conn):
        return 0, None
    try:
        embedder = embeddings.load_embedder()
    except embeddings.EmbeddingError as exc:
        return 0, str(exc)
    if embedder is None:
        return 0, None
    from lessonloop.apply.lesson_vectors import embed_missing

    return embed_missing(conn, embedder), None
