"""The one reader of a learning run: what learning reads of the store (the SQL is
learning/store/reader.py's and learning/store/state.py's), read at three moments around the learning,
which is pure (stream.py, batch.py) and never holds the connection:

1. `read_changes`: what changed since the stored state (the main sessions touched, what each
   holds now as digests by time, their stored parts, the checkpoints), from which
   stream.choose_start picks the boundary to go on from;
2. `read_everything` or `read_from`: what the run learns (the calls, the corrections, the hooks'
   warnings, the calls corrections name, the prompts, the learner to go on from and what was
   learned of each session before it), for stream.learn_everything or stream.learn_from;
3. `read_saving`: what the lessons to save need besides the learner (the findings, the sessions
   that changed files of a type, the workflow facts, each origin session's model).

Two reads stay lazy, for bounded memory: a full relearn's calls and prompts come through cursors,
and the learner asks for a session's prompts when it decides on one of its calls (`Prompts`, the
last few sessions kept).
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.learning.engine.batch_lessons import file_type
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.file_views import TranscriptFiles
from lessonloop.learning.engine.learner_state import event_ids
from lessonloop.learning.runs import stored_calls as ev
from lessonloop.learning.store import reader as reads
from lessonloop.learning.store.state import (
    LearnState,
    changed_sessions,
    checkpoint_learner,
    new_row_sessions,
    read_checkpoints,
    session_parts,
    session_rows,
    sessions_after,
    settled_edit_sessions,
)
from lessonloop.report.analysis_queries import session_facts

Row = Sequence[Any]
Prompt = tuple[str, str, str]  # main session, time, text


# ---------------------------------------------------------------------------- 1. what changed


@dataclass(slots=True)
class Held:
    """What a main session holds now, as learning reads it: the hash of each call, correction,
    warning and prompt by learning time, and its last call's time."""

    times: list[str]
    sums: list[int]  # sums[i]: the digest of the first i
    last_call: str | None

    def before(self, boundary: str) -> int:
        return self.sums[bisect_left(self.times, boundary)]


@dataclass(slots=True)
class Changes:
    """The main sessions with rows added or changed since the stored state, what each holds now
    and what was learned of it (its parts at each boundary), and the stored checkpoints before the
    state's boundary (boundary, calls before it; oldest first)."""

    roots: set[str]
    held: dict[str, Held]
    parts: dict[str, list[tuple[str, str, bool]]]
    checkpoints: list[tuple[str, int]]


def read_changes(conn: sqlite3.Connection, stored: LearnState, marks: dict[str, int]) -> Changes | str:
    """What changed since `stored`, or why learning cannot go on from any boundary (sessions
    deleted)."""
    changed = changed_sessions(conn, stored.marks.get("learn_changes", 0), marks["learn_changes"])
    roots, gone = reads.roots_of(conn, changed)
    if gone:
        return f"{len(gone)} sessions were deleted"
    # New rows' sessions; a hook's decision may name a session not stored yet (its transcript is
    # ingested at its turn's end): nothing of it was learned, its calls will come as new rows.
    roots |= reads.roots_of(conn, new_row_sessions(conn, stored.marks) - changed)[0]
    checkpoints = [(c, n) for c, n in read_checkpoints(conn) if c < stored.boundary]
    held = {root: _held(conn, root) for root in sorted(roots)}
    return Changes(roots, held, session_parts(conn, roots), checkpoints)


def _held(conn: sqlite3.Connection, root: str) -> Held:
    warned = reads.session_warnings(conn, root)
    items = session_calls(conn, root, warned) + session_corrections(conn, [root])
    timed = [(ts, ev.prompt_hash(root_, ts, text)) for root_, ts, text in reads.session_prompts(conn, root)]
    timed += [(item.ts, item.digest) for item in items]
    timed.sort(key=lambda pair: pair[0])
    sums = [0]
    for _ts, value in timed:
        sums.append(ev.add_digest(sums[-1], value))
    calls = [item.ts for item in items if isinstance(item.event, CallEvent)]
    return Held([ts for ts, _ in timed], sums, max(calls) if calls else None)


# ---------------------------------------------------------------------------- 2. what a run learns


@dataclass(slots=True)
class Everything:
    """What learning everything again reads: every call in learning's order through a cursor
    (`total` of them), every correction, each main session's last call, the calls corrections
    name (rows: made events when learned), the prompts (the learner's lookup, then every prompt
    through a cursor for the sessions' parts) and the latest call's time (the new boundary)."""

    latest: str
    prompts: Prompts
    files: SessionFiles
    calls: Iterator[ev.Item]
    total: int
    corrections: list[ev.Item]
    last_calls: dict[str, str]
    corrected: dict[str, Row]
    prompt_rows: Iterable[Prompt]


