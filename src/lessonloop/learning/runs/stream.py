"""One learning run, pure over what source.py read of the store: from scratch (every call through
a cursor) or on from a stored boundary (only what is at or after it), with the same result.

The state (learning/store/state.py) is the learner after every call and correction before a time
boundary B, a little before the latest call (TAIL); beside it a few checkpoints, the learner as it
was at earlier boundaries (spaced at least CHECKPOINT_CALLS calls apart, more widely the older
they are: thin_checkpoints); and for each main session, at each of these boundaries it had calls,
corrections or prompts before (since the boundary before), a part: the digest of all it held
before that boundary and whether the learner had ended it. A run checks each main session with
new or changed rows (the rowids past the last run's, the triggers' learn_changes) against each
boundary X (B and the checkpoints): what it holds before X must have the digest its part at X
says (none: nothing before X), and a session the learner had ended before X must have no call
after X (else it was resumed). The run goes on from the latest boundary every such session
passes: usually B; an earlier checkpoint when something arrived late (a line appended to an older
session, a session file read after later ones): only the calls and corrections after it are
learned again. It restores the learner as it was there, learns the calls and corrections at or
after it in learning's order (two sessions running at once interleave exactly as a relearn
interleaves them: whatever arrives after the boundary, in any order, is learned again in time
order), stores the state at the new boundary, the checkpoints and parts after the old one, and
ends every session for the lessons it saves. When no boundary passes, it learns everything
again. Every way runs the same loop over the same items in the same order, so they end with the
same lessons, counts and evidence.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NamedTuple

from lessonloop.core import json_codec
from lessonloop.core.timestamps import format_timestamp, parse_timestamp
from lessonloop.core.tool_kinds import CHANGE_KINDS
from lessonloop.learning.engine.engine import Learner, Policy
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.history import CorrectionEvent, in_learning_order
from lessonloop.learning.engine.learner_state import dump_state, load_state
from lessonloop.learning.engine.learning_loop import LoopPlug, run_loop
from lessonloop.learning.runs import stored_calls as ev
from lessonloop.learning.runs.batch import changed_types
from lessonloop.learning.runs.source import Changes, Everything, FromBoundary, Held, Row
from lessonloop.learning.store.state import LearnState

# The boundary trails the latest call by this much: calls of another session that arrive later
# (its turn ingested at its end) but are dated within it are learned again in time order from the
# state; older arrivals go on from a checkpoint. About a long turn: a run learns again what the
# last half hour held, not the day's history.
TAIL = timedelta(minutes=30)
# The newest checkpoint is about this many calls before the state's boundary; an older one about
# half its distance from the boundary before the next newer one (thin_checkpoints): a late arrival
# d calls before the boundary is learned again from at most about 1.5 d + CHECKPOINT_CALLS calls
# before it, and the store keeps a number of learner states logarithmic in the history's length.
CHECKPOINT_CALLS = 300
_NONE = ev.digest_text(0)

Facts = set[tuple[str | None, str, str]]


@dataclass(slots=True)
class Outcome:
    """What a run learned: the learner with every session ended, the state to store, the
    checkpoints and the sessions' parts to write."""

    learner: Learner
    state: LearnState
    full: bool
    reason: str | None  # why everything was learned again (None: on from a boundary, or no state)
    calls: int = 0
    # (project, file type, main session) of the changes learned: before the new boundary / after it
    edits_before: Facts = field(default_factory=set)
    edits_after: Facts = field(default_factory=set)
    edit_sessions: set[str] = field(default_factory=set)  # main sessions whose changed types were found again whole
    learned_from: str | None = None  # the boundary learning went on from (None: everything learned)
    late: bool = False  # it went on from a checkpoint before the state's boundary: something arrived late
    checkpoints: list[tuple[str, int, str]] = field(default_factory=list)  # to write: boundary, calls, learner JSON
    parts: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (session, boundary, digest, ended)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (checkpoint dropped, boundary its parts go to)


def new_boundary(latest: str, old: str | None, now: str) -> str:
    """TAIL before the latest call's time `latest` (or before `now`, when calls are dated later),
    never earlier than the last boundary. Any text works as a boundary (learning's order is the
    text order of times); this one keeps the part learned again small."""
    cut = min(latest, now) if latest else now
    try:
        boundary = format_timestamp(parse_timestamp(cut) - TAIL)
    except ValueError:
        boundary = old or ""
    return max(boundary, old or "")


