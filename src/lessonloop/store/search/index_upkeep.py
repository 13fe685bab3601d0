"""Keeping the search index clean of words the store no longer holds. Triggers (m044) take each
row's words out when it is deleted or changed, but FTS5 keeps them, marked deleted, in its
segments until they are merged: `optimize` merges them away before the store is compacted (after
forgetting and retention), and a redaction pass rebuilds the index from the redacted texts."""

from __future__ import annotations

import sqlite3


def has_index(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_fts'").fetchone() is not None


def optimize_index(conn: sqlite3.Connection) -> None:
    """Merge the index's segments, so no deleted row's words are left in them."""
    if has_index(conn):
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")


def rebuild_index(conn: sqlite3.Connection) -> None:
    """Index every place's text again from the rows as they are now."""
    if has_index(conn):
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('rebuild')")