def read_everything(conn: sqlite3.Connection) -> Everything:
    warnings = reads.all_warnings(conn)
    corrections = all_corrections(conn)
    return Everything(
        latest=reads.latest_time(conn),
        prompts=Prompts(conn),
        files=SessionFiles(conn),
        calls=(ev.call_item(row, warnings) for row in reads.all_call_rows(conn)),
        total=reads.call_count(conn),
        corrections=corrections,
        last_calls=reads.last_calls(conn),
        corrected=_corrected(conn, corrections),
        prompt_rows=reads.all_prompts(conn),
    )


@dataclass(slots=True)
class FromBoundary:
    """What learning on from boundary `start` reads: the learner's state there (the stored
    state's or a checkpoint's, `base_calls` calls learned before it) and the calls it remembers;
    the calls and corrections at or after `start` (in learning's order); the main sessions with
    anything at or after it (`after`) and their prompts; what was learned of each session of the
    run before `start` (its digest, whether it was ended); when the run goes back to a checkpoint
    (`late`), each of these sessions' calls, for the file types they changed before `start`."""

    start: str
    late: bool
    latest: str
    prompts: Prompts
    files: SessionFiles
    learner: dict[str, Any]
    remembered: dict[str, CallEvent]
    base_calls: int
    calls: list[ev.Item]
    after: set[str]
    corrections: list[ev.Item]
    corrected: dict[str, Row]
    prompt_rows: list[Prompt]
    base: dict[str, tuple[str, bool]]
    session_calls: dict[str, list[ev.Item]] = field(default_factory=dict)


def read_from(conn: sqlite3.Connection, stored: LearnState, changes: Changes, start: str) -> FromBoundary | str:
    """What learning on from `start` (the state's boundary or one of `changes.checkpoints`) reads,
    or why the learner stored there cannot be read."""
    late = start != stored.boundary
    if late:
        data = checkpoint_learner(conn, start)
        if data is None:
            return f"the checkpoint at {start} could not be read"
        base_calls = dict(changes.checkpoints)[start]
    else:
        data, base_calls = stored.learner, stored.calls
    try:
        remembered = calls_by_id(conn, event_ids(data))
    except (ValueError, KeyError, TypeError) as exc:
        return f"the stored learner could not be read ({exc})"
    calls = calls_from(conn, start)
    after = set(stored.tail_sessions) | changes.roots  # the main sessions with anything at or after `start`
    if late:
        after |= sessions_after(conn, start)
    corrections = [item for item in session_corrections(conn, after) if item.ts >= start]
    # The sessions whose parts the run writes: those of its calls, and those with anything after
    # `start` (its corrections and prompts are theirs).
    sessions = after | {item.session_id for item in calls}
    return FromBoundary(
        start=start,
        late=late,
        latest=reads.latest_time(conn),
        prompts=Prompts(conn),
        files=SessionFiles(conn),
        learner=data,
        remembered=remembered,
        base_calls=base_calls,
        calls=calls,
        after=after,
        corrections=corrections,
        corrected=_corrected(conn, corrections),
        prompt_rows=[p for root in sorted(after) for p in reads.session_prompts(conn, root)],
        base=session_rows(conn, sorted(sessions), start),
        session_calls={root: session_calls(conn, root, {}) for root in sorted(sessions)} if late else {},
    )


def _corrected(conn: sqlite3.Connection, corrections: Iterable[ev.Item]) -> dict[str, Row]:
    """The call rows of the calls these corrections name."""
    ids = [i for item in corrections for i in item.corrected_ids]
    return {row[0]: row for row in reads.call_rows_by_id(conn, ids)} if ids else {}


# ---------------------------------------------------------------------------- 3. what saving needs


@dataclass(slots=True)
class Saving:
    """What the lessons to save need besides the learner: the findings matched to sessions (rows:
    learning/engine/batch_lessons.FindingInput's fields), for each (project, file type) of a finding the
    main sessions whose changes before the state's boundary learning kept (None: learned again
    whole, none kept), each analyzed project's session facts, and each origin session's model."""

    findings: list[Row]
    settled: dict[tuple[str | None, str], set[str]] | None
    facts: dict[str, list[Any]]
    models: dict[str, str]


def read_saving(conn: sqlite3.Connection, origins: Iterable[str], *, full: bool) -> Saving:
    """What saving reads. `origins`: the main sessions whose model the lessons take."""
    findings = reads.finding_rows(conn)
    settled: dict[tuple[str | None, str], set[str]] | None = None
    if not full:
        pairs = {(row[10], file_type(row[5])) for row in findings}  # a finding's project and path
        settled = {pair: settled_edit_sessions(conn, *pair) for pair in sorted(pairs, key=repr)}
    facts = {project: session_facts(conn, project) for project in reads.analyzed_projects(conn) if project}
    return Saving(findings, settled, facts, reads.session_models(conn, origins))


