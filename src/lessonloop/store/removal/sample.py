"""Removing the bundled sample once real transcripts are ingested: its records, what analysis
found in them, and the lessons learned from it.

The sample (src/lessonloop/sample/) is ingested only when no transcript of the person's is
found, so that lessonloop can be tried; the first ingest of real transcripts removes it
(pipeline/ingest.py). In one transaction:

- every row tied to the sample's sessions, as `lessonloop forget` deletes them
  (store/forgetting.delete_sessions), without remembering the sessions as forgotten;
- the lesson evidence they gave: a learned lesson with no other evidence is deleted, with a
  `removed` event giving the reason (not `forgotten`: real sessions may teach it again); a lesson
  with other evidence keeps only that, and its counts lose the sample's sessions (sessions,
  failed sessions, observations, prevented; confidence and tier recomputed) until the learning
  that follows the ingest recounts it from the remaining history;
- the sample's source files and anything else they stored.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from lessonloop.core.timestamps import days_between, utc_now
from lessonloop.store.transaction import transaction

SAMPLE_REMOVED = "learned only from the bundled sample, which real transcripts replaced"
SAMPLE_RECOUNTED = "the bundled sample's sessions no longer count: real transcripts replaced it"


@dataclass(frozen=True, slots=True)
class SampleRemoval:
    """What removing the sample did."""

    sessions: int = 0  # the sample's main sessions removed
    lessons_removed: int = 0  # learned lessons whose only evidence was the sample
    lessons_recounted: int = 0  # lessons that keep other evidence, their counts without the sample

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "lessons_removed": self.lessons_removed,
            "lessons_recounted": self.lessons_recounted,
        }


def remove_sample(conn: sqlite3.Connection, *, now: str | None = None) -> SampleRemoval | None:
    """Remove the bundled sample from the store (see the module's docstring); None when the
    store holds none of it."""
    files = [int(row[0]) for row in conn.execute("SELECT id FROM source_files WHERE is_sample = 1")]
    if not files:
        return None  # (every ingest of real transcripts asks: what removing needs is imported after)
    from lessonloop.store.forgetting import ForgetResult, delete_sessions
    from lessonloop.store.sessions.writer import clear_file_records

    moment = now or utc_now()
    marks = ", ".join("?" * len(files))
    with transaction(conn):
        contexts = [
            str(row[0])
            for row in conn.execute(
                f"""SELECT id FROM sessions WHERE source_file_id IN ({marks})
                    UNION SELECT session_id FROM file_sessions WHERE source_file_id IN ({marks})""",
                [*files, *files],
            )
        ]
        mains = sorted(
            {
                str(row[0])
                for row in conn.execute(
                    f"""SELECT coalesce(parent_id, id) FROM sessions
                        WHERE id IN ({", ".join("?" * len(contexts))})""",
                    contexts,
                )
            }
            | {c.partition("/")[0] for c in contexts}
        )
        recounted = _recount_shared_lessons(conn, mains, moment)
        result = ForgetResult(sessions=mains)
        delete_sessions(conn, mains, result, moment, removed_because=SAMPLE_REMOVED)
        for file_id in files:
            clear_file_records(conn, file_id, cascade=False)
        conn.execute(f"DELETE FROM source_files WHERE id IN ({marks})", files)
    return SampleRemoval(sessions=len(mains), lessons_removed=result.lessons_forgotten, lessons_recounted=recounted)


def _recount_shared_lessons(conn: sqlite3.Connection, mains: list[str], moment: str) -> int:
    """Take the sample's sessions out of the counts of the lessons that also have evidence from
    elsewhere (the lessons with only sample evidence are deleted next). Returns how many."""
    from lessonloop.lesson_model import confidence as conf
    from lessonloop.store.lessons.writer import log_event

    if not mains:
        return 0
    conn.execute("DROP TABLE IF EXISTS temp._ll_sample")
    conn.execute("CREATE TEMP TABLE _ll_sample (id TEXT PRIMARY KEY)")
    try:
        conn.executemany("INSERT OR IGNORE INTO temp._ll_sample (id) VALUES (?)", [(m,) for m in mains])
        conn.execute(
            "INSERT OR IGNORE INTO temp._ll_sample SELECT id FROM sessions WHERE parent_id IN (SELECT id FROM temp._ll_sample)"
        )
        rows = conn.execute(
            """SELECT l.id, l.signature, l.sessions, l.failed_sessions, l.observations, l.prevented, l.confidence,
                      l.tier, l.last_seen,
                      count(DISTINCT e.session_id),
                      count(DISTINCT CASE WHEN e.role IN ('failure', 'correction') THEN e.session_id END),
                      sum(e.role IN ('failure', 'correction')),
                      sum(e.role = 'prevented')
               FROM lessons l JOIN lesson_evidence e ON e.lesson_id = l.id
               WHERE e.session_id IN (SELECT id FROM temp._ll_sample)
                 AND EXISTS (SELECT 1 FROM lesson_evidence o WHERE o.lesson_id = l.id
                             AND (o.session_id IS NULL OR o.session_id NOT IN (SELECT id FROM temp._ll_sample)))
               GROUP BY l.id"""
        ).fetchall()
        for row in rows:
            lesson_id, signature, sessions, failed, observations, prevented, value, tier, last_seen = row[:9]
            in_sample, failed_in_sample, observed_in_sample, prevented_in_sample = row[9:]
            sessions = max(0, sessions - in_sample)
            failed = min(sessions, max(0, failed - failed_in_sample))
            if sessions > 0:
                days = days_between(last_seen, moment) if last_seen else 0.0
                value = conf.confidence(failed, sessions, days)
            conn.execute(
                """UPDATE lessons SET sessions = ?, failed_sessions = ?, observations = ?, prevented = ?,
                       confidence = ?, tier = ?, updated_at = ?, learned_confidence = NULL WHERE id = ?""",
                (
                    sessions,
                    failed,
                    max(0, observations - int(observed_in_sample or 0)),
                    max(0, prevented - int(prevented_in_sample or 0)),
                    round(value, 6),
                    conf.next_tier(value, tier, failed if sessions else None),
                    moment,
                    lesson_id,
                ),
            )
            log_event(conn, lesson_id, signature, moment, "recounted", {"reason": SAMPLE_RECOUNTED})
        return len(rows)
    finally:
        conn.execute("DROP TABLE IF EXISTS temp._ll_sample")
