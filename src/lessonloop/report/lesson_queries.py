"""What the store holds about one lesson beyond its row (read-only SQL): the hooks' decisions that
gave it, for the lesson's page (web UI and HTML report)."""

from __future__ import annotations

import sqlite3
from typing import Any


def lesson_warnings(conn: sqlite3.Connection, lesson_id: int, limit: int = 200) -> list[dict[str, Any]]:
    """The hooks' decisions that gave this lesson (warn, ask, block, inject), newest first, with
    how the call went when it was a tool call: ok, error, or not run (denied or not recorded)."""
    return [
        {"ts": ts, "event": event, "action": action, "session_id": session_id, "tool_use_id": call, "status": status}
        for ts, event, action, session_id, call, status in conn.execute(
            """SELECT d.ts, d.event, d.action, d.session_id, d.tool_use_id, c.status
               FROM hook_decisions d LEFT JOIN tool_calls c ON c.id = d.tool_use_id
               WHERE d.lessons IS NOT NULL AND json_valid(d.lessons)
                 AND EXISTS (SELECT 1 FROM json_each(d.lessons) j WHERE j.value = ?)
               ORDER BY d.ts DESC, d.id DESC LIMIT ?""",
            (lesson_id, limit),
        )
    ]
