"""How agents handle files: blind and stale edits, duplicate reads, search loops, re-edits.

Each agent context (the main session, each subagent) is judged on its own: a subagent starts
knowing no file, and its reads do not count for its parent (nor the parent's for it). The file
state itself is shared: any context's change, and any shell command that changes a file, makes
every earlier read of that file out of date. Operations of different contexts are put in one
order by their timestamps (line order within a context). Calls are judged by their agent-neutral
kind (read, edit, write, search, shell), so every agent's calls count the same way; Claude Code's
tool names below are examples.

Definitions (paths normalized as in `analyze.file_ops`):

- **Blind edit**: an edit call (Edit / MultiEdit / NotebookEdit, apply_patch, replace, ...), or a
  write call that replaces an existing file, of a path that this same context has not earlier
  successfully read with a read call (Read, read_file, ...), created or changed (edit or write
  calls). Failed reads do not count; reads after the edit do not count; printing the file in a
  shell (`cat`, `sed -n`) does not count for Claude Code (its
  harness does not count it either; the signal says `shell_read_before`), and counts for every
  other agent (Codex, Aider and the rest read files through the shell); creating a new file is
  not blind. Failed attempts count too (the definition is about what the agent did, and the
  harness's "File has not been read yet" refusal is the typical failure); `ok` tells them apart.
  When the harness refuses an edit with "File has not been read yet", the context is taken to
  know nothing of the file from then on (the harness is the authority on its own read state).
  Reads before a compaction of the context still count: Claude Code keeps (and re-attaches) the
  read state across compaction, and in the spotter corpus edits after compaction of files read
  only before it succeeded without a refusal.
- **Stale edit**: a non-blind edit or replacing Write of a file whose last read (or own change)
  by this context was followed by a change the context did not make through its file tools:
  another context's change, a shell command that changed the file (even one this context ran),
  or — ground truth — the harness refusing the edit with "File has been modified since read"
  (after which the file stays stale for the context until it reads it again). A re-read clears
  staleness; so does the context's own successful change.
- **Duplicate read**: a successful Read of the same path and the same line range (offset/limit;
  a Read without them is the whole file) as an earlier successful Read in this context, with no
  change of the file in between by anyone, and no compaction of the context in between (after
  compaction the content has left the context window, so reading again is needed). Shell prints of
  files are not judged (their files are often logs that processes we cannot see rewrite).
- **Search loop**: a run of at least `search_loop_min` (default 4) search calls in one context —
  search calls (Grep, Glob, LS, grep_files, ...), and shell commands that search files (find, fd, ls, tree, `git grep`, and
  grep / rg / ag unless they only filter a pipe such as `mix test | grep error`) without printing
  a named file — with no read (read call or shell print of a file) and no file change (file tool
  or shell) in between. Other calls (tests, web
  searches, todo updates) neither extend nor break a run. Parallel calls of one turn count one by
  one.
- **Re-edit**: a successful edit whose changed lines overlap the lines a previous
  successful edit of the same file by the same context wrote, i.e. the agent changed
  its own fresh change again. Line numbers are kept current: every later change of the file
  whose diff places it (any context's edit or replacing Write) shifts the remembered lines by the
  lines it added or removed above them; a change that cannot be placed (a shell change, a write
  without a diff, a NotebookEdit, a new file) forgets the file's remembered lines. An insertion
  overlaps only when it lands strictly inside a remembered range (appending right after it is
  not a re-edit); pure deletions leave nothing to remember. Writes are not re-edits. There is no
  time window unless `re_edit_window` (calls of the context in between) is given; `calls_between`
  is reported.
- **Harness agreement**: every call whose error is one of Claude Code's read-state refusals
  ("File has not been read yet. Read it first before writing to it.", "File has been modified
  since read, either by the user or by a linter. Read it again before attempting to write it.",
  "File has been unexpectedly modified. Read it again before attempting to write it.") is
  agreed when the detector flagged it: as blind for the first, as stale or blind for the others.
  The reverse figure counts flagged blind edits that succeeded anyway (the harness allowed them,
  e.g. the file was read in an earlier, resumed conversation or in an injected context).
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from lessonloop.analyze.file_ops import (
    CHANGE_OPS,
    READ_TOOL_HARNESSES,
    Change,
    FileOp,
    HarnessRefusal,
    harness_refusal,
    session_timeline,
)
from lessonloop.analyze.inputs import Ref, SessionInput
from lessonloop.analyze.paths import Resolver

SEARCH_LOOP_MIN = 4
_LOOP_BREAKERS = frozenset({"read", "create", "replace", "edit", "shell_read", "shell_change"})


def _ref_json(ref: Ref) -> dict[str, Any]:
    return {"tool_use_id": ref.tool_use_id, "session_id": ref.context_id, "line": ref.seq}


@dataclass(frozen=True, slots=True)
class BlindEdit:
    """An edit or replacing Write of a file this context had not read, created or changed."""

    ref: Ref
    path: str
    tool: str
    op: str  # edit | replace
    ok: bool
    harness: HarnessRefusal | None  # the harness's refusal of this call, if any
    shell_read_before: bool  # the context had printed the file in Bash
    read_by: tuple[str, ...]  # other contexts that knew the file at that moment

    def to_json(self) -> dict[str, Any]:
        return {
            **_ref_json(self.ref),
            "path": self.path,
            "tool": self.tool,
            "op": self.op,
            "ok": self.ok,
            "harness": self.harness,
            "shell_read_before": self.shell_read_before,
            "read_by": list(self.read_by),
        }


@dataclass(frozen=True, slots=True)
class StaleEdit:
    """An edit of a file that changed, by another hand, after this context last read it."""

    ref: Ref
    path: str
    tool: str
    ok: bool
    cause: str  # other_context | shell | harness
    read_ref: Ref  # this context's last read (or own change) of the file
    change_ref: Ref | None  # the change that made it stale (None: only the harness knows)

    def to_json(self) -> dict[str, Any]:
        return {
            **_ref_json(self.ref),
            "path": self.path,
            "tool": self.tool,
            "ok": self.ok,
            "cause": self.cause,
            "read": _ref_json(self.read_ref),
            "change": _ref_json(self.change_ref) if self.change_ref else None,
        }


@dataclass(frozen=True, slots=True)
class DuplicateRead:
    """A Read of the same lines of an unchanged file this context had already read."""

    ref: Ref
    path: str
    start: int | None
    end: int | None
    first_ref: Ref

    def to_json(self) -> dict[str, Any]:
        return {
            **_ref_json(self.ref),
            "path": self.path,
            "start": self.start,
            "end": self.end,
            "first": _ref_json(self.first_ref),
        }


@dataclass(frozen=True, slots=True)
class SearchLoop:
    """A run of search calls with no read or change in between."""

    ref: Ref  # the first search
    end_ref: Ref  # the last search
    count: int
    patterns: tuple[str, ...]
    paths: tuple[str, ...]  # the distinct folders/files searched, where given

    def to_json(self) -> dict[str, Any]:
        return {
            **_ref_json(self.ref),
            "path": self.paths[0] if len(self.paths) == 1 else None,
            "end": _ref_json(self.end_ref),
            "count": self.count,
            "patterns": list(self.patterns),
            "paths": list(self.paths),
        }


@dataclass(frozen=True, slots=True)
class ReEdit:
    """An edit that changed lines the same context's previous edit of the file had written."""

    ref: Ref
    path: str
    tool: str
    previous_ref: Ref
    first: int  # the overlapping lines, in the file as it was before this edit
    last: int
    calls_between: int  # calls of this context between the two edits

    def to_json(self) -> dict[str, Any]:
        return {
            **_ref_json(self.ref),
            "path": self.path,
            "tool": self.tool,
            "previous": _ref_json(self.previous_ref),
            "first": self.first,
            "last": self.last,
            "calls_between": self.calls_between,
        }


