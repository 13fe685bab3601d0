"""Units stored several to a transaction (pipeline/ingest._store_units): each unit's records and
its source_files row go together, and an error writing one unit leaves the whole group unstored
(no savepoint per unit: the transaction is rolled back, the next run reads the group again)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lessonloop.capture.adapters import Unit
from lessonloop.core.records import Batch, MessageRecord, SessionRecord
from lessonloop.pipeline.ingest import IngestSummary, NoProgress, _store_units
from lessonloop.store import open_store


def _unit(name: str, *, broken: bool = False) -> tuple[Unit, str, str, Batch]:
    batch = Batch()
    # A session without a kind (NOT NULL in the store) stands for any failure while writing.
    kind = None if broken else "main"
    batch.sessions[name] = SessionRecord(id=name, agent="opencode", kind=kind, cwd="/w", project="/w")  # type: ignore[arg-type]
    batch.messages.append(
        MessageRecord(
            session_id=name,
            uuid="m1",
            parent_uuid=None,
            seq=1,
            ts="2026-11-23T10:00:00.000Z",
            role="user",
            kind="prompt",
            text=f"prompt of {name}",
        )
    )
    unit = Unit(f"/data/opencode.db#{name}", 100, 1, lambda: batch)
    return unit, "opencode", "opencode-db", batch


def _stored(conn: sqlite3.Connection) -> tuple[list[str], list[str], list[str]]:
    return (
        [r[0] for r in conn.execute("SELECT path FROM source_files ORDER BY path")],
        [r[0] for r in conn.execute("SELECT id FROM sessions ORDER BY id")],
        [r[0] for r in conn.execute("SELECT text FROM messages ORDER BY text")],
    )


def test_a_group_is_stored_whole(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "store.db")
    summary = IngestSummary()
    _store_units(conn, [_unit("s1"), _unit("s2")], summary, NoProgress())
    paths, sessions, texts = _stored(conn)
    assert paths == ["/data/opencode.db#s1", "/data/opencode.db#s2"]
    assert sessions == ["s1", "s2"]
    assert texts == ["prompt of s1", "prompt of s2"]
    assert summary.files_read == 2
    assert conn.execute("SELECT DISTINCT offset FROM source_files").fetchall() == [(100,)]


def test_an_error_in_one_unit_leaves_the_whole_group_unstored(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "store.db")
    _store_units(conn, [_unit("before")], IngestSummary(), NoProgress())
    with pytest.raises(sqlite3.IntegrityError):
        _store_units(conn, [_unit("s1"), _unit("s2", broken=True), _unit("s3")], IngestSummary(), NoProgress())
    assert not conn.in_transaction
    assert _stored(conn) == (["/data/opencode.db#before"], ["before"], ["prompt of before"])