# ---------------------------------------------------------------------------- calls and corrections


def calls_of(conn: sqlite3.Connection, project: str | None, agent: str | None) -> Iterator[CallEvent]:
    """The calls of one project, of one agent's sessions (None: any), in no order."""
    for row in reads.call_rows_of(conn, project, agent):
        yield ev.call_event(row)


def calls_from(conn: sqlite3.Connection, boundary: str) -> list[ev.Item]:
    """The calls whose learning time is `boundary` or later, with the hooks' warnings, in
    learning's order (by the time index; calls without a time by their session's start)."""
    rows = reads.call_rows_from(conn, boundary)
    warned = reads.warnings_for(conn, [row[0] for row in rows])
    items = [ev.call_item(row, warned) for row in rows]
    items = [item for item in items if item.ts >= boundary]
    items.sort(key=ev.call_order)
    return items


def calls_by_id(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, CallEvent]:
    found: dict[str, CallEvent] = {}
    for row in reads.call_rows_by_id(conn, ids):
        event = ev.call_event(row)
        found[event.call.id] = event
    return found


def session_calls(conn: sqlite3.Connection, root: str, warnings: dict[str, list[str]]) -> list[ev.Item]:
    """The calls of main session `root` and its subagents."""
    return [ev.call_item(row, warnings) for row in reads.session_call_rows(conn, root)]


def all_corrections(conn: sqlite3.Connection) -> list[ev.Item]:
    """Every correction, in learning's order (few: a person's words)."""
    items = [ev.correction_item(row) for row in reads.all_correction_rows(conn)]
    items.sort(key=ev.correction_order)
    return items


def corrections_of(conn: sqlite3.Connection, project: str | None, agent: str | None) -> list[ev.Item]:
    """The corrections of one project, of one agent's sessions (None: any), in learning's order."""
    items = [ev.correction_item(row) for row in reads.correction_rows_of(conn, project, agent)]
    items.sort(key=ev.correction_order)
    return items


def session_corrections(conn: sqlite3.Connection, roots: Iterable[str]) -> list[ev.Item]:
    """The corrections of these main sessions, in learning's order."""
    items: list[ev.Item] = []
    for root in dict.fromkeys(roots):
        items += [ev.correction_item(row) for row in reads.session_correction_rows(conn, root)]
    items.sort(key=ev.correction_order)
    return items


# ---------------------------------------------------------------------------- files


class SessionFiles:
    """Whether the file a lesson needs held its text when a call came up (Learner's `disk`), as
    the calls of the call's session show it (learning/engine/file_views.py): the session's calls, with their
    results' text, read when the learner asks (a lesson that needs a file matched a call: rare),
    the last few sessions kept."""

    KEPT = 4

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._kept: dict[str, TranscriptFiles] = {}

    def __call__(self, event: CallEvent, needs: str) -> bool | None:
        files = self._kept.pop(event.session_id, None)
        if files is None:
            try:
                rows = reads.session_file_rows(self.conn, event.session_id)
            except sqlite3.Error:
                return None  # (a store closed or busy: not known, the lesson stays silent)
            events = [ev.call_event(row) for row in rows]
            events.sort(key=ev.event_order)
            files = TranscriptFiles(events)
        self._kept[event.session_id] = files
        while len(self._kept) > self.KEPT:
            del self._kept[next(iter(self._kept))]
        return files.has(event, needs)


# ---------------------------------------------------------------------------- prompts


class Prompts(Mapping[str, Sequence[tuple[str, str]]]):
    """The person's prompts of a main session (learning/store/reader.session_prompts): read when
    the learner asks for a session's, the last few kept. Memory stays bounded however many
    sessions the store holds."""

    def __init__(self, conn: sqlite3.Connection, keep: int = 64) -> None:
        self._conn = conn
        self._keep = keep
        self._cache: dict[str, list[tuple[str, str]]] = {}
        self._any = reads.any_prompt(conn)

    def __getitem__(self, root: str) -> Sequence[tuple[str, str]]:
        found = self._cache.pop(root, None)
        if found is None:
            found = [(ts, text) for _root, ts, text in reads.session_prompts(self._conn, root)]
        self._cache[root] = found  # the most recent last
        if len(self._cache) > self._keep:
            del self._cache[next(iter(self._cache))]
        if not found:
            raise KeyError(root)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(root for root, _ts, _text in reads.all_prompts(self._conn)))

    def __len__(self) -> int:
        return 1 if self._any else 0  # only asked whether there is any (Learner.decide)