@dataclass(frozen=True, slots=True)
class HarnessAgreement:
    """How often the detector agrees with the harness's own read-state refusals."""

    messages: int
    agreed: int
    missed: tuple[Ref, ...]
    not_read_messages: int = 0
    modified_messages: int = 0
    flagged_blind: int = 0
    allowed_blind: tuple[Ref, ...] = ()  # flagged blind edits that succeeded

    def to_json(self) -> dict[str, Any]:
        return {
            "messages": self.messages,
            "not_read_messages": self.not_read_messages,
            "modified_messages": self.modified_messages,
            "agreed": self.agreed,
            "agreement": round(self.agreed / self.messages, 4) if self.messages else None,
            "missed": [_ref_json(r) for r in self.missed],
            "flagged_blind": self.flagged_blind,
            "allowed_blind": len(self.allowed_blind),
            "allowed_blind_refs": [_ref_json(r) for r in self.allowed_blind],
        }


@dataclass(frozen=True, slots=True)
class FileSignals:
    """Every file-handling signal of one session."""

    blind_edits: tuple[BlindEdit, ...] = ()
    stale_edits: tuple[StaleEdit, ...] = ()
    duplicate_reads: tuple[DuplicateRead, ...] = ()
    search_loops: tuple[SearchLoop, ...] = ()
    re_edits: tuple[ReEdit, ...] = ()
    harness: HarnessAgreement = field(default_factory=lambda: HarnessAgreement(0, 0, ()))

    def counts(self) -> dict[str, int]:
        return {
            "blind_edits": len(self.blind_edits),
            "stale_edits": len(self.stale_edits),
            "duplicate_reads": len(self.duplicate_reads),
            "search_loops": len(self.search_loops),
            "re_edits": len(self.re_edits),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "blind_edits": [s.to_json() for s in self.blind_edits],
            "stale_edits": [s.to_json() for s in self.stale_edits],
            "duplicate_reads": [s.to_json() for s in self.duplicate_reads],
            "search_loops": [s.to_json() for s in self.search_loops],
            "re_edits": [s.to_json() for s in self.re_edits],
            "harness": self.harness.to_json(),
        }


