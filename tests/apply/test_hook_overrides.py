"""How often a lesson's stops were gone past (store/hooks.overrides: sent again and worked), read
by its index of m046 on a current store, and 0 on a store read before m046 (read-only: it cannot be migrated) rather than
an error that would cost the call its decision."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from lessonloop.store import hooks, open_store


def test_overrides_are_counted_per_lesson_and_an_older_store_reads_none(tmp_path: Path) -> None:
    """Only a resent call that then worked goes against a lesson's stop (issue 80: "overrides that
    learn"); one that failed again confirms it, one whose result is not stored yet counts neither."""
    conn = open_store(tmp_path / "lessonloop.db")
    try:
        decisions = (
            ("override", [1, 2], "worked"),
            ("override", [1], "worked-too"),
            ("override", [1, 2], "failed"),
            ("override", [2], None),  # its result not known yet
            ("stop", [1], "stopped"),
            ("warn", [1], "warned"),
        )
        for action, lessons, call_id in decisions:
            hooks.insert_decision(
                conn, "s", "PreToolUse", call_id, "2026-11-26T00:00:00Z", action, json.dumps(lessons), None
            )
        for call_id, ok in (("worked", 1), ("worked-too", 1), ("failed", 0), ("warned", 1)):
            conn.execute(
                hooks.INSERT_CALL,
                {
                    "id": call_id, "session_id": "s", "ts": "2026-11-26T00:00:01Z", "tool": "Bash",
                    "input_json": None, "target_path": None, "command": "git push", "cwd": None, "ok": ok,
                    "status": "ok" if ok else "error", "error_text": None, "error_class": None, "result_text": None,
                },
            )  # fmt: skip
        conn.commit()
        assert [hooks.overrides(conn, n) for n in (1, 2, 3)] == [2, 1, 0]  # resent, and worked
        assert [hooks.confirmed(conn, n) for n in (1, 2, 3)] == [1, 1, 0]  # resent, and failed again
        assert [hooks.resent(conn, n) for n in (1, 2, 3)] == [3, 3, 0]  # every override
    finally:
        conn.close()
    older = sqlite3.connect(":memory:")
    older.execute("CREATE TABLE hook_decisions (action TEXT, lessons TEXT)")  # as before m046: no such index
    older.execute("INSERT INTO hook_decisions VALUES ('override', '[1]')")
    assert hooks.overrides(older, 1) == 0
