"""Copilot CLI's events.jsonl read incrementally and through bad input: an appended file stores
what one clean read of the final file stores, a last line not finished yet waits for the next
run, and a damaged line, invalid UTF-8 or an unknown event type is a problem or notice of its
line while the rest of the session is read. The fixtures: tests/agents/copilot/test_copilot_adapter.py."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import dump_store, run_ingest, store_differences

DATA = Path(__file__).parent / "data" / "copilot"
TOOLS = DATA / "tools-events.jsonl"
PUSH = DATA / "push-events.jsonl"


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _session_file(tmp_path: Path, content: bytes) -> Path:
    folder = tmp_path / "session-state" / "70974254-53d9-45fc-b3f4-96100bcf2015"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "events.jsonl"
    path.write_bytes(content)
    return path


def _clean(tmp_path: Path, path: Path) -> Path:
    db = tmp_path / "clean.db"
    summary = run_ingest(db, path)
    assert summary.files_read == 1 and not summary.problems
    return db


# Split points: after the session's start, between a call and its outcome (the call waits in the
# store), between a usage record and its message, and one line before the end.
@pytest.mark.parametrize("split", [1, 6, 11, 16, 47])
def test_an_appended_file_stores_what_a_clean_read_stores(tmp_path: Path, split: int) -> None:
    lines = _lines(TOOLS)
    path = _session_file(tmp_path, b"".join(lines[:split]))
    db = tmp_path / "store.db"
    first = run_ingest(db, path)
    assert first.files_read == 1 and not first.problems
    with path.open("ab") as handle:
        handle.write(b"".join(lines[split:]))
    second = run_ingest(db, path)
    assert second.files_read == 1 and not second.problems and not second.files_replaced
    assert store_differences(dump_store(_clean(tmp_path, path)), dump_store(db)) == []
    assert _rows(db, "SELECT count(*), sum(ok = 0) FROM tool_calls") == [(9, 3)]
    assert _rows(db, "SELECT count(*), sum(input_tokens), sum(output_tokens) FROM token_usage") == [(10, 5000, 255)]
    assert run_ingest(db, path).files_unchanged == 1


def test_a_last_line_not_finished_waits_for_the_next_run(tmp_path: Path) -> None:
    """Copilot appends each event as it happens: a read in the middle of a write sees a cut last
    line without its newline; it is no problem, and is read whole once finished."""
    lines = _lines(PUSH)
    last = len(lines) - 1
    cut = lines[last][: len(lines[last]) // 2]
    path = _session_file(tmp_path, b"".join(lines[:last]) + cut)
    db = tmp_path / "store.db"
    first = run_ingest(db, path)
    assert first.files_read == 1 and not first.problems
    path.write_bytes(b"".join(lines))
    assert not run_ingest(db, path).problems
    assert store_differences(dump_store(_clean(tmp_path, path)), dump_store(db)) == []


def test_a_truncated_line_is_a_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    lines = _lines(PUSH)
    index = next(i for i, line in enumerate(lines) if b'"tool.execution_complete"' in line)
    damaged = [*lines[:index], lines[index][:200] + b"\n", *lines[index + 1 :]]
    db = tmp_path / "store.db"
    summary = run_ingest(db, _session_file(tmp_path, b"".join(damaged)))
    assert [(p.code, p.line) for p in summary.problems] == [("truncated-line", index + 1)]
    # The first call lost its outcome; everything else is there.
    assert _rows(db, "SELECT command, status FROM tool_calls ORDER BY seq") == [
        ("git push", None),
        ("git push --set-upstream origin feat", "ok"),
    ]
    assert _rows(db, "SELECT count(*), sum(input_tokens) FROM token_usage") == [(3, 3102)]


def test_invalid_utf8_is_replaced_and_the_line_kept(tmp_path: Path) -> None:
    lines = _lines(PUSH)
    index = next(i for i, line in enumerate(lines) if b'"user.message"' in line)
    lines[index] = lines[index].replace(b'"content":"Push the current', b'"content":"Push th\xe9 current', 1)
    db = tmp_path / "store.db"
    summary = run_ingest(db, _session_file(tmp_path, b"".join(lines)))
    assert [(p.code, p.line) for p in summary.problems] == [("invalid-utf8", index + 1)]
    assert _rows(db, "SELECT text FROM messages WHERE kind = 'prompt'") == [
        ("Push th\ufffd current branch to origin.",)
    ]
    assert _rows(db, "SELECT count(*) FROM tool_calls") == [(2,)]


def test_an_unknown_event_type_is_a_notice_and_known_ones_are_not(tmp_path: Path) -> None:
    lines = _lines(PUSH)
    envelope = {"id": "e", "timestamp": "2026-11-26T17:01:12.000Z", "parentId": None}
    unknown = json.dumps({"type": "session.brand_new_thing", "data": {"x": 1}, **envelope}).encode() + b"\n"
    known = json.dumps({"type": "permission.requested", "data": {"requestId": "r"}, **envelope}).encode() + b"\n"
    content = b"".join([*lines[:4], unknown, known, *lines[4:], unknown])
    db = tmp_path / "store.db"
    summary = run_ingest(db, _session_file(tmp_path, content))
    assert not summary.problems
    assert [(n.code, n.line, n.detail) for n in summary.notices] == [
        ("unknown-record-type", 5, "record type 'session.brand_new_thing' (2 lines) skipped")
    ]
    assert _rows(db, "SELECT count(*), sum(ok = 0) FROM tool_calls") == [(2, 1)]
    assert _rows(db, "SELECT count(*) FROM messages WHERE kind = 'prompt'") == [(1,)]


def test_lines_that_are_no_events_do_not_stop_the_read(tmp_path: Path) -> None:
    lines = _lines(PUSH)
    content = b"".join([*lines[:2], b"[1, 2]\n", b"not json\n", b'{"type": 5}\n', *lines[2:]])
    db = tmp_path / "store.db"
    summary = run_ingest(db, _session_file(tmp_path, content))
    assert sorted(p.code for p in summary.problems) == ["invalid-json", "not-an-object"]
    assert [n.detail for n in summary.notices] == ["record type '5' (1 lines) skipped"]
    assert _rows(db, "SELECT count(*) FROM tool_calls") == [(2,)]
