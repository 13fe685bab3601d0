"""Session search's semantic half (`lessonloop search --semantic`, docs/search.md): the places
nearest the query by meaning beside those that hold its words, fused by their ranks.

The places are embedded with recall's model (apply/embeddings.py, the `embeddings` extra) the
first time a semantic search needs them, then only the new ones (`embed_new_places`): vectors are
kept in `search_vectors` (m045) and go with their places. A search ranks the places that hold the
words (bm25, store/search/reader.py) and the places whose vectors are nearest the query's
(cosine over every vector, apply/vector_index.py; at least recall's floor, COSINE_FLOOR), each
filtered as a search is, and fuses the two
rankings by reciprocal rank (RRF: a hit's score is the sum over both lists of 1 / (K + its rank)),
so that a place found both ways comes first, and a place found by meaning alone (other words for
the same thing) still comes in.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from lessonloop.apply.ranking import COSINE_FLOOR
from lessonloop.apply.vector_index import VectorIndex, to_blob
from lessonloop.store.search.hits import SearchFilters, SearchHit
from lessonloop.store.search.query_text import SearchQuery
from lessonloop.store.search.reader import add_snippets, hits_of_places, marked, search
from lessonloop.store.search.vectors import (
    count_to_embed,
    place_texts,
    place_vectors,
    places_to_embed,
    store_place_vectors,
)
from lessonloop.store.transaction import StoreError, transaction

if TYPE_CHECKING:
    from lessonloop.apply.embeddings import Embedder

RRF_K = 60  # the usual constant of reciprocal rank fusion: the rank of either list counts, not its score
CANDIDATES = 100  # places taken from each ranking before fusion (at least 4 times the hits asked for)
BATCH = 64  # places embedded at once
SNIPPET_CHARS = 160  # of a place found by meaning alone, shown from its start


def embed_new_places(
    conn: sqlite3.Connection, embedder: Embedder, progress: Callable[[int, int], None] | None = None
) -> int:
    """Embed every place without a vector of `embedder`'s model and store the vectors (a batch a
    transaction); how many were stored. `progress(done, total)` after each batch. A store this
    process cannot write is searched with the vectors it has."""
    if not count_to_embed(conn, embedder.model_id):
        return 0
    rows = places_to_embed(conn, embedder.model_id)
    stored = 0
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        vectors = embedder.embed([text for _place, text in batch])
        try:
            with transaction(conn):
                stored += store_place_vectors(
                    conn,
                    embedder.model_id,
                    [(place, to_blob(vector)) for (place, _text), vector in zip(batch, vectors, strict=True)],
                )
        except (sqlite3.OperationalError, StoreError):
            return stored  # read-only or busy: searched with the vectors there are
        if progress is not None:
            progress(min(start + BATCH, len(rows)), len(rows))
    return stored


def semantic_search(
    conn: sqlite3.Connection, query: SearchQuery, text: str, filters: SearchFilters, limit: int, embedder: Embedder
) -> list[SearchHit]:
    """The best `limit` hits of both rankings fused (embed the new places first: embed_new_places)."""
    take = max(CANDIDATES, limit * 4)
    lexical = search(conn, query, filters, take)
    index = VectorIndex(place_vectors(conn, embedder.model_id), embedder.dim)
    nearest = index.search(embedder.embed([text])[0], take * 4) if len(index) else []
    # Under recall's background floor a place shares no meaning with the query (all-MiniLM-L6-v2
    # puts unrelated texts there, apply/ranking.py): it is no hit.
    nearest = [(place, cosine) for place, cosine in nearest if cosine >= COSINE_FLOOR]
    by_meaning = hits_of_places(conn, nearest, filters)[:take]
    cosines = dict(nearest)
    fused: dict[str, tuple[float, SearchHit]] = {}
    for ranking in (lexical, by_meaning):
        for rank, hit in enumerate(ranking, start=1):
            key = hit.call_id or f"place {hit.place}"
            score, kept = fused.get(key, (0.0, hit))
            fused[key] = (score + 1.0 / (RRF_K + rank), kept)
    best = sorted(fused.values(), key=lambda pair: (-pair[0], -(pair[1].score), pair[1].place))[:limit]
    hits = []
    for score, hit in best:
        hit.cosine = round(cosines[hit.place], 4) if hit.place in cosines else None
        hit.score = score
        hits.append(hit)
    add_snippets(conn, query, [hit for hit in hits if not hit.snippet])  # the words' hits have theirs from search()
    starts = place_texts(conn, [hit.place for hit in hits if not hit.snippet], SNIPPET_CHARS)
    for hit in hits:
        if not hit.snippet:
            start = " ".join(starts.get(hit.place, "").split())
            hit.snippet, hit.marks = marked(start + ("…" if len(start) >= SNIPPET_CHARS - 1 else ""))
    return hits
