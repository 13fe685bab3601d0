"""What an ingest brought, for the few lines after it (cli/ingest_next_steps.py): the agents and
projects of the sessions it read, their most frequent usage errors, the lessons it learned, and
how much the store holds now. Read-only SQL."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

CHUNK = 500  # session ids per IN list


@dataclass(frozen=True, slots=True)
class NewLesson:
    """A lesson an ingest learned: enough to name it on one line."""

    id: int
    title: str
    status: str
    confidence: float
    failed_sessions: int
    sessions: int


@dataclass(slots=True)
class IngestOverview:
    """The sessions an ingest read (main sessions), what went wrong in them, what it learned."""

    first: bool  # the store held none of the person's sessions before (nothing, or only the bundled sample)
    agents: Counter[str] = field(default_factory=Counter)  # agent -> main sessions read
    projects: int = 0  # projects of the sessions read
    usage_errors: list[tuple[str, int, int]] = field(default_factory=list)  # class, calls, sessions; most first
    lessons: list[NewLesson] = field(default_factory=list)  # learned by the ingest, in use or pending, best first
    lessons_learned: int = 0  # how many of those there are in all
    stored_sessions: int = 0  # main sessions in the store now
    stored_lessons: int = 0  # lessons active or pending in the store now

    @property
    def sessions(self) -> int:
        return sum(self.agents.values())


def stored_main_sessions(conn: sqlite3.Connection) -> int:
    """Main sessions in the store (before an ingest: whether it is the first)."""
    return int(conn.execute("SELECT count(*) FROM sessions WHERE parent_id IS NULL").fetchone()[0])


def ingest_overview(
    conn: sqlite3.Connection, session_ids: Collection[str], learned_since: str | None, *, first: bool, top: int = 3
) -> IngestOverview:
    """The overview of an ingest that read the main sessions `session_ids` and learned the lessons
    created from `learned_since` on (canonical UTC text; None: it did not learn)."""
    overview = IngestOverview(first=first)
    ids = sorted(session_ids)
    if ids:  # the classifier's module, only for sessions read (an ingest with nothing new does without)
        from lessonloop.analyze.error_classes import USAGE_CLASSES
    projects: set[str | None] = set()
    calls: Counter[str] = Counter()
    sessions: Counter[str] = Counter()
    for part in _chunks(ids):
        marks = ", ".join("?" * len(part))
        for agent, project in conn.execute(
            f"SELECT agent, project FROM sessions WHERE parent_id IS NULL AND id IN ({marks})", part
        ):
            overview.agents[agent] += 1
            projects.add(project)
        for label, n, in_sessions in conn.execute(
            f"SELECT class, count(*), count(DISTINCT session_id) FROM call_errors WHERE session_id IN ({marks}) "
            "GROUP BY class",
            part,
        ):
            if label in USAGE_CLASSES:
                calls[label] += n
                sessions[label] += in_sessions  # the chunks hold different sessions: their counts add up
    overview.projects = len(projects)
    overview.usage_errors = sorted(
        ((label, n, sessions[label]) for label, n in calls.items()), key=lambda item: (-item[1], item[0])
    )[:top]
    if learned_since is not None:
        where = "created_at >= ? AND status IN ('active', 'pending')"
        overview.lessons_learned = int(
            conn.execute(f"SELECT count(*) FROM lessons WHERE {where}", (learned_since,)).fetchone()[0]
        )
        overview.lessons = [
            NewLesson(*row)
            for row in conn.execute(
                f"""SELECT id, title, status, confidence, failed_sessions, sessions FROM lessons WHERE {where}
                    ORDER BY status = 'pending', confidence DESC, id LIMIT ?""",
                (learned_since, top),
            )
        ]
    overview.stored_sessions = stored_main_sessions(conn)
    overview.stored_lessons = int(
        conn.execute("SELECT count(*) FROM lessons WHERE status IN ('active', 'pending')").fetchone()[0]
    )
    return overview


def _chunks(ids: Sequence[str]) -> list[list[str]]:
    return [list(ids[start : start + CHUNK]) for start in range(0, len(ids), CHUNK)]
