"""The capture watch (m047): the folders discovery last looked in, with their modification times,
and the digest of what chose them. Written by the ingest job after discovering the agents' places;
read by a read's check for anything new (pipeline/refresh.py). Imports nothing but sqlite3: a read
that finds nothing new pays only its queries and the stats."""

from __future__ import annotations

import sqlite3

ABSENT = -1  # a place that did not exist when discovery looked


def watched(conn: sqlite3.Connection) -> tuple[str | None, list[tuple[str, int]]]:
    """The digest of what chose the places (None: discovery never recorded them) and each watched
    folder with its modification time then."""
    try:
        row = conn.execute("SELECT places FROM capture_watch_state WHERE id = 1").fetchone()
        folders = conn.execute("SELECT path, mtime_ns FROM capture_watch").fetchall()
    except sqlite3.OperationalError:  # a store older than m047, opened read-only
        return None, []
    return (row[0] if row else None), [(str(p), int(m)) for p, m in folders]


def record_watch(conn: sqlite3.Connection, places: str, folders: dict[str, int], looked_at: str) -> None:
    """Keep what discovery looked at (replacing what it looked at before), in the caller's
    transaction."""
    conn.execute("DELETE FROM capture_watch")
    conn.executemany("INSERT INTO capture_watch (path, mtime_ns) VALUES (?, ?)", sorted(folders.items()))
    conn.execute(
        "INSERT INTO capture_watch_state (id, places, looked_at) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET places = excluded.places, looked_at = excluded.looked_at",
        (places, looked_at),
    )


def known_files(conn: sqlite3.Connection) -> list[tuple[str, int, int, int, int, int]]:
    """Every transcript file the store has read (not the bundled sample): path, size, mtime_ns,
    offset, reread, texts_withheld (m048: stored without its texts), as last read."""
    return [
        (str(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5]))
        for r in conn.execute(
            "SELECT path, size, mtime_ns, offset, reread, texts_withheld FROM source_files WHERE is_sample = 0"
        )
    ]
