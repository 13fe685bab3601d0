"""A call and its result in the same batch are stored as one row written once (store/sessions/writer.py
_results_of_calls): the row must hold what the insert of the call followed by the update of its
result held, in every case: a result alone in a later batch, two results for one call, a call
twice in a batch, a call stored before (INSERT OR IGNORE keeps it, the result still lands), a
result for an unknown call (a notice), a subagent link, results without a time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lessonloop.core.records import Batch, Problem, SessionRecord, ToolCallRecord, ToolResultRecord
from lessonloop.store import open_store
from lessonloop.store.sessions import writer


def call(call_id: str, seq: int, ts: str | None = "2026-01-02T03:04:05.000Z") -> ToolCallRecord:
    return ToolCallRecord(call_id, "s1", f"m{seq}", seq, ts, "Bash", '{"command": "ls"}', None, "ls", "/w", "shell")


def result(call_id: str, seq: int, ts: str | None = "2026-01-02T03:04:06.250Z", **fields: object) -> ToolResultRecord:
    return ToolResultRecord(call_id, seq, ts, bool(fields.pop("ok", True)), str(fields.pop("status", "ok")), **fields)  # type: ignore[arg-type]


def batches() -> list[Batch]:
    """The same records, cut into batches; the first holds calls with their results."""
    session = {"s1": SessionRecord("s1", "claude-code", "main")}
    first = Batch(
        sessions=session,
        tool_calls=[call("a", 1), call("b", 3, ts=None), call("d", 8), call("e", 10), call("f", 12)],
        tool_results=[
            result("a", 2, exit_code=0, result_text="file1\nfile2", diff="@@ -1 +1 @@", lines_added=1, lines_removed=1),
            result("b", 4, ok=False, status="error", error_text="boom", exit_code=2),
            result("d", 9, result_text="first", subagent_id="agent-d"),
            result("d", 9, ok=False, status="interrupted", result_text="second"),  # two results: in turn
            result("e", 11, ts=None, subagent_id="agent-1"),
            result("zz", 13, result_text="unknown call"),
        ],
        subagent_links={"f": "agent-2", "e": "agent-3"},
    )
    # The same id twice in a batch: the first call is kept, the result goes to it.
    twice = Batch(sessions=session, tool_calls=[call("c", 5), call("c", 6)], tool_results=[result("c", 7)])
    again = Batch(
        sessions=session,
        tool_calls=[call("a", 1), call("g", 14)],  # "a" stored already: ignored, its new result lands
        tool_results=[result("a", 15, result_text="again"), result("f", 16, result_text="late"), result("g", 17)],
    )
    return [first, twice, again]


def store(db: Path, split_results: bool) -> tuple[list[tuple[object, ...]], list[list[Problem]]]:
    """Write the batches; with split_results, every result goes in a batch of its own after its
    batch's calls (the update path only)."""
    conn = open_store(db)
    notices: list[list[Problem]] = []
    try:
        state = writer.register_file(conn, "/t.jsonl", "claude-code", is_sample=False)
        offset = 0
        for batch in batches():
            parts = [batch]
            if split_results:
                parts = [
                    Batch(sessions=batch.sessions, tool_calls=batch.tool_calls, subagent_links={}),
                    Batch(tool_results=batch.tool_results, subagent_links=batch.subagent_links),
                ]
            for part in parts:
                progress = writer.ReadProgress(offset + 1, 0, offset + 1, offset + 1, None, None)
                notices.append(writer.write_chunk(conn, state, offset, None, part, progress, replace=False))
                offset += 1
        rows = conn.execute("SELECT rowid, * FROM tool_calls ORDER BY rowid").fetchall()
    finally:
        conn.close()
    return rows, notices


def test_results_stored_with_their_calls_equal_results_stored_after(tmp_path: Path) -> None:
    together, notices = store(tmp_path / "together.db", split_results=False)
    apart, apart_notices = store(tmp_path / "apart.db", split_results=True)
    assert together == apart
    by_id = {row[1]: row for row in together}
    columns = [row[1] for row in sqlite3.connect(tmp_path / "together.db").execute("PRAGMA table_info(tool_calls)")]
    a = dict(zip(["rowid", *columns], by_id["a"], strict=True))
    assert (a["result_text"], a["result_seq"], a["duration_ms"]) == ("again", 15, 1250)
    b = dict(zip(["rowid", *columns], by_id["b"], strict=True))
    assert (b["ok"], b["status"], b["duration_ms"], b["error_text"]) == (0, "error", None, "boom")
    d = dict(zip(["rowid", *columns], by_id["d"], strict=True))
    assert (d["status"], d["result_text"], d["subagent_id"]) == ("interrupted", "second", "agent-d")
    e = dict(zip(["rowid", *columns], by_id["e"], strict=True))
    assert (e["subagent_id"], e["duration_ms"]) == ("agent-1", None)
    assert dict(zip(["rowid", *columns], by_id["c"], strict=True))["seq"] == 5
    assert [row[1] for row in together] == ["a", "b", "d", "e", "f", "c", "g"]  # insertion order kept
    # The unknown call's result is a notice either way.
    assert [p.detail for n in notices for p in n] == [p.detail for n in apart_notices for p in n]
    assert [p.detail for n in notices for p in n] == ["tool result for unknown call zz"]
