"""One learning run over the store: from scratch (every call through a cursor) or on from the
stored state (only what is at or after its boundary), with the same result.

The state (store/learn_state.py) is the learner after every call and correction before a time
boundary B, a little before the latest call (TAIL), and, for each main session with calls or
corrections before B, a digest of them and whether the learner had ended it. A run goes on from
the state when nothing before B changed: it checks each main session with new or changed rows
(the rowids past the last run's, the triggers' learn_changes): a session the state does not know
must have nothing before B (else it arrived late: a session ingested after later ones), a known
one the same digest of what is before B, and one the learner had ended nothing after B (else it
was resumed). Then it restores the learner, learns the calls and corrections at or after B in
learning's order (two sessions running at once interleave exactly as a relearn interleaves
them: whatever arrives after B, in any order, is learned again in time order at each run), stores
the state at the new boundary, and ends every session for the lessons it saves. Otherwise it
learns everything again. Both ways run the same loop over the same items in the same order, so
they end with the same lessons, counts and evidence.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from lessonloop.learn.engine import Learner, Policy
from lessonloop.learn.events import CallEvent
from lessonloop.learn.history import CorrectionEvent, in_learning_order
from lessonloop.learn.learner_state import dump_state, event_ids, load_state
from lessonloop.learn.learning_loop import LoopPlug, run_loop
from lessonloop.pipeline import learning_events as ev
from lessonloop.pipeline.batch_learning import changed_types
from lessonloop.store.learn_state import LearnState, changed_sessions, new_row_sessions, session_rows
from lessonloop.timestamps import format_timestamp, parse_timestamp
from lessonloop.tool_kinds import CHANGE_KINDS

TAIL = timedelta(hours=12)  # the boundary trails the latest call by this much: later arrivals are learned again exactly


@dataclass(slots=True)
class Outcome:
    """What a run learned: the learner with every session ended, the state to store, and the
    learn_sessions rows to write."""

    learner: Learner
    state: LearnState
    sessions: dict[str, tuple[str, bool]]
    full: bool
    reason: str | None  # why everything was learned again (None: on from the state, or no state)
    calls: int = 0
    # (project, file type, main session) of the changes learned: before the new boundary / after it
    edits_before: set[tuple[str | None, str, str]] = field(default_factory=set)
    edits_after: set[tuple[str | None, str, str]] = field(default_factory=set)


def new_boundary(conn: sqlite3.Connection, old: str | None, now: str) -> str:
    """TAIL before the latest call (or before `now`, when calls are dated later), never earlier
    than the last boundary. Any text works as a boundary (learning's order is the text order of
    times); this one keeps the part learned again small."""
    latest = ev.latest_time(conn)
    cut = min(latest, now) if latest else now
    try:
        boundary = format_timestamp(parse_timestamp(cut) - TAIL)
    except ValueError:
        boundary = old or ""
    return max(boundary, old or "")


def learn_all(
    conn: sqlite3.Connection, policy: Policy | None, version: str, marks: dict[str, int], now: str, reason: str | None
) -> Outcome:
    """Learn every call and correction of the store again, through a cursor."""
    boundary = new_boundary(conn, None, now)
    learner = Learner(policy, prompts=ev.SessionPrompts(conn))
    warnings = ev.all_warnings(conn)
    items = ev.all_calls(conn, warnings)
    outcome = Outcome(learner, LearnState(version, boundary, marks, [], {}), {}, True, reason)
    snapshot, digests, ended, tail = _run(conn, outcome, items, ev.all_corrections(conn), ev.last_calls(conn), boundary)
    for root, ts, text in ev.all_prompts(conn):  # what the learner read of the person's prompts
        if ts < boundary:
            digests[root] = ev.add_digest(digests.get(root, 0), ev.prompt_hash(root, ts, text))
        else:
            tail.add(root)
    outcome.state.learner, outcome.state.tail_sessions = snapshot, sorted(tail)
    outcome.sessions = {root: (ev.digest_text(d), root in ended) for root, d in digests.items()}
    return outcome


def learn_on(
    conn: sqlite3.Connection, policy: Policy | None, stored: LearnState, marks: dict[str, int], now: str
) -> Outcome | str:
    """Learn on from `stored`; or why that would not give what learning everything gives."""
    b = stored.boundary
    changed = changed_sessions(conn, stored.marks.get("learn_changes", 0), marks["learn_changes"])
    roots, gone = ev.roots_of(conn, changed)
    if gone:
        return f"{len(gone)} sessions were deleted"
    # New rows' sessions; a hook's decision may name a session not stored yet (its transcript is
    # ingested at its turn's end): nothing of it was learned, its calls will come as new rows.
    roots |= ev.roots_of(conn, new_row_sessions(conn, stored.marks) - changed)[0]
    known = session_rows(conn, roots)
    for root in sorted(roots):
        warned = ev.session_warnings(conn, root)
        items = ev.session_calls(conn, root, warned) + ev.session_corrections(conn, [root])
        before = 0
        has_before = has_after = False
        for root_, ts, text in ev.session_prompts(conn, root):
            if ts < b:
                before = ev.add_digest(before, ev.prompt_hash(root_, ts, text))
                has_before = True
        for item in items:
            if item.ts < b:
                before = ev.add_digest(before, item.digest)
                has_before = True
            elif isinstance(item.event, CallEvent):
                has_after = True  # a correction after a session's last call does not resume it
        row = known.get(root)
        if row is None:
            if has_before:
                return f"session {root} has calls or corrections before {b} that were not learned (it was read after later sessions were learned)"
        elif ev.digest_text(before) != row[0]:
            return f"what session {root} holds before {b} changed"
        elif row[1] and has_after:
            return f"session {root} goes on after the learner ended it"
    try:
        remembered = ev.calls_by_id(conn, event_ids(stored.learner))
        learner = load_state(stored.learner, remembered, policy, ev.SessionPrompts(conn))
    except (ValueError, KeyError, TypeError) as exc:
        return f"the stored learner could not be read ({exc})"
    calls = ev.calls_from(conn, b, lambda ids: ev.warnings_for(conn, ids))
    corrections = [i for i in ev.session_corrections(conn, set(stored.tail_sessions) | roots) if i.ts >= b]
    last: dict[str, str] = {}
    for item in calls:
        last[item.session_id] = _call(item).call.id
    running = set(learner._contexts)
    if running - set(last):
        return "a running session's later calls are gone"
    boundary = new_boundary(conn, b, now)
    outcome = Outcome(learner, LearnState(stored.version, boundary, marks, [], {}), {}, False, None)
    snapshot, digests, ended, tail = _run(conn, outcome, calls, corrections, last, boundary)
    for root in set(stored.tail_sessions) | roots:  # prompts: those the new boundary passed settle
        for root_, ts, text in ev.session_prompts(conn, root):
            if b <= ts < boundary:
                digests[root] = ev.add_digest(digests.get(root, 0), ev.prompt_hash(root_, ts, text))
            elif ts >= boundary:
                tail.add(root)
    outcome.state.learner, outcome.state.tail_sessions = snapshot, sorted(tail)
    if digests:
        old = session_rows(conn, digests)
        for root, added in digests.items():
            start = int(old[root][0], 16) if root in old else 0
            outcome.sessions[root] = (ev.digest_text(ev.add_digest(start, added)), root in ended)
    return outcome


def _call(item: ev.Item) -> CallEvent:
    event = item.event
    assert isinstance(event, CallEvent)
    return event


def _run(
    conn: sqlite3.Connection,
    outcome: Outcome,
    calls: Iterable[ev.Item],
    corrections: list[ev.Item],
    last_call: dict[str, str],
    boundary: str,
) -> tuple[dict[str, Any], dict[str, int], set[str], set[str]]:
    """The learning loop (learn/learning_loop.py) over `calls` and `corrections` with
    `outcome.learner`, taking its state just before the first item at or after `boundary`.
    Returns that state, the digest of the items before the boundary per main session, the
    sessions ended before it and the main sessions with items at or after it; counts the calls
    in `outcome.calls` and notes the changes' file types in `outcome.edits_*`."""
    rows = _StoreRows(conn, outcome, boundary)
    run_loop(outcome.learner, rows.events(in_learning_order(calls, corrections)), last_call, rows)
    assert rows.snapshot is not None
    return rows.snapshot, rows.digests, rows.ended_before, rows.tail


