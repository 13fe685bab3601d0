"""learning/store/state.session_rows reads what was learned of many sessions before a boundary (each
one's latest part at or before it) in one query, by the parts' key, with what reading them one at
a time gives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lessonloop.learning.store.state import drop_checkpoint, put_parts, session_rows
from lessonloop.store import open_store


def one_at_a_time(conn: sqlite3.Connection, roots: list[str], at: str) -> dict[str, tuple[str, bool]]:
    out: dict[str, tuple[str, bool]] = {}
    for root in dict.fromkeys(roots):
        row = conn.execute(
            """SELECT digest, ended FROM learn_session_parts WHERE session_id = ? AND boundary <= ?
               ORDER BY boundary DESC LIMIT 1""",
            (root, at),
        ).fetchone()
        if row is not None:
            out[root] = (row[0], bool(row[1]))
    return out


@pytest.mark.slow
def test_many_sessions_in_one_query_as_one_at_a_time(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    try:
        with conn:
            rows = [(f"s{i}", "b1", f"d{i}", i % 3 == 0) for i in range(3000)]
            rows += [(f"s{i}", "b2", f"e{i}", True) for i in range(0, 3000, 7)]  # parts at a later boundary
            put_parts(conn, rows, after=None)
        # More ids than SQLite's old limit on bound variables, repeated ids, unknown ids, odd text.
        wanted = [f"s{i}" for i in range(2999, -1, -2)] + ["s5", "s5", "nope", "", "x'); DROP TABLE lessons; --"]
        for at in ("b1", "b2", "b3", "a"):
            statements: list[str] = []
            conn.set_trace_callback(statements.append)
            found = session_rows(conn, wanted, at)
            conn.set_trace_callback(None)
            assert len(statements) == 1
            assert found == one_at_a_time(conn, wanted, at)
            assert list(found) == [root for root in dict.fromkeys(wanted) if root in found]  # the order given
        assert session_rows(conn, ["s3", "s5", "s7", "nope"], "b1") == {
            "s3": ("d3", True),
            "s5": ("d5", False),
            "s7": ("d7", False),
        }
        assert session_rows(conn, ["s7"], "b2") == {"s7": ("e7", True)}
        assert session_rows(conn, ["s7"], "a") == {}
        assert session_rows(conn, [], "b1") == {}
        plan = " ".join(str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {statements[0]}"))
        assert "SEARCH p USING PRIMARY KEY" in plan, plan
    finally:
        conn.close()


def test_a_dropped_boundary_leaves_what_was_learned_before_the_next(tmp_path: Path) -> None:
    """Dropping a checkpoint moves its parts to the next boundary kept, where a session has none:
    what was learned of every session before each remaining boundary is unchanged."""
    conn = open_store(tmp_path / "s.db")
    try:
        with conn:
            put_parts(
                conn,
                [
                    ("a", "1", "a1", False),
                    ("a", "2", "a2", False),
                    ("b", "2", "b2", True),
                    ("c", "1", "c1", False),
                    ("c", "3", "c3", False),
                    ("d", "3", "d3", False),
                ],
                after=None,
            )
            before = {at: session_rows(conn, "abcd", at) for at in ("1", "3", "4")}
            drop_checkpoint(conn, "2", "3")
            assert {at: session_rows(conn, "abcd", at) for at in ("1", "3", "4")} == before
            assert conn.execute("SELECT count(*) FROM learn_session_parts WHERE boundary = '2'").fetchone()[0] == 0
    finally:
        conn.close()
