"""OpenClaw's SQLite store (OpenClaw 2026.8 and later: `<state>/agents/<agent>/agent/openclaw-agent.sqlite`)
-> units, one per session (`<file>#<session id>`), read strictly read-only (capture/readonly_sqlite.py:
WAL included, the file never written).

Table `transcript_events(session_id, seq, event_json, created_at, event_zstd, event_utf8_bytes,
navigation_json)`, one row per entry of a session, `seq` from 0 (the header): `event_json` is the
same JSON as a line of the session's JSONL (OpenClaw's `doctor --session-sqlite import` copies the
lines in order, seq = line - 1), or NULL with `event_zstd` the same JSON compressed with zstd
(OpenClaw compresses an entry of 1 KiB or more when that saves a tenth of it; `event_utf8_bytes` its
decoded size, at most 4 MiB). The rows are read in `seq` order by the pi format's parser
(capture/pi_format/parser.py), row `seq` as line `seq + 1`: a session read from its JSONL before
the import keeps its ids and sequence numbers, and the store keeps it once.

A unit's stamp: the session's row count, last seq, last time and bytes, which change when OpenClaw
appends to the session or rewrites it. A database that cannot be opened, or holds no
`transcript_events` table, is a problem naming the file; a session that cannot be read when its
turn comes leaves what was stored of it (UnreadableUnit).
"""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

from lessonloop.agents.openclaw.reader.tools import kind_of
from lessonloop.agents.openclaw.spec import SPEC
from lessonloop.capture.adapters import Unit, UnreadableUnit
from lessonloop.capture.pi_format.parser import PiParser
from lessonloop.capture.readonly_sqlite import ForeignDatabase, ReadOnlyDatabase, database_units
from lessonloop.core.records import Batch, Problem

NAME = "openclaw-agent.sqlite"
_STAMP_MASK = (1 << 62) - 1
_MAX_EVENT_BYTES = 4 << 20  # OpenClaw's own bound on an entry (MAX_COMPRESSED_EVENT_BYTES)


def units(files: list[str], problems: list[Problem]) -> list[Unit]:
    found: list[Unit] = []
    for path in files:
        found.extend(_database_units(path, problems))
    return found


class _Store(ReadOnlyDatabase):
    """A read-only connection to one store, shared by its sessions' units; `zstd`: whether its
    entries may be kept compressed (OpenClaw 2026.9's columns)."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "lessonloop-openclaw-")
        self.zstd = False


def _database_units(path: str, problems: list[Problem]) -> list[Unit]:
    return database_units(path, problems, agent="OpenClaw", open_database=_Store, listing=_listing, read=_read_session)


def _listing(store: _Store, problems: list[Problem]) -> dict[str, tuple[int, int]]:
    columns = set(store.table_columns("transcript_events"))
    missing = {"session_id", "seq", "event_json"} - columns
    if missing:
        raise ForeignDatabase(
            "no transcript_events table" if not columns else f"no {', '.join(sorted(missing))} column"
        )
    store.zstd = "event_zstd" in columns and "event_utf8_bytes" in columns
    return _stamps(store.conn, store.zstd)


def _stamps(conn: sqlite3.Connection, zstd: bool) -> dict[str, tuple[int, int]]:
    """Per session: (its entries' bytes, a number made from its row count, last seq, last time and bytes)."""
    size = (
        "coalesce(event_utf8_bytes, length(CAST(event_json AS BLOB)), 0)"
        if zstd
        else "length(CAST(event_json AS BLOB))"
    )
    stored = "coalesce(length(CAST(event_json AS BLOB)), 0) + coalesce(length(event_zstd), 0)" if zstd else "0"
    stamps: dict[str, tuple[int, int]] = {}
    for session_id, count, last, latest, total, kept in conn.execute(
        f"""SELECT CAST(session_id AS TEXT), count(*), max(seq), max(created_at), total({size}), total({stored})
            FROM transcript_events GROUP BY session_id ORDER BY session_id"""
    ):
        if not session_id:
            continue
        figures = repr((count, last, latest, int(total), int(kept))).encode()
        digest = int.from_bytes(hashlib.blake2b(figures, digest_size=8).digest(), "big") & _STAMP_MASK
        stamps[str(session_id)] = (int(total), digest)
    return stamps


def _read_session(database: _Store, session_id: str) -> Batch:
    where = f"{database.path}#{session_id}"
    columns = (
        "seq, CAST(event_json AS BLOB), event_zstd, event_utf8_bytes"
        if database.zstd
        else "seq, CAST(event_json AS BLOB), NULL, NULL"
    )
    try:
        rows = database.conn.execute(
            f"SELECT {columns} FROM transcript_events WHERE session_id = ? ORDER BY seq", (session_id,)
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise UnreadableUnit(Problem(where, None, "unreadable-file", f"cannot read this database: {exc}")) from exc
    problems: list[Problem] = []
    lines = [
        (int(seq) + 1, raw)
        for seq, text, packed, size in rows
        if (raw := _event(where, seq, text, packed, size, problems))
    ]
    parser = PiParser(where, SPEC.id, kind_of, state={"session": session_id})
    batch = parser.parse_rows(lines)
    batch.problems[:0] = problems
    batch.problems.extend(parser.notices())
    return batch


def _event(where: str, seq: Any, text: Any, packed: Any, size: Any, problems: list[Problem]) -> bytes | None:
    """A row's entry as JSON bytes: `event_json`, or `event_zstd` decoded (never past OpenClaw's own
    bound of 4 MiB); None, with a problem, when neither can be read."""
    if isinstance(text, bytes):
        return text
    if not isinstance(packed, bytes):
        return None  # an empty row: nothing to read
    import zstandard  # only when a compressed entry is read

    limit = size if isinstance(size, int) and 0 < size <= _MAX_EVENT_BYTES else _MAX_EVENT_BYTES
    try:
        declared = zstandard.frame_content_size(packed)
        if declared > limit:
            raise zstandard.ZstdError(f"it says it holds {declared} bytes, over {limit}")
        decoded = zstandard.ZstdDecompressor().decompress(packed, max_output_size=limit)
    except zstandard.ZstdError as exc:
        problems.append(
            Problem(where, int(seq) + 1, "malformed-record", f"a compressed entry not decoded ({exc}); skipped")
        )
        return None
    return decoded if len(decoded) <= limit else None
