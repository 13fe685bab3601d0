"""The search places' vectors (m045, `lessonloop search --semantic`): the places an embedding
model has not embedded yet, with their texts; their vectors stored; every vector of a model."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

EMBEDDED_CHARS = 2000  # of a place's text embedded (a small model reads its first few hundred words)


def places_to_embed(conn: sqlite3.Connection, model: str) -> list[tuple[int, str]]:
    """(place, its text cut to EMBEDDED_CHARS) of every place without a vector of `model`."""
    return [
        (int(place), str(text))
        for place, text in conn.execute(
            """SELECT t.id, substr(t.text, 1, ?) FROM search_texts t
               LEFT JOIN search_vectors v ON v.place = t.id AND v.model = ?
               WHERE v.place IS NULL AND coalesce(t.text, '') <> '' ORDER BY t.id""",
            (EMBEDDED_CHARS, model),
        )
    ]


def count_to_embed(conn: sqlite3.Connection, model: str) -> int:
    return int(
        conn.execute(
            """SELECT count(*) FROM search_places p LEFT JOIN search_vectors v ON v.place = p.id AND v.model = ?
               WHERE v.place IS NULL""",
            (model,),
        ).fetchone()[0]
    )


def store_place_vectors(conn: sqlite3.Connection, model: str, rows: Iterable[tuple[int, bytes]]) -> int:
    """Store each (place, vector) of `model` (in the caller's transaction), for the places that are
    still there; how many were stored."""
    return conn.executemany(
        """INSERT OR REPLACE INTO search_vectors (place, model, vector)
           SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM search_places WHERE id = ?1)""",
        [(place, model, vector) for place, vector in rows],
    ).rowcount


def place_vectors(conn: sqlite3.Connection, model: str) -> Iterator[tuple[int, bytes]]:
    """(place, vector) of every place `model` embedded."""
    for place, vector in conn.execute("SELECT place, vector FROM search_vectors WHERE model = ?", (model,)):
        yield int(place), bytes(vector)


def place_texts(conn: sqlite3.Connection, places: Iterable[int], chars: int = 400) -> dict[int, str]:
    """The start of these places' texts."""
    ids = sorted(set(places))
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return {
        int(place): str(text or "")
        for place, text in conn.execute(
            f"SELECT id, substr(text, 1, ?) FROM search_texts WHERE id IN ({marks})", (chars, *ids)
        )
    }