def find_file_signals(
    session: SessionInput,
    resolve: Resolver | None = None,
    *,
    search_loop_min: int = SEARCH_LOOP_MIN,
    re_edit_window: int | None = None,
) -> FileSignals:
    """The file-handling signals of one session (see the module docstring for the definitions)."""
    timelines = {
        context_id: ops
        for context_id, ops in session_timeline(session, resolve).items()
        if _context_kind(session, context_id) != "compaction"
    }
    tracker = _Tracker(session, re_edit_window)
    for op in _merged(timelines):
        tracker.apply(op)
    loops = [loop for ops in timelines.values() for loop in _search_loops(ops, search_loop_min)]
    return FileSignals(
        blind_edits=tuple(tracker.blind),
        stale_edits=tuple(tracker.stale),
        duplicate_reads=tuple(tracker.duplicates),
        search_loops=tuple(loops),
        re_edits=tuple(tracker.re_edits),
        harness=_agreement(session, tracker.blind, tracker.stale),
    )


def _context_kind(session: SessionInput, context_id: str) -> str:
    return next((c.kind for c in session.contexts if c.id == context_id), "main")


def _merged(timelines: dict[str, list[FileOp]]) -> list[FileOp]:
    """All operations in time order; each context's own operations keep their line order."""
    streams = [[((op.ts or "", index), op) for op in ops] for index, ops in enumerate(timelines.values())]
    return [op for _, op in heapq.merge(*streams, key=lambda item: item[0])]


@dataclass(slots=True)
class _Knowledge:
    version: int  # the file's version when the context last read or changed it (-1: refused as modified)
    ref: Ref


@dataclass(slots=True)
class _Region:
    first: int  # lines [first, end) in the file as it is now
    end: int
    ref: Ref


