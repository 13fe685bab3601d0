"""The capture watch (m047, m054): what a read looks at for anything new, and what the store
watches. Three kinds of rows in `capture_watch`, each a path with its modification time then:
- 'place': the folders discovery last looked in (the agents' places, each folder between them
  and a file found there), with the digest of what chose them (`capture_watch_state.places`);
- 'named': the files and folders named to `lessonloop ingest PATH...` for this store;
- 'below': each folder between a named folder and a file found there.
`capture_watch_state.defaults` says whether the store watches the agents' own folders (discovery):
1 when it was made by discovery or a later `ingest` without paths asked for them, 0 when it was
made from named paths only (issue 81, item 4). A store with no row (made before m054's record,
or never captured) watches the agents' folders, as every store did before.

Written by the ingest job (pipeline/ingest_job.py); read by a read's check for anything new
(pipeline/refresh.py) and by `lessonloop status`. Imports nothing but sqlite3: a read that finds
nothing new pays only its queries and the stats."""

from __future__ import annotations

import sqlite3

ABSENT = -1  # a place that did not exist when discovery looked
PLACE = "place"
NAMED = "named"
BELOW = "below"


class Watch:
    """What a store watches. `recorded` False: no record (the agents' folders, as before m054).
    (A plain class: a read imports no dataclasses.)"""

    __slots__ = ("defaults", "named", "places", "places_digest", "recorded")

    def __init__(self) -> None:
        self.recorded = False
        self.defaults = True  # the agents' own folders (discovery)
        self.places_digest: str | None = None  # None: discovery never recorded its places
        self.places: list[tuple[str, int]] = []  # discovery's folders, with their times then
        self.named: list[tuple[str, str, int]] = []  # (kind, path, mtime_ns): NAMED and BELOW rows

    @property
    def named_paths(self) -> list[str]:
        """The files and folders named to `ingest` for this store."""
        return [path for kind, path, _ in self.named if kind == NAMED]

    def to_json(self) -> dict[str, object]:
        """`lessonloop status --json`'s `watch`."""
        return {"agents_folders": self.defaults, "named_paths": self.named_paths, "recorded": self.recorded}


def watch_of(conn: sqlite3.Connection) -> Watch:
    """What the store at `conn` watches (see the module's docstring)."""
    watch = Watch()
    try:
        row = conn.execute("SELECT places, defaults FROM capture_watch_state WHERE id = 1").fetchone()
        rows = conn.execute("SELECT kind, path, mtime_ns FROM capture_watch ORDER BY kind, path").fetchall()
    except sqlite3.OperationalError:  # a store older than m054, opened read-only
        return _before_m054(conn, watch)
    if row is not None:
        watch.recorded = True
        watch.places_digest = str(row[0]) if row[0] else None
        watch.defaults = bool(row[1])
    for kind, path, mtime_ns in rows:
        if kind == PLACE:
            watch.places.append((str(path), int(mtime_ns)))
        else:
            watch.named.append((str(kind), str(path), int(mtime_ns)))
    return watch


def _before_m054(conn: sqlite3.Connection, watch: Watch) -> Watch:
    """A store migrated up to m047 but not m054, opened read-only: discovery's record alone."""
    try:
        row = conn.execute("SELECT places FROM capture_watch_state WHERE id = 1").fetchone()
        folders = conn.execute("SELECT path, mtime_ns FROM capture_watch").fetchall()
    except sqlite3.OperationalError:  # older than m047
        return watch
    watch.places_digest = str(row[0]) if row else None
    watch.places = [(str(p), int(m)) for p, m in folders]
    return watch


def record_watch(conn: sqlite3.Connection, places: str, folders: dict[str, int], looked_at: str) -> None:
    """Keep what discovery looked at (replacing what it looked at before; the named paths stay),
    in the caller's transaction: the store watches the agents' folders from now on."""
    conn.execute("DELETE FROM capture_watch WHERE kind = ?", (PLACE,))
    conn.executemany(
        "INSERT INTO capture_watch (kind, path, mtime_ns) VALUES (?, ?, ?)",
        [(PLACE, path, mtime) for path, mtime in sorted(folders.items())],
    )
    conn.execute(
        "INSERT INTO capture_watch_state (id, places, looked_at, defaults) VALUES (1, ?, ?, 1) "
        "ON CONFLICT (id) DO UPDATE SET places = excluded.places, looked_at = excluded.looked_at, defaults = 1",
        (places, looked_at),
    )


def record_named(
    conn: sqlite3.Connection,
    named: dict[str, int],
    below: dict[str, int],
    looked_at: str,
    *,
    defaults: bool,
    replace: bool,
) -> None:
    """Keep the paths named to `ingest` and the folders below them, with their times, in the
    caller's transaction. `replace`: they are every one of them (a look at all the named paths),
    else they are added to those kept. `defaults`: whether the store watches the agents' folders,
    written only when the store has no record yet (a record keeps its own)."""
    if replace:
        conn.execute("DELETE FROM capture_watch WHERE kind IN (?, ?)", (NAMED, BELOW))
    conn.executemany(
        "INSERT OR REPLACE INTO capture_watch (kind, path, mtime_ns) VALUES (?, ?, ?)",
        [(NAMED, path, mtime) for path, mtime in sorted(named.items())]
        + [(BELOW, path, mtime) for path, mtime in sorted(below.items())],
    )
    conn.execute(
        "INSERT INTO capture_watch_state (id, places, looked_at, defaults) VALUES (1, '', ?, ?) "
        "ON CONFLICT (id) DO NOTHING",
        (looked_at, int(defaults)),
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


def holds_files(conn: sqlite3.Connection) -> bool:
    """Whether the store has read any file (the bundled sample included): a store with no watch
    record that holds files was made before m054's record, and watches the agents' folders."""
    return conn.execute("SELECT 1 FROM source_files LIMIT 1").fetchone() is not None
