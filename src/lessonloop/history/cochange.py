"""Co-change reminders: files that git history shows changing together with the files a session
just changed, and that the session has not touched.

For a changed file F and a partner P (paths relative to the repository's root), from the commits
of the history (merges and commits of more than MAX_COMMIT_FILES files left out, as file
prediction does: a sweep or a mass rename says nothing about which files belong together):

    support    = commits that changed both F and P
    confidence = support / commits that changed F          (P(P changes | F changes))

A reminder names P when support >= MIN_SUPPORT and confidence >= MIN_CONFIDENCE, P is not among
the changed files, and it was not named before (`already`). Each partner is named once, for the
changed file that predicts it best; at most MAX_REMINDERS, strongest first.

The thresholds were tuned on the older 70% of the commits of the shared corpus's git bundles and
their false-alarm rate measured on the newer 30% and on the sessions of the Aider corpus against
their own git history (benchmarks/edit_checks.py; BENCHMARKS.md "Edit checks"). A reminder is a
false alarm when the partner was not changed in the same commit (or, for a session, by its later
edits).

Pure and stdlib only (the PostToolUse hook imports it).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping

MIN_SUPPORT = 5  # commits that changed both files
MIN_CONFIDENCE = 0.8  # of the commits that changed the file, the share that changed the partner too
MAX_COMMIT_FILES = 30  # larger commits (sweeps, mass renames) are not counted
MAX_REMINDERS = 3  # partners named at once

# file -> (commits that changed it, {partner: commits that changed both})
Counts = dict[str, tuple[int, dict[str, int]]]


class Reminder:
    """A partner the history says changes with a changed file: (file, partner, support, confidence)."""

    __slots__ = ("confidence", "file", "partner", "support")

    def __init__(self, file: str, partner: str, support: int, confidence: float) -> None:
        self.file = file
        self.partner = partner
        self.support = support
        self.confidence = confidence

    def as_tuple(self) -> tuple[str, str, int, float]:
        return (self.file, self.partner, self.support, self.confidence)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reminder) and self.as_tuple() == other.as_tuple()

    def __hash__(self) -> int:
        return hash(self.as_tuple())

    def __repr__(self) -> str:
        return f"Reminder{self.as_tuple()!r}"


def reminders(
    counts: Mapping[str, tuple[int, Mapping[str, int]]],
    changed: Iterable[str],
    already: Collection[str] = (),
    min_support: int = MIN_SUPPORT,
    min_confidence: float = MIN_CONFIDENCE,
    limit: int | None = MAX_REMINDERS,
) -> list[Reminder]:
    """The partners of the `changed` files that the history says should change too and were not
    changed (nor named before: `already`), strongest first (confidence, then support, then path)."""
    done = set(changed)
    best: dict[str, Reminder] = {}
    for file in done:
        total, partners = counts.get(file, (0, {}))
        if total < min_support:
            continue
        for partner, both in partners.items():
            if both < min_support or partner in done or partner in already:
                continue
            confidence = both / total
            if confidence < min_confidence:
                continue
            known = best.get(partner)
            if known is None or (confidence, both, known.file) > (known.confidence, known.support, file):
                best[partner] = Reminder(file, partner, both, confidence)
    found = sorted(best.values(), key=lambda r: (-r.confidence, -r.support, r.partner))
    return found if limit is None else found[:limit]


def add_commit(counts: Counts, files: Collection[str], max_files: int = MAX_COMMIT_FILES) -> None:
    """Count one commit's changed files into `counts` (in place); a commit of more than
    `max_files` files is not counted."""
    if not files or len(files) > max_files:
        return
    unique = set(files)
    for file in unique:
        total, partners = counts.get(file, (0, {}))
        for partner in unique:
            if partner != file:
                partners[partner] = partners.get(partner, 0) + 1
        counts[file] = (total + 1, partners)


def reminder_text(found: Iterable[Reminder]) -> str:
    """What the agent is told: each partner, the file it changes with, and how often. The names are
    the repository's (anyone's commits): each quoted as data (core/outside_text.as_data)."""
    from lessonloop.core.outside_text import DATA_NOTE, as_data

    lines = [
        "lessonloop: git history says these files usually change together with the files changed in this session"
        f" ({DATA_NOTE}):"
    ]
    for r in found:
        lines.append(
            f"- {as_data(r.partner)} changed in {r.support} of the {round(r.support / r.confidence)} commits that"
            f" changed {as_data(r.file)} ({r.confidence:.0%}); it is not changed in this session yet. Check whether"
            " it needs the same change."
        )
    return "\n".join(lines)
