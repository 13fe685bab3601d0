"""What lessonloop prevented, from the store alone (issue 80, item 8): per lesson and overall, the
calls the hooks stopped, the calls that worked after a stop (the changed call did what the lesson
says: a success after prevention), the stopped calls sent again (an override) and how those went
(worked: against the stop; failed again: the stop was right), and each mistake's repeat rate
before and after the hooks were installed.

The repeat rate of a lesson's mistake: of the sessions of its scope (its project's, or every
session for a global lesson) that started after its first failure, the share in which it failed
again, counted apart for the sessions before the hooks' first decision and those after. A mistake
the hooks prevent fails in fewer of the later sessions. `lessonloop report` prints it, its --json
gives it whole.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from lessonloop.core.rates import rate, rounded

SHOWN = 10  # lessons listed, most stops first


@dataclass(slots=True)
class LessonPrevention:
    """One lesson's figures."""

    lesson_id: int
    title: str
    stops: int = 0
    worked_after_stop: int = 0  # the next call did what the lesson says, and worked
    resent: int = 0  # the stopped call sent again unchanged (it ran)
    resent_worked: int = 0  # ... and worked: against the stop
    resent_failed: int = 0  # ... and failed again: the stop was right
    failing_before: int = 0  # sessions before the hooks in which the mistake came back
    sessions_before: int = 0
    failing_after: int = 0
    sessions_after: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "lesson_id": self.lesson_id,
            "title": self.title,
            "stops": self.stops,
            "worked_after_stop": self.worked_after_stop,
            "resent": self.resent,
            "resent_worked": self.resent_worked,
            "resent_failed": self.resent_failed,
            "repeat_rate_before": rounded(rate(self.failing_before, self.sessions_before)),
            "repeat_sessions_before": [self.failing_before, self.sessions_before],
            "repeat_rate_after": rounded(rate(self.failing_after, self.sessions_after)),
            "repeat_sessions_after": [self.failing_after, self.sessions_after],
        }


@dataclass(slots=True)
class Prevention:
    """Every lesson's figures summed, and the lessons that stopped a call or came back."""

    hooks_since: str | None = None  # the hooks' first decision: when they were installed, as the store knows
    lessons: list[LessonPrevention] = field(default_factory=list)
    # a declared rule (analyze/declared_rules.py) -> [calls it stopped, of them sent again unchanged]
    declared: dict[str, list[int]] = field(default_factory=dict)

    def total(self, name: str) -> int:
        return sum(int(getattr(lesson, name)) for lesson in self.lessons)

    def to_json(self) -> dict[str, Any]:
        before, after = self.total("failing_before"), self.total("failing_after")
        return {
            "hooks_since": self.hooks_since,
            "stops": self.total("stops"),
            "worked_after_stop": self.total("worked_after_stop"),
            "resent": self.total("resent"),
            "resent_worked": self.total("resent_worked"),
            "resent_failed": self.total("resent_failed"),
            "repeat_rate_before": rounded(rate(before, self.total("sessions_before"))),
            "repeat_rate_after": rounded(rate(after, self.total("sessions_after"))),
            "lessons": [lesson.to_json() for lesson in self.shown()],
            # a declared rule's stops, and the calls it prevented: stopped and not sent again unchanged
            "declared": [
                {"rule": rule, "stops": stops, "resent": resent, "prevented": max(0, stops - resent)}
                for rule, (stops, resent) in sorted(self.declared.items())
            ],
        }

    def shown(self, limit: int = SHOWN) -> list[LessonPrevention]:
        """The lessons that stopped a call or came back, most stops first."""
        told = [lesson for lesson in self.lessons if lesson.stops or lesson.failing_before or lesson.failing_after]
        return sorted(told, key=lambda lesson: (-lesson.stops, -lesson.failing_after, lesson.lesson_id))[:limit]


def lesson_prevention(conn: sqlite3.Connection, lesson_id: int) -> LessonPrevention:
    """One lesson's figures (`lessons show`, the web UI's lesson page), whatever its status."""
    found = prevention(conn, lesson_id=lesson_id).lessons
    return found[0] if found else LessonPrevention(lesson_id, "")


