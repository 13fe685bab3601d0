"""The lessons' vectors as apply/lesson_vectors.py keeps them in step with the embedding model:
the lessons to embed (none, or another model's vector), and each vector stored unless its
lesson's text changed meanwhile. Recall reads them back through store/lessons/recall.py."""

from __future__ import annotations

import sqlite3


def lessons_to_embed(conn: sqlite3.Connection, model_id: str) -> list[tuple[int, str, str | None, str]]:
    """(id, title, prevention, body) of every lesson without a vector of `model_id`, by id."""
    return conn.execute(
        """SELECT id, title, prevention, body FROM lessons
           WHERE embedding IS NULL OR embedding_model IS NOT ?
           ORDER BY id""",
        (model_id,),
    ).fetchall()


def store_vectors(conn: sqlite3.Connection, updates: list[tuple[bytes, str, int, str, str | None, str]]) -> int:
    """Each (vector, model, id, title, prevention, body) stored unless its lesson's text changed
    meanwhile (inside the caller's transaction); how many were stored."""
    stored = 0
    for update in updates:
        cursor = conn.execute(
            """UPDATE lessons SET embedding = ?, embedding_model = ?
               WHERE id = ? AND title IS ? AND prevention IS ? AND body IS ?""",
            update,
        )
        stored += cursor.rowcount
    return stored
