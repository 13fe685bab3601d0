"""What `lessonloop cleanup` keeps, though older than its retention, unless `--include-needed` is
given: the rows something learned still needs (store/removal/retention.py).

- A **learned lesson** needs the sessions that hold the last of its evidence: deleting them all
  would delete the lesson, and remember its signature as forgotten (store/forgetting.py).
- What a wing's rows need is the wing's to say (core/wing.py's session_retention): the history's
  file models need the sessions they may have learned from and the commits they learned, and a
  link between a session and a commit needs its commit while the session stays
  (history/session_retention.py). KeptCommits is the shape of the commits kept, as cleanup says it.

These functions run inside the caller's transaction and leave the store as they found it (the
lessons' question is answered by a deletion rolled back to a savepoint).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from lessonloop.store.forgetting import ForgetResult, delete_sessions
from lessonloop.store.migrations import table_names


@dataclass(slots=True)
class KeptCommits:
    """The commits older than the retention that are kept: per file model (its root) those it
    learned, and those only a link to a stored session needs."""

    by_models: dict[str, int] = field(default_factory=dict)
    by_links: int = 0

    @property
    def count(self) -> int:
        return sum(self.by_models.values()) + self.by_links


def sessions_lessons_need(conn: sqlite3.Connection, sessions: list[str], moment: str) -> dict[str, list[int]]:
    """Of the main sessions `sessions`, those whose deletion together would delete a learned lesson
    (none of its evidence left), each with those lessons' ids: found by deleting them in a
    savepoint, then rolling back."""
    if not sessions or not {"lessons", "lesson_evidence"} <= table_names(conn):
        return {}
    learned = "SELECT id FROM lessons WHERE origin = 'learned'"
    before = {int(row[0]) for row in conn.execute(learned)}
    conn.execute("SAVEPOINT ll_retention_trial")
    try:
        delete_sessions(conn, sessions, ForgetResult(sessions=sessions), moment, file_models=())
        doomed = before - {int(row[0]) for row in conn.execute(learned)}
    finally:
        conn.execute("ROLLBACK TO ll_retention_trial")
        conn.execute("RELEASE ll_retention_trial")
    if not doomed:
        return {}
    marks = ", ".join("?" for _ in doomed)
    of = f"e.lesson_id IN ({marks})"
    # The sessions each piece of evidence is tied to: by its session, call, message or finding.
    holders = f"""SELECT h.lesson_id, coalesce(s.parent_id, s.id) FROM (
            SELECT e.lesson_id, e.session_id AS sid FROM lesson_evidence e WHERE {of}
            UNION SELECT e.lesson_id, t.session_id FROM lesson_evidence e JOIN tool_calls t ON t.id = e.tool_use_id WHERE {of}
            UNION SELECT e.lesson_id, m.session_id FROM lesson_evidence e JOIN messages m ON m.uuid = e.message_uuid WHERE {of}
            UNION SELECT e.lesson_id, f.session_id FROM lesson_evidence e JOIN findings f ON f.id = e.finding_id WHERE {of}
        ) h JOIN sessions s ON s.id = h.sid"""
    wanted = set(sessions)
    needed: dict[str, list[int]] = {}
    for lesson, session in conn.execute(holders, sorted(doomed) * 4):
        if str(session) in wanted:
            ids = needed.setdefault(str(session), [])
            if int(lesson) not in ids:
                ids.append(int(lesson))
    return {session: sorted(ids) for session, ids in sorted(needed.items())}