def prevention(conn: sqlite3.Connection, project: str | None = None, *, lesson_id: int | None = None) -> Prevention:
    """The store's prevention figures (of `project`'s lessons and global ones when given; of the
    one lesson `lesson_id` when given, whatever its status)."""
    out = Prevention(hooks_since=_first_decision(conn))
    if lesson_id is not None:
        lessons = conn.execute(
            "SELECT id, title, project, scope, first_seen FROM lessons WHERE id = ?", (lesson_id,)
        ).fetchall()
    else:
        lessons = conn.execute(
            """SELECT id, title, project, scope, first_seen FROM lessons
               WHERE status IN ('active', 'archived') AND error_signature IS NOT NULL
                 AND (? IS NULL OR project = ? OR scope = 'global')""",
            (project, project),
        ).fetchall()
    stops = _counts(
        conn,
        """SELECT v.value, count(*) FROM hook_decisions d,
                  json_each(COALESCE(json_extract(d.detail, '$.stopping'), '[]')) v
           WHERE d.action = 'stop' GROUP BY v.value""",
    )
    resent = _outcomes(conn)
    worked = _counts(
        conn,
        """SELECT e.lesson_id, count(*) FROM lesson_evidence e
           WHERE e.role = 'prevented' AND json_extract(e.detail, '$.after_warning') IN
                 (SELECT tool_use_id FROM hook_decisions WHERE action = 'stop' AND tool_use_id IS NOT NULL)
           GROUP BY e.lesson_id""",
    )
    for action, declared in conn.execute(
        """SELECT d.action, v.value FROM hook_decisions d,
                  json_each(COALESCE(json_extract(d.detail, '$.declared'), '[]')) v
           WHERE d.action IN ('stop', 'override')"""
    ):
        counts = out.declared.setdefault(str(declared), [0, 0])
        counts[0 if action == "stop" else 1] += 1
    for lesson_id, title, own_project, scope, first_seen in lessons:
        figures = LessonPrevention(int(lesson_id), str(title))
        figures.stops = stops.get(int(lesson_id), 0)
        figures.worked_after_stop = worked.get(int(lesson_id), 0)
        figures.resent, figures.resent_worked, figures.resent_failed = resent.get(int(lesson_id), (0, 0, 0))
        _repeats(conn, figures, None if scope == "global" else own_project, first_seen, out.hooks_since)
        out.lessons.append(figures)
    return out


def _first_decision(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT min(ts) FROM hook_decisions WHERE event = 'PreToolUse'").fetchone()
    return str(row[0]) if row and row[0] else None


def _counts(conn: sqlite3.Connection, query: str) -> dict[int, int]:
    out: dict[int, int] = {}
    for key, n in conn.execute(query):
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            out[int(key)] = out.get(int(key), 0) + int(n)
    return out


def _outcomes(conn: sqlite3.Connection) -> dict[int, tuple[int, int, int]]:
    """Each lesson's stopped calls sent again: (all, then worked, then failed)."""
    out: dict[int, list[int]] = {}
    rows = conn.execute(
        """SELECT d.lessons,
                  COALESCE((SELECT ok FROM live_calls l WHERE l.id = d.tool_use_id),
                           (SELECT ok FROM tool_calls c WHERE c.id = d.tool_use_id))
           FROM hook_decisions d WHERE d.action = 'override' AND d.lessons IS NOT NULL"""
    )
    for lessons, ok in rows:
        try:
            ids = json.loads(lessons)
        except ValueError:
            continue
        for lesson_id in ids if isinstance(ids, list) else ():
            if not isinstance(lesson_id, int):
                continue
            counts = out.setdefault(lesson_id, [0, 0, 0])
            counts[0] += 1
            if ok == 1:
                counts[1] += 1
            elif ok == 0:
                counts[2] += 1
    return {lesson_id: (c[0], c[1], c[2]) for lesson_id, c in out.items()}


def _repeats(
    conn: sqlite3.Connection, figures: LessonPrevention, project: str | None, first_seen: str | None, since: str | None
) -> None:
    """The sessions after the lesson's first failure (of its project when given), and those in which
    it failed again, before and after `since` (the hooks' first decision; all "before" without one)."""
    if not first_seen:
        return
    scope = "AND s.project = ?" if project is not None else ""
    values: list[object] = [first_seen, *([project] if project is not None else [])]
    sessions = conn.execute(
        f"""SELECT s.started_at >= ? AS after_hooks, count(*) FROM sessions s
            WHERE s.parent_id IS NULL AND s.started_at > ? {scope} GROUP BY 1""",
        [since or "\uffff", *values],
    ).fetchall()
    failing = conn.execute(
        f"""SELECT s.started_at >= ? AS after_hooks, count(DISTINCT s.id) FROM lesson_evidence e
            JOIN sessions s ON s.id = e.session_id
            WHERE e.lesson_id = ? AND e.role = 'failure' AND s.started_at > ? {scope} GROUP BY 1""",
        [since or "\uffff", figures.lesson_id, *values],
    ).fetchall()
    for after, n in sessions:
        if after:
            figures.sessions_after += int(n)
        else:
            figures.sessions_before += int(n)
    for after, n in failing:
        if after:
            figures.failing_after += int(n)
        else:
            figures.failing_before += int(n)
