"""What an export keeps (--project, --since, --until, --min-rating) and how a rating weights a record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """The records an export keeps: of one project (its stored name, exact), from a time on and
    before another (canonical UTC text, arg_types.since_time/until_time; a record without a time is
    then left out), rated at least `min_rating` (a record without a rating is left out)."""

    project: str | None = None
    since: str | None = None
    min_rating: int | None = None
    until: str | None = None

    def keeps(self, project: str | None, timestamp: str | None, rating: int | None) -> bool:
        if self.project is not None and project != self.project:
            return False
        if self.since is not None and (timestamp is None or timestamp < self.since):
            return False
        if self.until is not None and (timestamp is None or timestamp >= self.until):
            return False
        return self.min_rating is None or (rating is not None and rating >= self.min_rating)


def weight(rating: int | None) -> float:
    """A record's training weight from its rating: 1.0 unrated, rating / 3 otherwise (3, the middle
    of 1..5, weighs as an unrated record; 5 weighs 1.667, 1 weighs 0.333)."""
    return 1.0 if rating is None else round(rating / 3, 4)
