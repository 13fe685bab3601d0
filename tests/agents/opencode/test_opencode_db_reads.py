"""OpenCode's opencode.db read several sessions to a query (capture/opencode_format/database.py): read in
the order they were listed, sessions are read ahead in growing windows; in any other order (an
ingest reading a few changed sessions) each is read alone. Every session gets exactly its own
rows either way."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from lessonloop.capture.opencode_format import database
from lessonloop.capture.opencode_format.parser import RawSession
from lessonloop.core.records import Batch, Problem
from tests.corpus_copies import write_opencode_db


def _session(number: int) -> Any:
    sid = f"ses_{number:03d}"
    info = {"id": sid, "directory": f"/work/p{number}", "title": f"t{number}", "time": {"created": 1_000 + number}}
    messages = []
    for m in range(number % 3 + 1):  # 1-3 messages, later ones created first: order by creation time
        mid = f"msg_{number:03d}_{m}"
        message = {"id": mid, "role": "user", "time": {"created": 5_000 - m}}
        parts = [{"id": f"prt_{number:03d}_{m}_{p}", "type": "text", "text": f"{sid} {mid} {p}"} for p in range(m + 1)]
        messages.append((message, parts))
    return info, messages


def _units(path: Path, seen: dict[str, RawSession]) -> list[Any]:
    def keep(raw: RawSession) -> Batch:
        seen[raw.info["id"]] = raw
        return Batch()

    problems: list[Problem] = []
    units = database.units([str(path)], problems, keep)
    assert problems == []
    return units


def _view(raw: RawSession) -> Any:
    return (
        raw.info,
        [(m["id"], m.get("time"), [(p["id"], p.get("text")) for p in parts]) for m, parts in raw.messages],
        [(p.code, p.detail) for p in raw.problems],
    )


def _expected(number: int) -> Any:
    _info, messages = _session(number)
    ordered = sorted(messages, key=lambda item: (item[0]["time"]["created"], item[0]["id"]))
    return [(m["id"], p[0]["text"].split()[0]) for m, p in ordered]


def test_every_order_of_reading_gives_each_session_its_own_rows(tmp_path: Path) -> None:
    db = tmp_path / "opencode.db"
    write_opencode_db(db, [("proj", _session(n)) for n in range(150)])
    in_order: dict[str, RawSession] = {}
    for unit in _units(db, in_order):
        unit.read()
    alone: dict[str, RawSession] = {}
    for unit in reversed(_units(db, alone)):  # never in order: one session a query
        unit.read()
    assert len(in_order) == len(alone) == 150
    for sid, raw in in_order.items():
        assert _view(raw) == _view(alone[sid])
        number = int(sid[4:])
        assert [(m["id"], parts[0]["text"].split()[0]) for m, parts in raw.messages] == _expected(number)
        assert [len(parts) for _, parts in raw.messages] == [int(m["id"][-1]) + 1 for m, _ in raw.messages]
        assert raw.info["directory"] == f"/work/p{number}"


def test_some_sessions_read_and_one_deleted_since_listing(tmp_path: Path) -> None:
    db = tmp_path / "opencode.db"
    write_opencode_db(db, [("proj", _session(n)) for n in range(40)])
    seen: dict[str, RawSession] = {}
    units = _units(db, seen)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM session WHERE id = 'ses_021'")
    chosen = [u for i, u in enumerate(units) if i in (3, 4, 5, 6, 20, 21, 22, 30)]  # runs and jumps
    for unit in chosen:
        unit.read()
    assert sorted(seen) == ["ses_003", "ses_004", "ses_005", "ses_006", "ses_020", "ses_021", "ses_022", "ses_030"]
    assert [p.code for p in seen["ses_021"].problems] == ["session-gone"]
    for sid, raw in seen.items():
        if sid != "ses_021":
            assert raw.problems == []
            assert [(m["id"], parts[0]["text"].split()[0]) for m, parts in raw.messages] == _expected(int(sid[4:]))
