"""Progress toward the three training milestones of lessonloop's origin design 2 (ML data
collection, "Training Milestones"; docs/quality.md), and when each is reached at the recent rate.

Pure: counts in, progress and estimates out (dataset/milestone_queries.py reads the counts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from lessonloop.core.timestamps import format_timestamp, parse_timestamp

KINDS = ("commits", "sessions", "chats")


@dataclass(frozen=True, slots=True)
class Milestone:
    name: str
    use: str
    needs: Mapping[str, int]  # kind -> how many


# The origin design's table, as it states it (commits, sessions, chats).
MILESTONES: tuple[Milestone, ...] = (
    Milestone("File Prediction", "predict which files to modify", {"commits": 500, "sessions": 100, "chats": 200}),
    Milestone("Commit Messages", "generate commit messages", {"commits": 2000, "sessions": 500, "chats": 1000}),
    Milestone("Code Suggestions", "full code assistance", {"commits": 5000, "sessions": 2000, "chats": 5000}),
)
WINDOW_DAYS = 30  # the recent collection rate: what was collected in the last 30 days


@dataclass(frozen=True, slots=True)
class Need:
    kind: str
    have: int
    need: int
    per_day: float  # the recent rate
    days_left: float | None  # 0 reached; None: not reachable at the current rate

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "have": self.have,
            "need": self.need,
            "share": round(min(1.0, self.have / self.need), 4),
            "per_day": round(self.per_day, 3),
            "days_left": None if self.days_left is None else round(self.days_left, 1),
        }


@dataclass(frozen=True, slots=True)
class Progress:
    milestone: Milestone
    needs: tuple[Need, ...]
    reached: bool
    share: float  # the smallest share of the three: a milestone needs all of them
    days_left: float | None  # None: not reachable at the current rate
    eta: str | None  # when, at the current rate (None: reached, or not reachable)

    def to_json(self) -> dict[str, Any]:
        return {
            "milestone": self.milestone.name,
            "use": self.milestone.use,
            "reached": self.reached,
            "progress": round(self.share, 4),
            "days_left": None if self.days_left is None else round(self.days_left, 1),
            "reachable": self.reached or self.days_left is not None,
            "eta": self.eta,
            "needs": [n.to_json() for n in self.needs],
        }


def progress(
    counts: Mapping[str, int], recent: Mapping[str, int], now: str, window_days: float = WINDOW_DAYS
) -> list[Progress]:
    """Each milestone's progress from the stored `counts` and the `recent` counts (collected in the
    last `window_days` before `now`). A kind still short and collected at no rate makes its
    milestone unreachable at the current rate; otherwise the milestone is reached when its slowest
    kind is."""
    out = []
    for milestone in MILESTONES:
        needs = []
        for kind in KINDS:
            have, need = int(counts.get(kind, 0)), milestone.needs[kind]
            rate = int(recent.get(kind, 0)) / window_days
            left = max(0, need - have)
            days = 0.0 if left == 0 else (left / rate if rate > 0 else None)
            needs.append(Need(kind, have, need, rate, days))
        reached = all(n.days_left == 0 for n in needs)
        waits = [n.days_left for n in needs]
        days_left = None if any(d is None for d in waits) else max(d for d in waits if d is not None)
        eta = None
        if not reached and days_left is not None:
            eta = format_timestamp(parse_timestamp(now) + timedelta(days=math.ceil(days_left)))
        share = min(min(1.0, n.have / n.need) for n in needs)
        out.append(Progress(milestone, tuple(needs), reached, share, days_left, eta))
    return out
