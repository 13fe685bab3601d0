"""A lesson's figures for the web UI and the HTML report: its confidence over time, worked out
from its evidence, and the outcomes of the warnings it gave.

The confidence curve replays the lesson's evidence in time order: a session with the mistake (a
failure, a correction, a finding, a rule broken) counts as failed, one where the trigger matched
and nothing failed (a success without the prevention, a warning heeded) as a clean trial; after each day the Wilson lower bound of failed / trials is the point (the
formula of lesson_model/confidence.py, without decay). Evidence rows kept are what it has: a
lesson merged from others or imported may have fewer than its counters say.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lessonloop.lesson_model.confidence import wilson_lower_bound
from lessonloop.store.lessons.reader import EventRow, EvidenceRow

_FAILED_ROLES = frozenset({"failure", "correction", "finding", "rule"})  # the mistake happened
_CLEAN_ROLES = frozenset({"success", "prevented"})  # the trigger matched and nothing failed


def confidence_curve(evidence: Iterable[EvidenceRow]) -> list[dict[str, Any]]:
    """[{day, sessions, failed_sessions, confidence}] after each day with evidence, oldest first."""
    failed: set[str] = set()
    trials: set[str] = set()
    points: dict[str, dict[str, Any]] = {}
    for row in sorted(evidence, key=lambda e: (e.ts or "", e.id)):
        if row.role not in _FAILED_ROLES | _CLEAN_ROLES or not row.session_id or not row.ts:
            continue
        trials.add(row.session_id)
        if row.role in _FAILED_ROLES:
            failed.add(row.session_id)
        day = row.ts[:10]
        points[day] = {
            "day": day,
            "sessions": len(trials),
            "failed_sessions": len(failed),
            "confidence": round(wilson_lower_bound(len(failed), len(trials)), 4),
        }
    return list(points.values())


def warning_outcomes(evidence: Iterable[EvidenceRow], events: Iterable[EventRow]) -> dict[str, Any]:
    """What the lesson's warnings led to: the calls where the prevention was then done (role
    prevented) per day, and the history's events counted by kind."""
    prevented: dict[str, int] = {}
    for row in evidence:
        if row.role == "prevented" and row.ts:
            prevented[row.ts[:10]] = prevented.get(row.ts[:10], 0) + 1
    counts: dict[str, int] = {}
    for event in events:
        counts[event.event] = counts.get(event.event, 0) + 1
    return {
        "prevented_by_day": [{"day": day, "prevented": n} for day, n in sorted(prevented.items())],
        "events": dict(sorted(counts.items())),
    }
