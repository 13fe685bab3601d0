"""The bundled sample in the dashboards (the web UI and `report --html`).

The sample (src/lessonloop/sample/) is ingested when no transcript of the person's is found, and
the first ingest of real transcripts removes it; a sample session can still survive beside real
ones (the sample's folder ingested by its path, with or after real transcripts). Its days, weeks
or months away from the real ones would then stretch every time axis, the real data squeezed
into a corner. So once the store holds a real main session, the sample's sessions are left out
of every dashboard (errors, mistakes, habits, tokens, the replay) and the page says so; a store
of the sample alone shows it.

A sample session is a main session read from a source file marked `is_sample` (a subagent goes
with its main session). Read-only SQL.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from lessonloop.learning.engine.history import History


def is_sample(alias: str = "s") -> str:
    """SQL condition on the main session `alias`: read from the bundled sample."""
    return f"coalesce({alias}.source_file_id IN (SELECT id FROM source_files WHERE is_sample = 1), 0)"


@dataclass(frozen=True, slots=True)
class SampleScope:
    """The sample's main sessions in the store, and whether the dashboards leave them out."""

    sessions: frozenset[str] = frozenset()
    left_out: bool = False  # real sessions are stored too
    first_day: str | None = None  # the sample's days (UTC), for the page's note
    last_day: str | None = None

    def condition(self, alias: str = "s") -> str:
        """SQL condition on the main session `alias`: shown in the dashboards."""
        return f"NOT {is_sample(alias)}" if self.left_out else "1"

    def shown(self, session_id: str) -> bool:
        """Whether a session (a main session's id, or a subagent's "main/agent") is shown."""
        return not self.left_out or session_id.partition("/")[0] not in self.sessions

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": len(self.sessions),
            "left_out": self.left_out,
            "first_day": self.first_day,
            "last_day": self.last_day,
        }


def sample_scope(conn: sqlite3.Connection) -> SampleScope:
    """The store's sample sessions; left out when a main session of real data is stored too."""
    sessions = frozenset(
        str(row[0]) for row in conn.execute(f"SELECT s.id FROM sessions s WHERE s.parent_id IS NULL AND {is_sample()}")
    )
    if not sessions:
        return SampleScope()
    real = conn.execute(f"SELECT 1 FROM sessions s WHERE s.parent_id IS NULL AND NOT {is_sample()} LIMIT 1").fetchone()
    tree = f"""SELECT k.id FROM sessions k WHERE coalesce(k.parent_id, k.id) IN
                 (SELECT s.id FROM sessions s WHERE s.parent_id IS NULL AND {is_sample()})"""
    first, last = conn.execute(
        f"""SELECT min(substr(ts, 1, 10)), max(substr(ts, 1, 10)) FROM (
              SELECT ts FROM messages WHERE session_id IN ({tree}) AND ts IS NOT NULL
              UNION ALL SELECT ts FROM tool_calls WHERE session_id IN ({tree}) AND ts IS NOT NULL)"""
    ).fetchone()
    return SampleScope(sessions, real is not None, first, last)


def without_sample(history: History, scope: SampleScope) -> History:
    """`history` (the replay's) without the sample's sessions when the scope leaves them out."""
    if not scope.left_out:
        return history

    events = [e for e in history.events if scope.shown(e.session_id)]
    kept = {e.call.id for e in events}
    return History(
        events=events,
        corrections=[c for c in history.corrections if scope.shown(c.session_id)],
        session_starts={k: v for k, v in history.session_starts.items() if scope.shown(k)},
        warnings={k: v for k, v in history.warnings.items() if k in kept},
        prompts={k: v for k, v in history.prompts.items() if scope.shown(k)},
        files=history.files,
    )
