"""Ingest: read what is new in each file discovery found (capture/discovery.py), and store it.

Per file: unchanged (same size and mtime) files are not opened; a file that grew is read from
where the last run stopped, after checking that the bytes already read are still the same; a
truncated or rewritten file is read again from the start and replaces its old records.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from lessonloop.capture.adapters import Adapter, LineParser, Unit, UnreadableUnit
from lessonloop.capture.agents import ADAPTERS, by_agent, for_format
from lessonloop.capture.claude_code import AGENT as CLAUDE_CODE
from lessonloop.capture.discovery import SourceRef, find_sources
from lessonloop.capture.privacy import BatchScreen, CapturePolicy, disabled_notice
from lessonloop.records import Batch, Problem
from lessonloop.sample import is_sample_path
from lessonloop.store import writer
from lessonloop.store.transaction import transaction

if TYPE_CHECKING:
    from lessonloop.store.sample_removal import SampleRemoval

T = TypeVar("T")
# Problems listing units reports for a file of which nothing can be read.
_FAILED_FILE_CODES = frozenset({"unreadable-file", "reader-failed", "not-opencode-db"})

FINGERPRINT_BYTES = 4096
# A last line without newline is accepted only once its file has been quiet this long.
QUIET_SECONDS = 600.0
# Units stored in one transaction: at most this many, or this many bytes read (the store's
# write lock is held while a group is written, never while it is read).
UNIT_GROUP_UNITS = 64
UNIT_GROUP_BYTES = 8_000_000
# From this many bytes to read, redaction's faster gate is built first (secrets/redaction.py
# prepare_bulk: about 1.5 ms to import and build, won back after about a megabyte of transcripts).
BULK_BYTES = 1_000_000


class Progress(Protocol):
    """Receives progress while files are read (a progress bar, or nothing)."""

    def start(self, total_bytes: int, files: int) -> None: ...

    def advance(self, nbytes: int, path: str) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    def start(self, total_bytes: int, files: int) -> None:
        pass

    def advance(self, nbytes: int, path: str) -> None:
        pass

    def finish(self) -> None:
        pass


@dataclass(slots=True)
class PendingLine:
    """A last line not read yet: still being written (or too long to read)."""

    path: str
    line: int
    bytes: int
    oversize: bool


@dataclass(frozen=True, slots=True)
class OtherFormat:
    """A file not read: another agent's format, or no transcript format lessonloop knows."""

    path: str
    format: str  # a name in capture.formats.FORMATS, or formats.UNKNOWN


@dataclass(frozen=True, slots=True)
class OtherFormatGroup:
    """The files of one format not read: `where` is the file, or for several their common
    folder and how many there are; `detail` says what they look like and why they are not read."""

    format: str
    where: str
    detail: str
    paths: list[str]


@dataclass(frozen=True)
class UnitGroup:
    """Files of one agent read as units that are not one per file: `files` files made `units`
    sessions (OpenCode's storage keeps a session in many files; its database holds many)."""

    agent: str
    name: str  # the agent's name as people know it ("OpenCode")
    files: int
    units: int


