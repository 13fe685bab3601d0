"""store/learn_state.session_rows reads the learn_sessions rows of many sessions in one query, by
the table's key, with what reading them one at a time gives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lessonloop.store import open_store
from lessonloop.store.learn_state import put_sessions, session_rows


def one_at_a_time(conn: sqlite3.Connection, roots: list[str]) -> dict[str, tuple[str, bool]]:
    out: dict[str, tuple[str, bool]] = {}
    for root in dict.fromkeys(roots):
        row = conn.execute("SELECT digest, ended FROM learn_sessions WHERE session_id = ?", (root,)).fetchone()
        if row is not None:
            out[root] = (row[0], bool(row[1]))
    return out


@pytest.mark.slow
def test_many_sessions_in_one_query_as_one_at_a_time(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    try:
        with conn:
            put_sessions(conn, {f"s{i}": (f"d{i}", i % 3 == 0) for i in range(3000)}, replace_all=True)
        # More ids than SQLite's old limit on bound variables, repeated ids, unknown ids, odd text.
        wanted = [f"s{i}" for i in range(2999, -1, -2)] + ["s5", "s5", "nope", "", "x'); DROP TABLE lessons; --"]
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        found = session_rows(conn, wanted)
        conn.set_trace_callback(None)
        assert len(statements) == 1
        assert found == one_at_a_time(conn, wanted)
        assert list(found) == [root for root in dict.fromkeys(wanted) if root in found]  # the order given
        assert found["s3"] == ("d3", True) and found["s5"] == ("d5", False) and "nope" not in found
        assert session_rows(conn, []) == {}
        plan = " ".join(str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {statements[0]}"))
        assert "SEARCH learn_sessions USING PRIMARY KEY" in plan, plan
    finally:
        conn.close()