def spacing(calls_at: int, total: int) -> int:
    """How many calls before a checkpoint (at `calls_at` calls) the next older one may be, when
    `total` calls are before the state's boundary."""
    return max(CHECKPOINT_CALLS, (total - calls_at) // 2)


def thin_checkpoints(candidates: Sequence[tuple[str, int]], total: int) -> set[str]:
    """Which of these boundaries (boundary, calls before it; oldest first, all before the state's
    boundary, at `total` calls) stay checkpoints: from the newest, one is dropped when the one
    before it (or the beginning) is still within `spacing` of the newer one kept."""
    kept: set[str] = set()
    newer = total
    for index in range(len(candidates) - 1, -1, -1):
        boundary, calls = candidates[index]
        older = candidates[index - 1][1] if index else 0
        if newer - older > spacing(newer, total):
            kept.add(boundary)
            newer = calls
    return kept


def learn_everything(
    read: Everything, policy: Policy | None, version: str, marks: dict[str, int], now: str, reason: str | None
) -> Outcome:
    """Learn every call and correction of the store again (the calls through a cursor)."""
    boundary = new_boundary(read.latest, None, now)
    learner = Learner(policy, prompts=read.prompts, disk=read.files)
    outcome = Outcome(learner, LearnState(version, boundary, marks, []), True, reason)
    rows = _LoopRows(outcome, read.corrected, boundary, 0, read.total)
    _run(outcome, read.calls, read.corrections, read.last_calls, rows)
    rows.add_prompts(read.prompt_rows, "")
    _finish(outcome, rows, [], {}, None)
    return outcome


def _learned_at(parts: list[tuple[str, str, bool]], boundary: str) -> tuple[str, bool] | None:
    """A session's part at `boundary`: its latest at or before it (None: nothing learned before it)."""
    index = bisect_right([b for b, _d, _e in parts], boundary)
    if not index:
        return None
    _b, digest, ended = parts[index - 1]
    return digest, ended


def _why_not(root: str, held: Held, learned: tuple[str, bool] | None, boundary: str) -> str | None:
    """Why going on from `boundary` would not learn what learning everything learns of `root`."""
    before = ev.digest_text(held.before(boundary))
    if learned is None:
        if before != _NONE:
            return (
                f"session {root} has calls or corrections before {boundary} that were not learned "
                "(it was read after later sessions were learned)"
            )
    elif before != learned[0]:
        return f"what session {root} holds before {boundary} changed"
    elif learned[1] and held.last_call is not None and held.last_call >= boundary:
        return f"session {root} goes on after the learner ended it"
    return None


class Choice(NamedTuple):
    """Where a run goes on from (`start`), or why it learns everything again (`reason`)."""

    start: str | None
    reason: str | None


def choose_start(changes: Changes, stored: LearnState) -> Choice:
    """The latest boundary (the state's, or a checkpoint before something that arrived late)
    every changed main session passes: what it holds before the boundary is what was learned of
    it, and a session the learner had ended goes on no further. None passes: why not."""
    b = stored.boundary
    candidates = [c for c, _n in changes.checkpoints] + [b]  # oldest first
    passing = set(candidates)
    reason: str | None = None
    for root in sorted(changes.roots):
        held = changes.held[root]
        for boundary in candidates:
            if boundary not in passing:
                continue
            why = _why_not(root, held, _learned_at(changes.parts[root], boundary), boundary)
            if why is not None:
                passing.discard(boundary)
                if boundary == b:
                    reason = why
        if not passing:
            return Choice(None, reason or "nothing learned before any checkpoint is unchanged")
    return Choice(max(passing), None)


def learn_from(
    read: FromBoundary,
    policy: Policy | None,
    stored: LearnState,
    checkpoints: list[tuple[str, int]],
    marks: dict[str, int],
    now: str,
) -> Outcome | str:
    """Learn on from `read.start` (the stored state's boundary or a checkpoint among
    `checkpoints`, the stored ones before the state's), or why that would not give what learning
    everything gives."""
    b = stored.boundary
    start, late = read.start, read.late
    try:
        learner = load_state(read.learner, read.remembered, policy, read.prompts)
        learner.disk = read.files
    except (ValueError, KeyError, TypeError) as exc:
        return f"the stored learner could not be read ({exc})"
    calls = read.calls
    last: dict[str, str] = {}
    for item in calls:
        last[item.session_id] = _call(item).call.id
    running = set(learner._contexts)
    if running - set(last):
        return "a running session's later calls are gone"
    boundary = new_boundary(read.latest, b, now)
    outcome = Outcome(learner, LearnState(stored.version, boundary, marks, []), False, None)
    outcome.learned_from, outcome.late = start, late
    base_calls = read.base_calls
    rows = _LoopRows(outcome, read.corrected, boundary, base_calls, base_calls + len(calls))
    _run(outcome, calls, read.corrections, last, rows)
    rows.add_prompts(read.prompt_rows, start)
    older = [(c, n) for c, n in checkpoints if c < start] + (
        [(start, base_calls)] if late else []
    )  # kept as they are (the one gone on from among them)
    old_state: tuple[str, int, dict[str, Any]] | None = None
    if not late and boundary > b:  # the old boundary may stay as a checkpoint
        old_state = (b, stored.calls, stored.learner)
    if late:
        outcome.edit_sessions = read.after | rows.tail | set(rows.seen)
        outcome.edits_before |= _edits_before(read.session_calls, outcome.edit_sessions, start)
    base = {root: read.base[root] for root in rows.seen if root in read.base}
    _finish(outcome, rows, older, base, old_state)
    return outcome


def _edits_before(session_calls: dict[str, list[ev.Item]], roots: Iterable[str], boundary: str) -> Facts:
    """The (project, file type, main session) of these sessions' changes before `boundary`
    (`session_calls`: each one's calls)."""
    found: Facts = set()
    for root in sorted(set(roots)):
        for item in session_calls[root]:
            call = _call(item).call
            if item.ts < boundary and call.kind in CHANGE_KINDS and call.target_path:
                paths = [call.target_path, *call.paths]
                found |= changed_types(_call(item).project, root, call.kind, call.status, paths)
    return found


def _finish(
    outcome: Outcome,
    rows: _LoopRows,
    older: list[tuple[str, int]],
    base: dict[str, tuple[str, bool]],
    old_state: tuple[str, int, dict[str, Any]] | None,
) -> None:
    """The state, checkpoints and parts a run leaves: `older` the checkpoints kept from before
    (oldest first), `base` what was learned of each session before the run's start, `old_state`
    the old boundary's learner when the run went on from it (it may stay as a checkpoint)."""
    state = outcome.state
    assert rows.snapshot is not None
    state.learner, state.calls, state.tail_sessions = rows.snapshot, rows.snapshot_calls, sorted(rows.tail)
    marks = [boundary for boundary, _calls, _learner in rows.checkpoints] + [state.boundary]
    for root in sorted(rows.seen):
        start = base.get(root)
        total = int(start[0], 16) if start else 0
        ended = bool(start and start[1])
        for index, boundary in enumerate(marks):
            added = rows.adds[index].get(root)
            if added is None:
                continue
            total = ev.add_digest(total, added)
            ended_at = rows.ended_at.get(root)
            outcome.parts.append(
                (root, boundary, ev.digest_text(total), ended or (ended_at is not None and ended_at <= index))
            )
    new = [(boundary, calls) for boundary, calls, _learner in rows.checkpoints]
    mine = [(old_state[0], old_state[1])] if old_state else []
    candidates = [*older, *mine, *new]
    kept = thin_checkpoints(candidates, state.calls)
    learners = {boundary: learner for boundary, _calls, learner in rows.checkpoints}
    outcome.checkpoints = [(c, n, learners[c]) for c, n in new if c in kept]
    if old_state and old_state[0] in kept:
        outcome.checkpoints.append((old_state[0], old_state[1], json_codec.dumps(old_state[2])))
    into = state.boundary
    for boundary, _calls in reversed(candidates):  # newest first: each one's parts to the next kept
        if boundary in kept:
            into = boundary
        else:
            outcome.dropped.append((boundary, into))


def _call(item: ev.Item) -> CallEvent:
    event = item.event
    assert isinstance(event, CallEvent)
    return event


def _run(
    outcome: Outcome, calls: Iterable[ev.Item], corrections: list[ev.Item], last_call: dict[str, str], rows: _LoopRows
) -> None:
    """The learning loop (learning/engine/learning_loop.py) over `calls` and `corrections` with
    `outcome.learner`, `rows` noting what the state, the checkpoints and the parts need."""
    # The edit checks' warnings (Decision.findings) are replay's to score: learning reads none.
    run_loop(outcome.learner, rows.events(in_learning_order(calls, corrections)), last_call, rows, edit_checks=False)
    assert rows.snapshot is not None


class _LoopRows(LoopPlug):
    """The items read (source.py) fed to the learning loop one at a time, with what the stored state needs
    noted for each: the learner's state just before the first item at or after the boundary and at
    checkpoints before it (when `spacing` calls were learned since the last one), each main
    session's digest of the items between these boundaries, when the learner ended it, and the
    main sessions after the boundary. The hooks' warnings and a correction's calls come with the
    item being learned (`corrected`: the rows of the calls corrections name). `calls`: the calls
    learned before the first item; `total`: about how many will have been learned at the end
    (where checkpoints go)."""

    def __init__(self, outcome: Outcome, corrected: dict[str, Row], boundary: str, calls: int, total: int) -> None:
        self.corrected_rows = corrected
        self.outcome = outcome
        self.boundary = boundary
        self.calls = calls
        self.total = total
        self.last_mark = calls
        self.snapshot: dict[str, Any] | None = None
        self.snapshot_calls = 0
        self.checkpoints: list[tuple[str, int, str]] = []  # boundary, calls before it, the learner's JSON
        self.adds: list[dict[str, int]] = [
            {}
        ]  # per boundary (the checkpoints', then the state's): what is new before it
        self.seen: dict[str, None] = {}  # main sessions with items (or prompts) before the boundary
        self.ended_at: dict[str, int] = {}  # main session -> the first boundary it was ended before
        self.tail: set[str] = set()
        self._item: ev.Item | None = None  # the item the loop is learning
        self._before = True
        self._last_ts: str | None = None

    def events(self, items: Iterable[ev.Item]) -> Iterator[CallEvent | CorrectionEvent]:
        outcome = self.outcome
        for item in items:
            ts = item.ts
            before = ts < self.boundary
            if before:
                if (
                    self._last_ts is not None
                    and ts > self._last_ts
                    and self.calls - self.last_mark >= spacing(self.calls, self.total)
                ):
                    self.checkpoints.append((ts, self.calls, json_codec.dumps(dump_state(outcome.learner))))
                    self.adds.append({})
                    self.last_mark = self.calls
            elif self.snapshot is None:
                self._take_snapshot()
            self._last_ts = ts
            root = item.session_id
            if before:
                self._add(root, item.digest)
            else:
                self.tail.add(root)
            event = item.event
            if isinstance(event, CallEvent):
                outcome.calls += 1
                self.calls += 1
                call = event.call
                if call.kind in CHANGE_KINDS and call.target_path:
                    facts = changed_types(event.project, root, call.kind, call.status, [call.target_path, *call.paths])
                    (outcome.edits_before if before else outcome.edits_after).update(facts)
            self._item, self._before = item, before
            yield event

    def _take_snapshot(self) -> None:
        self.snapshot = dump_state(self.outcome.learner)  # the loop took every item before this one
        self.snapshot_calls = self.calls

    def _add(self, root: str, value: int, index: int | None = None) -> None:
        found = self.adds[len(self.adds) - 1 if index is None else index]
        found[root] = ev.add_digest(found.get(root, 0), value)
        self.seen[root] = None

    def add_prompts(self, prompts: Iterable[tuple[str, str, str]], start: str) -> None:
        """The prompts (main session, time, text) at or after `start`: each in the part of the
        boundary after it (the learner reads them from the store; they are not items)."""
        marks = [boundary for boundary, _calls, _learner in self.checkpoints] + [self.boundary]
        for root, ts, text in prompts:
            if ts < start:
                continue
            index = bisect_right(marks, ts)
            if index == len(marks):
                self.tail.add(root)
            else:
                self._add(root, ev.prompt_hash(root, ts, text), index)

    def warned(self, event: CallEvent) -> Sequence[str]:
        assert self._item is not None
        return self._item.warned

    def corrected(self, correction: CorrectionEvent) -> list[CallEvent]:
        assert self._item is not None
        ids = self._item.corrected_ids
        rows = self.corrected_rows
        found = {i: ev.call_event(rows[i]) for i in dict.fromkeys(ids) if i in rows}
        return [found[i] for i in ids if i in found]

    def ended(self, session_id: str) -> None:
        if self._before:
            self.ended_at.setdefault(session_id, len(self.adds) - 1)

    def finished(self) -> None:
        if self.snapshot is None:
            self._take_snapshot()