@dataclass
class IngestSummary:
    """What one ingest run found, read and stored."""

    searched: list[str] = field(default_factory=list)
    used_sample: bool = False
    files_found: int = 0
    files_read: int = 0
    files_unchanged: int = 0
    files_replaced: int = 0
    files_failed: int = 0
    files_nothing_read: int = 0  # of files_read: not one record, only problems (a text file, a chat cut short)
    bytes_read: int = 0
    lines: int = 0
    records: int = 0
    main_sessions: set[str] = field(default_factory=set)
    subagent_sessions: set[str] = field(default_factory=set)
    messages: int = 0
    prompts: int = 0
    tool_calls: int = 0
    tool_results: int = 0
    tool_errors: int = 0
    redactions: int = 0
    problems: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    pending: list[PendingLine] = field(default_factory=list)
    other_formats: list[OtherFormat] = field(default_factory=list)
    unit_groups: list[UnitGroup] = field(default_factory=list)  # files read as fewer (or more) units
    seconds: float = 0.0
    capture_disabled: bool = False  # [capture] enabled = false: nothing was read
    sample_removed: SampleRemoval | None = None  # real transcripts replaced the bundled sample

    @property
    def mb_per_second(self) -> float:
        return (self.bytes_read / 1e6) / self.seconds if self.seconds > 0 else 0.0

    @property
    def nothing_readable(self) -> bool:
        """True when there was input to read and none of it could be read at all."""
        readable = self.files_read - self.files_nothing_read + self.files_unchanged
        return (
            not self.capture_disabled
            and readable == 0
            and (
                self.files_failed > 0
                or self.files_found == 0
                or bool(self.other_formats)
                or self.files_nothing_read > 0
            )
        )

    def nothing_read_reason(self) -> str:
        """Why nothing could be read, in words (when `nothing_readable`)."""
        if self.other_formats:
            from lessonloop.capture.formats import label

            kinds = "; ".join(
                f"{label(g.format)}: {len(g.paths)} file{'' if len(g.paths) == 1 else 's'}"
                for g in self.other_format_groups()
            )
            failed = f"; {self.files_failed} could not be read (see the problems)" if self.files_failed else ""
            return f"the files found are in formats lessonloop does not read ({kinds}){failed}"
        if self.files_failed:
            return "no file could be read (the problems above say why)"
        if self.files_nothing_read:
            return "not one record could be read from the files (the problems above say why)"
        return "no transcripts of any agent lessonloop reads there"

    def other_format_groups(self) -> list[OtherFormatGroup]:
        """The files not read, one group per format."""
        from lessonloop.capture.formats import UNKNOWN as UNKNOWN_FORMAT
        from lessonloop.capture.formats import describe

        by_format: dict[str, list[str]] = {}
        for other in self.other_formats:
            by_format.setdefault(other.format, []).append(other.path)
        groups = []
        for name, paths in sorted(by_format.items(), key=lambda item: item[0] == UNKNOWN_FORMAT):
            where = paths[0] if len(paths) == 1 else f"{os.path.commonpath(paths)} ({len(paths)} files)"
            groups.append(OtherFormatGroup(name, where, describe(name), sorted(paths)))
        return groups

    def to_json(self) -> dict[str, Any]:
        return {
            "searched": self.searched,
            "used_sample": self.used_sample,
            "capture_disabled": self.capture_disabled,
            "files": {
                "found": self.files_found,
                "read": self.files_read,
                "unchanged": self.files_unchanged,
                "replaced": self.files_replaced,
                "failed": self.files_failed,
                "nothing_read": self.files_nothing_read,
                "other_format": len(self.other_formats),
                "read_whole": [{"agent": g.agent, "files": g.files, "sessions": g.units} for g in self.unit_groups],
            },
            "bytes_read": self.bytes_read,
            "lines": self.lines,
            "records": self.records,
            "sessions": len(self.main_sessions),
            "subagent_sessions": len(self.subagent_sessions),
            "messages": self.messages,
            "prompts": self.prompts,
            "tool_calls": self.tool_calls,
            "tool_results": self.tool_results,
            "tool_errors": self.tool_errors,
            "secrets_redacted": self.redactions,
            "problems": [_problem_json(p) for p in self.problems],
            "notices": [_problem_json(p) for p in self.notices],
            "pending_lines": [
                {"path": p.path, "line": p.line, "bytes": p.bytes, "too_long": p.oversize} for p in self.pending
            ],
            "other_formats": [
                {"format": g.format, "detail": g.detail, "paths": g.paths} for g in self.other_format_groups()
            ],
            "sample_removed": self.sample_removed.to_json() if self.sample_removed is not None else None,
            "seconds": round(self.seconds, 4),
            "mb_per_second": round(self.mb_per_second, 2),
        }


def _problem_json(problem: Problem) -> dict[str, Any]:
    return {"path": problem.path, "line": problem.line, "code": problem.code, "detail": problem.detail}


def discover(
    paths: Iterable[str | os.PathLike[str]] | None,
    environ: Mapping[str, str] | None = None,
    *,
    known_folders: Iterable[str] = (),
    configured: Iterable[str] = (),
) -> tuple[list[SourceRef], IngestSummary]:
    """The files to ingest (capture/discovery.py: under `paths` when given, else where every
    agent keeps its files, else the sample) and a summary started with what discovery saw."""
    found = find_sources(paths, environ, known_folders=known_folders, configured=configured)
    summary = IngestSummary(searched=found.searched, used_sample=found.used_sample)
    for problem in found.problems:  # a notice (a history not read, where Aider's were looked for) fails nothing
        if problem.severity == "notice":
            summary.notices.append(problem)
        else:
            summary.problems.append(problem)
            summary.files_failed += 1
    return found.sources, summary


