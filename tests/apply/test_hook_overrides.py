"""How often a lesson's stops were gone past (store/hooks.overrides), read by its index of m046 on
a current store, and 0 on a store read before m046 (read-only: it cannot be migrated) rather than
an error that would cost the call its decision."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from lessonloop.store import hooks, open_store


def test_overrides_are_counted_per_lesson_and_an_older_store_reads_none(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "lessonloop.db")
    try:
        for action, lessons in (("override", [1, 2]), ("override", [1]), ("stop", [1]), ("warn", [1])):
            hooks.insert_decision(
                conn, "s", "PreToolUse", None, "2026-11-26T00:00:00Z", action, json.dumps(lessons), None
            )
        conn.commit()
        assert (hooks.overrides(conn, 1), hooks.overrides(conn, 2), hooks.overrides(conn, 3)) == (2, 1, 0)
    finally:
        conn.close()
    older = sqlite3.connect(":memory:")
    older.execute("CREATE TABLE hook_decisions (action TEXT, lessons TEXT)")  # as before m046: no such index
    older.execute("INSERT INTO hook_decisions VALUES ('override', '[1]')")
    assert hooks.overrides(older, 1) == 0