class _StoreRows(LoopPlug):
    """The store's items fed to the learning loop one at a time, with what the stored state needs
    noted for each: the learner's state just before the first item at or after the boundary, each
    main session's digest before it, the sessions ended before it and the main sessions after it.
    The hooks' warnings and a correction's calls come with the item being learned."""

    def __init__(self, conn: sqlite3.Connection, outcome: Outcome, boundary: str) -> None:
        self.conn = conn
        self.outcome = outcome
        self.boundary = boundary
        self.snapshot: dict[str, Any] | None = None
        self.digests: dict[str, int] = {}
        self.ended_before: set[str] = set()
        self.tail: set[str] = set()
        self._item: ev.Item | None = None  # the item the loop is learning
        self._before = True

    def events(self, items: Iterable[ev.Item]) -> Iterator[CallEvent | CorrectionEvent]:
        outcome = self.outcome
        for item in items:
            before = item.ts < self.boundary
            if not before and self.snapshot is None:
                self.snapshot = dump_state(outcome.learner)  # the loop took every item before this one
            root = item.session_id
            if before:
                self.digests[root] = ev.add_digest(self.digests.get(root, 0), item.digest)
            else:
                self.tail.add(root)
            event = item.event
            if isinstance(event, CallEvent):
                outcome.calls += 1
                call = event.call
                if call.kind in CHANGE_KINDS and call.target_path:
                    facts = changed_types(event.project, root, call.kind, call.status, [call.target_path, *call.paths])
                    (outcome.edits_before if before else outcome.edits_after).update(facts)
            self._item, self._before = item, before
            yield event

    def warned(self, event: CallEvent) -> Sequence[str]:
        assert self._item is not None
        return self._item.warned

    def corrected(self, correction: CorrectionEvent) -> list[CallEvent]:
        assert self._item is not None
        ids = self._item.corrected_ids
        found = ev.calls_by_id(self.conn, ids) if ids else {}
        return [found[i] for i in ids if i in found]

    def ended(self, session_id: str) -> None:
        if self._before:
            self.ended_before.add(session_id)

    def finished(self) -> None:
        if self.snapshot is None:
            self.snapshot = dump_state(self.outcome.learner)
