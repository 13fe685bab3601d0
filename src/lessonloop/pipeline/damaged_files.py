"""A file of a format that only grows (an Aider history: `FileFormat.grows_only`) found damaged:
shorter than what was read of it, or the bytes read before changed (truncated, flipped, no longer
valid UTF-8). Its agent never rewrites it, so the change is damage (or an edit), and what was read
before is the better record: reading it again must never delete a session stored from it.

So the file is read again from its start, twice (pipeline/ingest._read_file):
1. a survey: the sessions it holds now, in file order (`survey`);
2. the read stored: a session stored from it before is left as stored (its records in the new
   read are dropped, `drop_sessions`); a session not stored before is stored when it comes after
   the last of those still in the file (appended since, or after a truncation); one before it is
   not (a session whose heading the damage changed: it would be a copy of a stored one).
A message names the file, what was wrong and what was kept (`damage_problem`), counted as a problem.

A later read must not replace a kept session either: when the file ends in one, the read records no
restart point (the parser's restart re-reads the last session of its batch, whole) and no parser
state; the next read starts at the end of the file, and lines that continue that session before the
next heading are not read (the parser's).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lessonloop.core.records import Batch, Problem

CODE = "damaged-file"


@dataclass(slots=True)
class Damage:
    """What a damaged file's reads need to know and report."""

    reason: str  # what was wrong, in words
    stored: frozenset[str]  # the sessions stored from the file before
    order: list[str] = field(default_factory=list)  # its sessions now, in file order
    invalid_lines: int = 0  # lines of it that are no longer valid UTF-8 (the parser's problems)
    new: set[str] = field(default_factory=set)  # the sessions to store: after the last stored one
    dropped_calls: set[str] = field(default_factory=set)  # calls of the sessions left as stored

    def decide(self) -> None:
        """Which sessions are new: those after the last session already stored."""
        last = max((i for i, sid in enumerate(self.order) if sid in self.stored), default=-1)
        self.new = {sid for sid in self.order[last + 1 :] if sid not in self.stored}

    def kept(self, session_id: str) -> bool:
        return session_id in self.stored

    @property
    def changed(self) -> int:
        """Sessions in the file that were not stored and are not new: their headings changed."""
        return sum(1 for sid in self.order if sid not in self.stored and sid not in self.new)


def survey(damage: Damage, batches: Iterable[Batch]) -> None:
    """Take in the first read's batches: the order of their sessions, their invalid lines."""
    seen = set(damage.order)
    for batch in batches:
        for session_id in batch.sessions:
            if session_id not in seen:
                seen.add(session_id)
                damage.order.append(session_id)
        damage.invalid_lines += sum(1 for p in batch.problems if p.code == "invalid-utf8")
    damage.decide()


def drop_sessions(batch: Batch, damage: Damage) -> None:
    """Leave out of `batch` every session that is not new (kept as stored, or a changed copy), with
    its messages, calls, their results and its token rows."""
    drop = {sid for sid in batch.sessions if sid not in damage.new}
    if not drop:
        return
    for sid in drop:
        del batch.sessions[sid]
    batch.replaced_sessions -= drop
    batch.messages = [m for m in batch.messages if m.session_id not in drop]
    damage.dropped_calls.update(c.id for c in batch.tool_calls if c.session_id in drop)
    batch.tool_calls = [c for c in batch.tool_calls if c.session_id not in drop]
    batch.tool_results = [r for r in batch.tool_results if r.tool_use_id not in damage.dropped_calls]
    batch.usage = {key: u for key, u in batch.usage.items() if u.session_id not in drop}


def ends_in_kept_session(batch: Batch, damage: Damage) -> bool:
    """Whether the batch's last session (the one a restart would read again) is one kept as stored."""
    last = next(reversed(batch.sessions), None) if batch.sessions else None
    return last is not None and last not in damage.new


def damage_problem(path: str, damage: Damage) -> Problem:
    """The message naming the file, what was wrong and what was kept."""
    present = sum(1 for sid in damage.order if sid in damage.stored)
    gone = len(damage.stored) - present
    text = f"damaged: {damage.reason}"
    if damage.invalid_lines:
        text += f" ({damage.invalid_lines:,} line{'s are' if damage.invalid_lines != 1 else ' is'} not valid UTF-8)"
    text += (
        f"; the {len(damage.stored):,} session{'s' if len(damage.stored) != 1 else ''} read from it before are kept "
        "as they were stored"
    )
    if gone:
        text += f" ({gone:,} of them no longer in the file)"
    text += f"; {len(damage.new):,} new session{'s' if len(damage.new) != 1 else ''} after them read"
    if damage.changed:
        one = damage.changed == 1
        text += (
            f"; {damage.changed:,} session{'' if one else 's'} before them whose heading changed not stored "
            f"({'a copy of one' if one else 'copies of ones'} kept)"
        )
    return Problem(path, None, CODE, text)