def ingest(
    conn: sqlite3.Connection,
    sources: list[SourceRef],
    summary: IngestSummary | None = None,
    *,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.time,
    policy: CapturePolicy | None = None,
) -> IngestSummary:
    """Read what is new in each source file and store it, as `policy` allows (default: the
    configuration's [capture]; forgotten sessions are never stored again); return what was done.

    Each file is read by the adapter of its format (capture/agents.py): a file never read before
    is recognized by its path (an adapter's `claims`) or its content (capture/formats.py)."""
    summary = summary if summary is not None else IngestSummary()
    progress = progress or NoProgress()
    started = time.perf_counter()
    now = clock()
    summary.files_found = sum(1 for ref in sources if not ref.sniff_only)
    screen = BatchScreen.for_store(conn, policy)
    if not screen.policy.enabled:
        summary.capture_disabled = True
        summary.notices.append(disabled_notice())
        return summary
    if screen.policy.scrub_pii:  # privacy.scrub_pii_store: personal data goes with the secrets
        from lessonloop.secrets.redaction import set_pii

        set_pii(True)
    if sources and not any(ref.is_sample for ref in sources):
        from lessonloop.store.sample_removal import remove_sample  # only when real transcripts come

        summary.sample_removed = remove_sample(conn)
    states = writer.file_states(conn)
    plans: list[tuple[SourceRef, Adapter]] = []
    unit_files: dict[tuple[str, str], list[str]] = {}  # (agent, format) -> files read as units
    total = 0
    for ref in sources:
        try:
            info = os.stat(ref.path)
        except OSError as exc:
            if ref.sniff_only:
                continue
            summary.problems.append(Problem(ref.path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
            summary.files_failed += 1
            continue
        if not stat.S_ISREG(info.st_mode):
            if not ref.sniff_only:
                summary.problems.append(Problem(ref.path, None, "unreadable-file", "not a regular file"))
                summary.files_failed += 1
            continue
        state = states.get(ref.path)
        fmt = _format_of(ref, state, summary)
        if fmt is None:
            continue  # told apart: another agent's format not read, or not a transcript
        adapter = for_format(fmt)
        if adapter is None:
            continue  # stored by a version that read a format this one has no adapter for
        if ref.sniff_only:
            summary.files_found += 1  # found beside transcripts, and read after all
        if adapter.formats[fmt] == "units":
            unit_files.setdefault((adapter.agent, fmt), []).append(ref.path)
            continue
        ref = SourceRef(ref.path, adapter.agent, ref.is_sample, False, fmt)
        if state is not None and _unchanged(state, info, now):
            summary.files_unchanged += 1
            continue
        plans.append((ref, adapter))
        if state is not None and not state.reread and info.st_size >= state.offset:
            start = state.restart_offset if state.restart_offset is not None else state.offset
        else:
            start = 0
        total += max(0, info.st_size - start)
    units = _plan_units(unit_files, states, summary)
    total += sum(unit.size for unit, _ in units)
    if total >= BULK_BYTES:
        from lessonloop.secrets.redaction import prepare_bulk

        prepare_bulk()
    progress.start(total, len(plans) + len(units))
    try:
        for ref, adapter in plans:
            _ingest_file(conn, ref, adapter, summary, progress, now, screen)
        _ingest_units(conn, units, summary, progress, screen)
        # Files that shared sessions with a replaced file are rebuilt too (see clear_file_records).
        for _ in range(5):
            again = writer.files_to_reread(conn)
            if not again:
                break
            states = writer.file_states(conn)
            for path in again:
                state = states[path]
                fmt = state.format or CLAUDE_CODE
                adapter = for_format(fmt)
                if adapter is None or adapter.formats[fmt] == "units" or not os.path.exists(path):
                    # Gone from disk (Claude Code deletes old transcripts), or a unit (never shared):
                    # its records stay as they are.
                    writer.clear_reread_mark(conn, path)
                    if adapter is not None and adapter.formats[fmt] == "lines":
                        summary.notices.append(
                            Problem(
                                path,
                                None,
                                "source-gone",
                                "file no longer exists; its stored records are kept",
                                "notice",
                            )
                        )
                    continue
                ref = SourceRef(path, adapter.agent, is_sample_path(path), False, fmt)
                _ingest_file(conn, ref, adapter, summary, progress, now, screen)
    finally:
        progress.finish()
    summary.notices.extend(screen.notices())
    summary.seconds = time.perf_counter() - started
    return summary


def _format_of(ref: SourceRef, state: writer.FileState | None, summary: IngestSummary) -> str | None:
    """The format to read a file as, or None when it is not read (then told apart in `summary`
    when it is another agent's file)."""
    from lessonloop.capture import formats

    if state is not None:
        return state.format or CLAUDE_CODE
    if ref.format is not None and for_format(ref.format) is not None:
        return ref.format
    for adapter in ADAPTERS:
        claimed = adapter.claims(ref.path)
        if claimed is not None:
            return claimed
    try:
        with open(ref.path, "rb") as handle:
            head = handle.read(formats.HEAD_BYTES)
    except OSError as exc:
        if ref.sniff_only:
            return None
        summary.problems.append(Problem(ref.path, None, "unreadable-file", f"cannot open: {exc.strerror or exc}"))
        summary.files_failed += 1
        return None
    found = formats.sniff(ref.path, head)
    if found is None and not ref.sniff_only and formats.is_sqlite(head):
        # A SQLite file the person named: the one reader of SQLite files (OpenCode's) says what it is.
        found = "opencode-db"
    if found is not None and found != formats.UNKNOWN and for_format(found) is not None:
        return found
    if ref.sniff_only:
        if found is not None and found != formats.UNKNOWN:
            summary.other_formats.append(OtherFormat(ref.path, found))
            summary.files_found += 1
        return None
    if found is None:
        return CLAUDE_CODE  # too little to tell: a *.jsonl is read as Claude Code's, as always
    summary.other_formats.append(OtherFormat(ref.path, found))
    return None


def _plan_units(
    unit_files: dict[tuple[str, str], list[str]], states: dict[str, writer.FileState], summary: IngestSummary
) -> list[tuple[Unit, tuple[str, str]]]:
    """The units of the files read whole whose stamp changed (or that are marked to be read again)."""
    planned: list[tuple[Unit, tuple[str, str]]] = []
    for (agent, fmt), paths in sorted(unit_files.items()):
        adapter = by_agent(agent)
        assert adapter is not None
        problems: list[Problem] = []
        try:
            units = adapter.units(fmt, sorted(paths), problems)
        except Exception as exc:  # a defect of the adapter: never stop the run
            problems.append(
                Problem(paths[0], None, "reader-failed", f"could not be read ({type(exc).__name__}: {str(exc)[:200]})")
            )
            units = []
        for problem in problems:  # listing units finds format drift too (parts without their message): notices
            (summary.notices if problem.severity == "notice" else summary.problems).append(problem)
        # A file that yields no unit at all (not a database, another program's): a failed file.
        failed = sum(1 for p in problems if p.code in _FAILED_FILE_CODES)
        summary.files_failed += failed
        # What is read whole is counted as found in place of the files it is made of (a session of
        # OpenCode's storage is many files, a database many sessions), so found = read + unchanged
        # + failed + other formats.
        summary.files_found += len(units) + failed - len(paths)
        if len(units) + failed != len(paths):  # not one session per file: say what was counted
            summary.unit_groups.append(UnitGroup(agent, adapter.name, len(paths), len(units)))
        for unit in units:
            state = states.get(unit.path)
            if state is not None and not state.reread and state.size == unit.size and state.mtime_ns == unit.mtime_ns:
                summary.files_unchanged += 1
                continue
            planned.append((unit, (agent, fmt)))
    return planned


def _ingest_units(
    conn: sqlite3.Connection,
    units: list[tuple[Unit, tuple[str, str]]],
    summary: IngestSummary,
    progress: Progress,
    screen: BatchScreen,
) -> None:
    """Read units whole and store each in place of what it stored before, several units to a
    transaction: units are often small (a chat of a few kB), and a transaction of its own would
    cost each one more than reading it. Units are read before their group's transaction begins
    (the store stays free meanwhile); each unit's records and its source_files row are written
    together in the group's transaction, so a unit is stored whole or not at all."""
    group: list[tuple[Unit, str, str, Batch]] = []
    size = 0
    for unit, (agent, fmt) in units:
        batch = _read_unit(unit, summary, progress)
        if batch is None:
            continue
        screen.apply(batch, unit.path)
        group.append((unit, agent, fmt, batch))
        size += unit.size
        if size >= UNIT_GROUP_BYTES or len(group) >= UNIT_GROUP_UNITS:
            _store_units(conn, group, summary, progress)
            group, size = [], 0
    if group:
        _store_units(conn, group, summary, progress)


def _read_unit(unit: Unit, summary: IngestSummary, progress: Progress) -> Batch | None:
    try:
        return unit.read()
    except UnreadableUnit as refused:  # nothing of it can be read: a failed file, what it stored stays
        summary.problems.append(refused.problem)
        summary.files_failed += 1
        progress.advance(unit.size, unit.path)
        return None
    except Exception as exc:  # a defect of the adapter (bad input is reported as problems): go on
        summary.problems.append(
            Problem(
                unit.path,
                None,
                "reader-failed",
                f"could not be read ({type(exc).__name__}: {str(exc)[:200]}); tried again on the next run",
            )
        )
        summary.files_failed += 1
        progress.advance(unit.size, unit.path)
        return None


def _store_units(
    conn: sqlite3.Connection, group: list[tuple[Unit, str, str, Batch]], summary: IngestSummary, progress: Progress
) -> None:
    with transaction(conn):
        for unit, agent, fmt, batch in group:
            _store_unit(conn, unit, agent, fmt, batch, summary)
    for unit, *_ in group:
        progress.advance(unit.size, unit.path)


def _store_unit(
    conn: sqlite3.Connection, unit: Unit, agent: str, fmt: str, batch: Batch, summary: IngestSummary
) -> None:
    """Store one unit's batch (inside the group's transaction: an error other than StaleStateError rolls
    the whole group back)."""
    state = writer.register_file(conn, unit.path, agent, is_sample=False, format=fmt)
    progress_row = writer.ReadProgress(
        size=unit.size, mtime_ns=unit.mtime_ns, offset=unit.size, lines=0, head_hash=None, tail_hash=None
    )
    try:
        # A unit read before (or marked to be read again) replaces what it stored; a new one has nothing to clear.
        notices = writer.write_chunk(
            conn,
            state,
            state.offset,
            state.tail_hash,
            batch,
            progress_row,
            replace=state.offset > 0 or state.reread,
            cascade=False,
        )
    except writer.StaleStateError:
        summary.notices.append(
            Problem(unit.path, None, "concurrent-ingest", "another ingest stored this meanwhile; left to it", "notice")
        )
        return
    if state.offset > 0 or state.reread:
        summary.files_replaced += 1
    summary.notices.extend(notices)
    summary.files_read += 1
    if batch.records == 0 and any(p.severity != "notice" for p in batch.problems):
        summary.files_nothing_read += 1  # a JSON document cut short or invalid: skipped whole
    _count(summary, batch, 0)
    summary.bytes_read += unit.size


def _unchanged(state: writer.FileState, info: os.stat_result, now: float) -> bool:
    if state.reread or state.size != info.st_size or state.mtime_ns != info.st_mtime_ns:
        return False
    # A pending last line (no newline) is looked at again once the file has been quiet.
    return state.offset >= info.st_size or now - info.st_mtime_ns / 1e9 < QUIET_SECONDS


def _fingerprint(data: bytes) -> str:
    import hashlib  # only when a file is read: unchanged files are never opened

    return hashlib.blake2b(data, digest_size=12).hexdigest()


def _head_tail(fd: int, offset: int) -> tuple[str | None, str | None]:
    if offset <= 0:
        return None, None
    head = os.pread(fd, min(FINGERPRINT_BYTES, offset), 0)
    start = max(0, offset - FINGERPRINT_BYTES)
    tail = os.pread(fd, offset - start, start)
    return _fingerprint(head), _fingerprint(tail)


def _ingest_file(
    conn: sqlite3.Connection,
    ref: SourceRef,
    adapter: Adapter,
    summary: IngestSummary,
    progress: Progress,
    now: float,
    screen: BatchScreen,
) -> None:
    try:
        handle = open(ref.path, "rb")  # noqa: SIM115 - closed below, after a stat of the open file
    except OSError as exc:
        summary.problems.append(Problem(ref.path, None, "unreadable-file", f"cannot open: {exc.strerror or exc}"))
        summary.files_failed += 1
        return
    with handle:
        try:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise IsADirectoryError(21, "not a regular file")
            state = writer.register_file(conn, ref.path, adapter.agent, is_sample=ref.is_sample, format=ref.format)
            plan = _plan(handle.fileno(), state, info.st_size)
            _read_file(conn, ref, adapter, handle, info, state, plan, summary, progress, now, screen)
        except writer.StaleStateError:
            summary.notices.append(
                Problem(
                    ref.path,
                    None,
                    "concurrent-ingest",
                    "another ingest stored this file meanwhile; left to it",
                    "notice",
                )
            )
        except OSError as exc:
            summary.problems.append(Problem(ref.path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
            summary.files_failed += 1


@dataclass(slots=True)
class ReadPlan:
    """How to read a file now."""

    replace: bool  # its stored records are rebuilt from the start
    cascade: bool  # its content changed: files sharing its sessions are rebuilt too
    start_offset: int
    start_line: int


def _plan(fd: int, state: writer.FileState, size: int) -> ReadPlan:
    changed = False
    if state.offset > 0:
        if size < state.offset:
            changed = True  # truncated
        else:
            head, tail = _head_tail(fd, state.offset)
            changed = head != state.head_hash or tail != state.tail_hash  # rewritten
    if changed:
        return ReadPlan(True, True, 0, 0)
    if state.reread:
        return ReadPlan(True, False, 0, 0)  # unchanged, rebuilt because another file changed
    if state.restart_offset is not None and state.restart_line is not None and state.restart_offset <= state.offset:
        return ReadPlan(False, False, state.restart_offset, state.restart_line)  # the parser asked to go back
    return ReadPlan(False, False, state.offset, state.lines)


def _read_file(
    conn: sqlite3.Connection,
    ref: SourceRef,
    adapter: Adapter,
    handle: Any,
    info: os.stat_result,
    state: writer.FileState,
    plan: ReadPlan,
    summary: IngestSummary,
    progress: Progress,
    now: float,
    screen: BatchScreen,
) -> None:
    # The parser and its dependencies are loaded only when some file has new lines.
    from lessonloop import json_codec
    from lessonloop.capture import line_reader
    from lessonloop.capture.adapters import PendingCall
    from lessonloop.capture.line_reader import ReadState, read_chunks

    replace, start_offset, start_line = plan.replace, plan.start_offset, plan.start_line
    pending: dict[str, PendingCall] = {}
    parser_state: dict[str, Any] | None = None
    if not replace:
        for tool_id, tool, input_json in writer.pending_calls(conn, state.id):
            try:
                tool_input = json_codec.loads(input_json) if input_json else None
            except json_codec.JSONDecodeError:
                tool_input = None
            pending[tool_id] = PendingCall(tool, tool_input)
        if state.parser_state:
            try:
                loaded = json_codec.loads(state.parser_state)
            except json_codec.JSONDecodeError:
                loaded = None
            parser_state = loaded if isinstance(loaded, dict) else None
    parser = adapter.open_parser(ref.path, ref.format or CLAUDE_CODE, pending_calls=pending, state=parser_state)
    state_of = getattr(parser, "state", None)
    if info.st_size == 0:
        summary.notices.append(Problem(ref.path, None, "empty-file", "empty file: nothing to read yet", "notice"))
    read_state = ReadState()
    quiet = now - info.st_mtime_ns / 1e9 >= QUIET_SECONDS
    expected_offset, expected_tail = state.offset, state.tail_hash
    restart: tuple[int, int] | None = None  # (offset, lines before it) where a later read starts again
    position = start_offset
    counted_to = max(start_offset, state.offset) if not replace else 0  # bytes read before (a restart re-reads)
    reported_to = state.lines if not replace else 0  # lines read before: their problems were reported then
    fd = handle.fileno()
    records_before, problems_before = summary.records, len(summary.problems)
    chunks = read_chunks(
        handle,
        ref.path,
        start_offset,
        start_line,
        info.st_size,
        read_state,
        accept_unterminated=quiet,
        block_bytes=line_reader.BLOCK_BYTES,
    )
    for chunk, last in _with_last(chunks):
        try:
            batch = parser.parse(chunk.lines, chunk.first_lineno)
        except Exception as exc:  # a defect of the parser (it reports bad lines itself): never stop the run
            summary.problems.append(
                Problem(
                    ref.path,
                    chunk.first_lineno,
                    "reader-failed",
                    f"lines {chunk.first_lineno}-{chunk.end_lineno} could not be read ({type(exc).__name__}:"
                    f" {str(exc)[:200]}); this file stops here and is tried again on the next run",
                )
            )
            summary.files_failed += 1
            screen.end_file()
            return
        batch.problems.extend(chunk.problems)
        if chunk.first_lineno <= reported_to:  # read again from the parser's restart point
            batch.problems = [p for p in batch.problems if p.line is None or p.line > reported_to]
        # The capture policy and forgotten sessions, before anything is written (records of a session
        # that has named no folder yet wait for the chunk that names one, or for the file's last).
        screen.apply(batch, ref.path, last=last)
        restart = _restart_point(parser, chunk, position, restart, fd)
        head, tail = _head_tail(fd, chunk.end_offset)
        saved = state_of() if state_of is not None else None
        progress_row = writer.ReadProgress(
            size=info.st_size,
            mtime_ns=info.st_mtime_ns,
            offset=chunk.end_offset,
            lines=chunk.end_lineno,
            head_hash=head,
            tail_hash=tail,
            parser_state=json_codec.dumps(saved) if saved else None,
            restart_offset=restart[0] if restart is not None else None,
            restart_line=restart[1] if restart is not None else None,
        )
        notices = writer.write_chunk(
            conn, state, expected_offset, expected_tail, batch, progress_row, replace=replace, cascade=plan.cascade
        )
        if replace:
            summary.files_replaced += 1
        replace = False
        expected_offset, expected_tail = chunk.end_offset, tail
        summary.notices.extend(notices)
        new_bytes = max(0, chunk.end_offset - max(position, counted_to))
        _count(summary, batch, chunk.end_lineno - chunk.first_lineno + 1 if chunk.lines else 0)
        progress.advance(chunk.end_offset - position, ref.path)
        summary.bytes_read += new_bytes
        position = chunk.end_offset
    summary.files_read += 1
    if start_offset == 0 and summary.records == records_before and len(summary.problems) > problems_before:
        # Read from its start: not one record, only lines that are none (a text file, an image).
        summary.files_nothing_read += 1
    summary.notices.extend(parser.notices())
    if read_state.pending_line is not None:
        summary.pending.append(
            PendingLine(ref.path, read_state.pending_line, read_state.pending_bytes, read_state.pending_oversize)
        )
    remaining = info.st_size - position
    if remaining > 0:
        progress.advance(remaining, ref.path)


def _with_last(items: Iterable[T]) -> Iterator[tuple[T, bool]]:
    """Each item and whether it is the last."""
    iterator = iter(items)
    try:
        current = next(iterator)
    except StopIteration:
        return
    for following in iterator:
        yield current, False
        current = following
    yield current, True


def _restart_point(
    parser: LineParser, chunk: Any, chunk_start: int, previous: tuple[int, int] | None, fd: int
) -> tuple[int, int] | None:
    """Where a later read of this file starts again: the parser's `restart_line` as a byte offset
    and the number of lines before it (None: where this read ends)."""
    line = getattr(parser, "restart_line", None)
    if line is None:
        return None
    if line > chunk.end_lineno:
        return None  # past what was read: continue at the end
    if line < chunk.first_lineno:
        # In an earlier chunk (computed then), or before this read began (kept as it was).
        return previous if previous is not None and previous[1] == line - 1 else None
    index = line - chunk.first_lineno
    # Lines over the reader's limit are not handed on (blanked, or streamed past before the chunk):
    # their length is unknown. The offset is counted from the side where none was dropped.
    dropped = [p.line or 0 for p in chunk.problems if p.code == "line-too-long"]
    if any(d >= line for d in dropped):
        if any(d < line for d in dropped):
            return None  # dropped on both sides: cannot be counted (continue at the end)
        return chunk_start + _length(chunk.lines, 0, index), line - 1
    if dropped:
        # Back from the chunk's end: each line after the restart point ends with its newline, but
        # a last line without one that the reader accepted whole (a quiet file's complete JSON).
        after = _length(chunk.lines, index, len(chunk.lines))
        if os.pread(fd, 1, chunk.end_offset - 1) != b"\n":
            after -= 1
        return chunk.end_offset - after, line - 1
    return chunk_start + _length(chunk.lines, 0, index), line - 1


def _length(lines: list[bytes], start: int, end: int) -> int:
    """Bytes of lines[start:end], each with its newline."""
    joined = getattr(lines, "joined", None)  # the reader's bytes the lines were split from
    count = len(lines)
    if start == 0 and isinstance(joined, bytes) and 2 * end > count:
        # Most of the lines: all of them (the bytes' length) less the few after (Aider's restart
        # line is its last session's heading).
        return len(joined) + 1 - (sum(map(len, lines[end:])) + count - end)
    return sum(map(len, lines[start:end])) + end - start


def _count(summary: IngestSummary, batch: Batch, lines: int) -> None:
    summary.lines += lines
    summary.records += batch.records
    for session in batch.sessions.values():
        if session.parent_id is None:
            summary.main_sessions.add(session.id)
        else:
            summary.subagent_sessions.add(session.id)
    summary.messages += len(batch.messages)
    summary.prompts += sum(1 for m in batch.messages if m.kind == "prompt")
    summary.tool_calls += len(batch.tool_calls)
    summary.tool_results += len(batch.tool_results)
    summary.tool_errors += sum(1 for r in batch.tool_results if not r.ok)
    summary.redactions += batch.redactions
    for problem in batch.problems:  # a unit's reader reports format drift in its batch, as notices
        (summary.notices if problem.severity == "notice" else summary.problems).append(problem)


def known_folders(conn: sqlite3.Connection) -> list[str]:
    """The folders of the stored sessions and their projects (Aider keeps its history in each)."""
    known = [row[0] for row in conn.execute("SELECT DISTINCT cwd FROM sessions WHERE cwd IS NOT NULL")]
    known += [row[0] for row in conn.execute("SELECT DISTINCT project FROM sessions WHERE project IS NOT NULL")]
    return list(dict.fromkeys(known))


def ingest_new_projects(
    conn: sqlite3.Connection,
    before: Iterable[str],
    configured: Iterable[str],
    sources: list[SourceRef],
    summary: IngestSummary,
    *,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[SourceRef]:
    """After an ingest without paths: the files found only now that the sessions just read made
    their project folders known (an Aider history in the repository of a Claude Code session read
    for the first time), read into the same `summary`; returns them. The notice of where Aider's
    histories were looked for is the second look's, which covers every folder."""
    if not set(known_folders(conn)) - set(before):
        return []
    found = find_sources(None, environ, known_folders=known_folders(conn), configured=configured)
    read = {ref.path for ref in sources}
    extra = [ref for ref in found.sources if ref.path not in read and not ref.is_sample]
    hint = [p for p in found.problems if p.code == "aider-histories"]
    if hint:
        summary.notices = [p for p in summary.notices if p.code != "aider-histories"] + hint
    if not extra:
        return []
    more = ingest(conn, extra, IngestSummary(), progress=progress)
    _merge(summary, more)
    return extra


def _merge(summary: IngestSummary, more: IngestSummary) -> None:
    """Add what `more` counted to `summary` (counts summed, sets joined, lists extended)."""
    import dataclasses

    for item in dataclasses.fields(summary):
        name = item.name
        if name in ("searched", "used_sample", "sample_removed"):
            continue
        mine, theirs = getattr(summary, name), getattr(more, name)
        if isinstance(mine, bool):
            setattr(summary, name, mine or theirs)
        elif isinstance(mine, (int, float)):
            setattr(summary, name, mine + theirs)
        elif isinstance(mine, set):
            mine.update(theirs)
        elif isinstance(mine, list):
            mine.extend(theirs)