@dataclass(slots=True)
class _Tracker:
    """Walks the session's operations in time order, keeping per-path and per-context state."""

    session: SessionInput
    re_edit_window: int | None
    blind: list[BlindEdit] = field(default_factory=list)
    stale: list[StaleEdit] = field(default_factory=list)
    duplicates: list[DuplicateRead] = field(default_factory=list)
    re_edits: list[ReEdit] = field(default_factory=list)
    version: dict[str, int] = field(default_factory=dict)
    last_change: dict[str, tuple[Ref, str]] = field(default_factory=dict)  # path -> (ref, cause)
    known: dict[tuple[str, str], _Knowledge] = field(default_factory=dict)  # (context, path)
    shell_read: set[tuple[str, str]] = field(default_factory=set)
    reads: dict[tuple[str, str], dict[tuple[int | None, int | None], tuple[int, int, Ref]]] = field(
        default_factory=dict
    )  # (context, path) -> range -> (version, compaction epoch, first ref)
    regions: dict[str, dict[str, list[_Region]]] = field(default_factory=dict)  # path -> context -> regions
    boundaries: dict[str, list[int]] = field(default_factory=dict)  # context -> compaction lines
    call_index: dict[tuple[str, int], int] = field(default_factory=dict)  # (context, line) -> position

    def __post_init__(self) -> None:
        for context in self.session.contexts:
            self.boundaries[context.id] = sorted(
                m.seq for m in context.messages if m.kind in ("compact_boundary", "compaction_summary")
            )
            for index, call in enumerate(context.calls):
                self.call_index[(context.id, call.seq)] = index

    def apply(self, op: FileOp) -> None:
        if op.path is None:
            return
        if op.op == "read":
            self._read(op, op.path)
        elif op.op == "shell_read":
            self.shell_read.add((op.ref.context_id, op.path))
            if op.ok and self.session.agent not in READ_TOOL_HARNESSES:
                self._know(op, op.path)
        elif op.op in CHANGE_OPS:
            self._change(op, op.path)
        elif op.op == "shell_change" and op.ran:
            self._bump(op.path, op.ref, "shell")
            self.regions.pop(op.path, None)

    # -- reads ---------------------------------------------------------------------------------

    def _read(self, op: FileOp, path: str) -> None:
        if not op.ok:  # a read op comes from a read call (a shell read is shell_read)
            return
        context = op.ref.context_id
        key = (context, path)
        version = self.version.get(path, 0)
        epoch = bisect_right(self.boundaries.get(context, []), op.ref.seq)
        ranges = self.reads.setdefault(key, {})
        earlier = ranges.get((op.start, op.end))
        if earlier is not None and earlier[0] == version and earlier[1] == epoch:
            self.duplicates.append(DuplicateRead(op.ref, path, op.start, op.end, earlier[2]))
        else:
            ranges[(op.start, op.end)] = (version, epoch, op.ref)
        self.known[key] = _Knowledge(version, op.ref)

    def _know(self, op: FileOp, path: str) -> None:
        """A shell command printed the file (`cat`, `sed -n`): for an agent whose harness keeps no
        read state of its own, that is how it reads (Codex, Aider, ...)."""
        self.known[(op.ref.context_id, path)] = _Knowledge(self.version.get(path, 0), op.ref)

    # -- changes -------------------------------------------------------------------------------

    def _change(self, op: FileOp, path: str) -> None:
        context = op.ref.context_id
        key = (context, path)
        knowledge = self.known.get(key)
        if op.op != "create":
            if knowledge is None:
                self.blind.append(self._blind(op, path))
            elif op.harness == "modified" or knowledge.version != self.version.get(path, 0):
                self.stale.append(self._stale(op, path, knowledge))
        if op.harness == "not_read":
            self.known.pop(key, None)
        elif op.harness == "modified" and knowledge is not None:
            knowledge.version = -1
        if op.ok:
            self._re_edit(op, path)
            version = self._bump(path, op.ref, "edit")
            self.known[key] = _Knowledge(version, op.ref)

    def _bump(self, path: str, ref: Ref, cause: str) -> int:
        version = self.version.get(path, 0) + 1
        self.version[path] = version
        self.last_change[path] = (ref, cause)
        return version

    def _blind(self, op: FileOp, path: str) -> BlindEdit:
        context = op.ref.context_id
        others = tuple(c.id for c in self.session.contexts if c.id != context and (c.id, path) in self.known)
        return BlindEdit(
            ref=op.ref,
            path=path,
            tool=op.tool,
            op=op.op,
            ok=op.ok,
            harness=op.harness,
            shell_read_before=(context, path) in self.shell_read,
            read_by=others,
        )

    def _stale(self, op: FileOp, path: str, knowledge: _Knowledge) -> StaleEdit:
        change = self.last_change.get(path)
        if knowledge.version == -1 or change is None or knowledge.version == self.version.get(path, 0):
            cause, change_ref = "harness", None
        else:
            change_ref = change[0]
            cause = "shell" if change[1] == "shell" else "other_context"
        return StaleEdit(op.ref, path, op.tool, op.ok, cause, knowledge.ref, change_ref)

    # -- re-edits ------------------------------------------------------------------------------

    def _re_edit(self, op: FileOp, path: str) -> None:
        """Check `op` (successful) against this context's remembered lines, then move them on."""
        if op.op == "create" or not op.changes:
            self.regions.pop(path, None)  # the change cannot be placed: forget the file's lines
            return
        by_context = self.regions.setdefault(path, {})
        region_tool = op.op == "edit"  # an edit of lines (a whole-file write remembers none)
        if region_tool:
            self._check_overlap(op, path, by_context.get(op.ref.context_id, []))
        for context, regions in by_context.items():
            by_context[context] = _shift(regions, op.changes)
        if region_tool:
            mine = by_context.setdefault(op.ref.context_id, [])
            mine.extend(_Region(c.new_first, c.new_end, op.ref) for c in op.changes if c.new_end > c.new_first)

    def _check_overlap(self, op: FileOp, path: str, regions: list[_Region]) -> None:
        """Record a re-edit against the most recent earlier edit whose lines `op` touches."""
        best: tuple[int, _Region, tuple[int, int]] | None = None
        for region in regions:
            for change in op.changes:
                overlap = _overlap(region, change)
                if overlap is None:
                    continue
                position = self.call_index.get((region.ref.context_id, region.ref.seq), -1)
                if best is None or position > best[0]:
                    best = (position, region, overlap)
        if best is None:
            return
        _, region, (first, last) = best
        between = self._calls_between(region.ref, op.ref)
        if self.re_edit_window is None or between <= self.re_edit_window:
            self.re_edits.append(ReEdit(op.ref, path, op.tool, region.ref, first, last, between))

    def _calls_between(self, earlier: Ref, later: Ref) -> int:
        first = self.call_index.get((earlier.context_id, earlier.seq), 0)
        last = self.call_index.get((later.context_id, later.seq), first)
        return max(last - first - 1, 0)


