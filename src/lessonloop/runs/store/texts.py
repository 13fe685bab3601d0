"""The runs wing's stored texts, for the store's redaction pass (store/redaction_pass.py, handed
over by the wing's Wing.stored_texts()): its free-text columns with their scopes, its columns that
hold none, and what to do when redacting makes two of its rows the same."""

from __future__ import annotations

import sqlite3

TEXT_COLUMNS = (
    ("runs", "command", "command"),
    ("runs", "command_norm", "command"),
    ("runs", "settings", "prose"),
    ("runs", "feedback_note", "prose"),
    ("run_patterns", "pattern", "prose"),
    ("run_matches", "pattern", "prose"),
    ("run_matches", "text", "output"),
    ("run_matches", "before", "output"),
    ("run_matches", "after", "output"),
)
KEPT_COLUMNS = {
    "runs": "started_at ended_at program cwd project profile mode reason idle_periods verdict feedback_at",
    "run_patterns": "kind",
    "run_matches": "kind stream",
}
CLEARED_AFTER_PASS: tuple[str, ...] = ()


def merge_same(conn: sqlite3.Connection, table: str, rowid: int, changes: dict[str, str]) -> bool:
    """Two patterns of a run that redacting made the same one: their match counts add up (as the
    run's writer does), the row redacted goes. False for any other table."""
    if table != "run_patterns":
        return False
    conn.execute(
        """UPDATE run_patterns SET matches = matches + (SELECT matches FROM run_patterns WHERE rowid = ?)
           WHERE (run_id, kind, pattern) = (SELECT run_id, kind, ? FROM run_patterns WHERE rowid = ?)""",
        (rowid, changes["pattern"], rowid),
    )
    conn.execute("DELETE FROM run_patterns WHERE rowid = ?", (rowid,))
    return True
