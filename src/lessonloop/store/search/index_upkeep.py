"""Keeping the search index in step with the store (m044).

The triggers keep the places (`search_places`) as rows are written, changed and deleted, and take
a place's words out of the index as it goes. New places are indexed together, at the end of the
transaction that made them (`index_new_places`: the store's writers call it; a search calls it
too, for any a writer left): FTS5 flushes its pending words at every statement, so an insert per
row from a trigger cost about 2.6 times the places' rows and one insert of them all. `search_marks.indexed` is the highest
place indexed; places are numbered in order and never numbered again (AUTOINCREMENT), so those
after it are the ones to index.

FTS5 keeps a deleted row's words, marked deleted, in its segments until they are merged:
`optimize` merges them away before the store is compacted (after forgetting and retention), and a
redaction pass rebuilds the index from the redacted texts."""

from __future__ import annotations

import sqlite3


def _has_index(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_fts'").fetchone() is not None


def index_new_places(conn: sqlite3.Connection) -> int:
    """Index the places made since the last indexing (in the caller's transaction); how many."""
    row = conn.execute(
        "SELECT (SELECT indexed FROM search_marks), (SELECT seq FROM sqlite_sequence WHERE name = 'search_places')"
    ).fetchone()
    indexed, last = int(row[0] or 0), int(row[1] or 0)
    if last <= indexed:
        return 0
    done = conn.execute(
        "INSERT INTO search_fts (rowid, text) SELECT id, text FROM search_texts WHERE id > ? AND id <= ?",
        (indexed, last),
    ).rowcount
    conn.execute("UPDATE search_marks SET indexed = ?", (last,))
    return max(0, done)


def unindexed(conn: sqlite3.Connection) -> bool:
    """Whether some place is not indexed yet."""
    row = conn.execute(
        "SELECT (SELECT indexed FROM search_marks) < (SELECT seq FROM sqlite_sequence WHERE name = 'search_places')"
    ).fetchone()
    return bool(row and row[0])


def optimize_index(conn: sqlite3.Connection) -> None:
    """Merge the index's segments, so no deleted row's words are left in them."""
    if _has_index(conn):
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


def rebuild_index(conn: sqlite3.Connection) -> None:
    """Index every place's text again from the rows as they are now (in the caller's transaction)."""
    if _has_index(conn):
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
        conn.execute(
            """UPDATE search_marks SET indexed = max(indexed,
                   coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'search_places'), 0))"""
        )