def _overlap(region: _Region, change: Change) -> tuple[int, int] | None:
    """The old-file lines (first, last) where `change` touches `region`, or None.

    A change of lines overlaps where the line ranges meet; an insertion only when it lands
    strictly inside the region (then the two lines around it are reported).
    """
    if change.old_end == change.old_first:
        if region.first < change.old_first < region.end:
            return change.old_first - 1, change.old_first
        return None
    first, end = max(region.first, change.old_first), min(region.end, change.old_end)
    return (first, end - 1) if first < end else None


def _shift(regions: list[_Region], changes: tuple[Change, ...]) -> list[_Region]:
    """Remembered lines carried into the new file: rewritten lines are cut out (an insertion
    splits a region), the rest move by the lines added or removed above them."""
    moved: list[_Region] = []
    for region in regions:
        for first, end in _cut(region.first, region.end, changes):
            moved.append(_Region(_moved(first, changes), _moved(end - 1, changes) + 1, region.ref))
    return moved


def _cut(first: int, end: int, changes: tuple[Change, ...]) -> list[tuple[int, int]]:
    pieces = [(first, end)]
    for change in changes:
        kept: list[tuple[int, int]] = []
        for a, b in pieces:
            if change.old_first == change.old_end:  # insertion: split when strictly inside
                cut_points = [(a, change.old_first), (change.old_first, b)] if a < change.old_first < b else [(a, b)]
                kept.extend(cut_points)
                continue
            if a < change.old_first:
                kept.append((a, min(b, change.old_first)))
            if b > change.old_end:
                kept.append((max(a, change.old_end), b))
        pieces = kept
    return [(a, b) for a, b in pieces if a < b]


def _moved(line: int, changes: tuple[Change, ...]) -> int:
    """Where an unchanged old line is in the new file."""
    return line + sum(change.delta for change in changes if change.old_end <= line)


# -- search loops ------------------------------------------------------------------------------


def _search_loops(ops: list[FileOp], minimum: int) -> list[SearchLoop]:
    loops: list[SearchLoop] = []
    run: list[FileOp] = []
    for op in ops:
        if op.op == "search":
            run.append(op)
        elif op.op in _LOOP_BREAKERS:
            _close_run(run, minimum, loops)
            run = []
    _close_run(run, minimum, loops)
    return loops


def _close_run(run: list[FileOp], minimum: int, loops: list[SearchLoop]) -> None:
    if len(run) < minimum:
        return
    patterns = tuple(op.pattern for op in run if op.pattern)
    paths = tuple(dict.fromkeys(op.path for op in run if op.path))
    loops.append(SearchLoop(run[0].ref, run[-1].ref, len(run), patterns, paths))


# -- harness agreement -------------------------------------------------------------------------


def _agreement(session: SessionInput, blind: list[BlindEdit], stale: list[StaleEdit]) -> HarnessAgreement:
    blind_ids = {b.ref.tool_use_id for b in blind}
    stale_ids = {s.ref.tool_use_id for s in stale}
    messages = agreed = not_read = modified = 0
    missed: list[Ref] = []
    for context in session.contexts:
        for call in context.calls:
            refusal = harness_refusal(call.error_text)
            if refusal is None:
                continue
            messages += 1
            if refusal == "not_read":
                not_read += 1
                hit = call.id in blind_ids
            else:
                modified += 1
                hit = call.id in blind_ids or call.id in stale_ids
            if hit:
                agreed += 1
            else:
                missed.append(call.ref)
    allowed = tuple(b.ref for b in blind if b.ok)
    return HarnessAgreement(messages, agreed, tuple(missed), not_read, modified, len(blind), allowed)
