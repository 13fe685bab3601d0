"""Ingest: read what is new in each file discovery found (capture/discovery.py), and store it.

Per file: unchanged (same size and mtime) files are not opened; a file that grew is read from
where the last run stopped, after checking that the bytes already read are still the same; a
truncated or rewritten file is read again from the start, and what it stored before is kept
(pipeline/damage_reports.py; an Aider history: pipeline/damaged_files.py).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from lessonloop.capture.adapters import Adapter, Unit, UnreadableUnit
from lessonloop.capture.agents import DEFAULT_FORMAT, adapters, by_agent, for_format
from lessonloop.capture.discovery import SourceRef, find_sources
from lessonloop.capture.privacy import BatchScreen, CapturePolicy, disabled_notice
from lessonloop.core.records import Batch, Problem
from lessonloop.pipeline.file_parse import (
    QUIET_SECONDS,
    FileEnd,
    ParsedChunk,
    ParsedStat,
    ReaderFailure,
    head_tail,
    parse_chunks,
)
from lessonloop.pipeline.misread_files import recognized_now, replace_misread
from lessonloop.sample import is_sample_path
from lessonloop.store.sessions import writer
from lessonloop.store.sessions.forgotten import forgotten_session_ids
from lessonloop.store.transaction import transaction

if TYPE_CHECKING:
    from lessonloop.pipeline.damaged_files import Damage
    from lessonloop.pipeline.parallel_parse import ParsedFile
    from lessonloop.store.removal.sample import SampleRemoval
    from lessonloop.store.sessions.kept_rows import Merge

T = TypeVar("T")
# Problems listing units reports for a file of which nothing can be read.
_FAILED_FILE_CODES = frozenset({"unreadable-file", "reader-failed", "not-opencode-db"})

# Units stored in one transaction: at most this many, or this many bytes read (the store's
# write lock is held while a group is written, never while it is read).
UNIT_GROUP_UNITS = 64
UNIT_GROUP_BYTES = 8_000_000
# From this many bytes to read, redaction's faster gate is built first (secrets/redaction.py
# prepare_bulk: about 1.5 ms to import and build, won back after about a megabyte of transcripts).
BULK_BYTES = 1_000_000
# From this many bytes to read, the store checkpoints its log rarely while they are written
# (store/sessions/writer.bulk_writes); a Stop hook's turn leaves SQLite's own setting alone.
BULK_WRITE_BYTES = 8_000_000


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
    format: str  # a name in capture.sniffer.known_formats(), or sniffer.UNKNOWN / NO_SESSION


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
    parse_workers: int = 0  # worker processes that parsed new files (pipeline/parallel_parse.py)
    texts_later: int = 0  # files whose figures were stored and whose texts the store's worker stores
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
            from lessonloop.capture.sniffer import label

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
        from lessonloop.capture.sniffer import NO_SESSION, describe
        from lessonloop.capture.sniffer import UNKNOWN as UNKNOWN_FORMAT

        by_format: dict[str, list[str]] = {}
        for other in self.other_formats:
            by_format.setdefault(other.format, []).append(other.path)
        groups = []
        for name, paths in sorted(by_format.items(), key=lambda item: item[0] in (UNKNOWN_FORMAT, NO_SESSION)):
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
            "parse_workers": self.parse_workers,
            "files_with_texts_later": self.texts_later,
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
    texts_later: bool = False,
) -> IngestSummary:
    """Read what is new in each source file and store it, as `policy` allows (default: the
    configuration's [capture]; forgotten sessions are never stored again); return what was done.

    Each file is read by the adapter of its format (capture/agents.py): a file never read before
    is recognized by its path (an adapter's `claims`) or its content (capture/sniffer.py).

    Texts later (`texts_later`): a transcript file read from its start (never read before) is
    stored without its texts (capture/withheld_texts.py): its sessions, messages, calls, outcomes
    and tokens, what figures are made of, at the cost of reading it; redacting what was said, run
    and shown is most of a first capture's time. The file is marked, and read again whole, its
    texts redacted, by the next capture without `texts_later` (the store's worker, a read that
    shows texts: pipeline/texts_later.py). Files read as units, and the new lines of a file
    stored whole, are stored whole as always."""
    summary = summary if summary is not None else IngestSummary()
    progress = progress or NoProgress()
    started = time.perf_counter()
    now = clock()
    summary.files_found = sum(1 for ref in sources if not ref.sniff_only)
    screen = BatchScreen(policy if policy is not None else CapturePolicy.load(), forgotten_session_ids(conn))
    if not screen.policy.enabled:
        summary.capture_disabled = True
        summary.notices.append(disabled_notice())
        return summary
    if screen.policy.scrub_pii:  # privacy.scrub_pii_store: personal data goes with the secrets
        from lessonloop.secrets.redaction import set_pii

        set_pii(True)
    if sources and not any(ref.is_sample for ref in sources):
        from lessonloop.store.removal.sample import remove_sample  # only when real transcripts come

        summary.sample_removed = remove_sample(conn)
    states = writer.file_states(conn)
    plans: list[tuple[SourceRef, Adapter]] = []
    new_files: dict[str, int] = {}  # files never read before (parsed in worker processes when many): size
    withheld: set[str] = set()  # files read for their figures, texts later (see the docstring)
    unit_files: dict[tuple[str, str], list[str]] = {}  # (agent, format) -> files read as units
    total = without_texts = 0
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
        if state is not None:
            now_as = recognized_now(conn, ref, state)
            if now_as is not None:  # read wrong before: what it stored replaced by the right reading
                summary.notices.append(replace_misread(conn, state, now_as))
                state = None
                ref = SourceRef(ref.path, ref.agent, ref.is_sample, ref.sniff_only, now_as)
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
        texts_due = state is not None and state.texts_withheld and not texts_later  # read again whole
        if state is not None and not texts_due and _unchanged(state, info, now):
            summary.files_unchanged += 1
            continue
        plans.append((ref, adapter))
        if texts_later and not ref.is_sample and (state is None or state.texts_withheld):
            withheld.add(ref.path)  # (the bundled sample is small, and shown at once: read whole)
        elif state is None:
            new_files[ref.path] = info.st_size
        if state is not None and not state.reread and not texts_due and info.st_size >= state.offset:
            start = state.restart_offset if state.restart_offset is not None else state.offset
        else:
            start = 0
        total += max(0, info.st_size - start)
        if ref.path in withheld:
            without_texts += max(0, info.st_size - start)
    units = _plan_units(unit_files, states, summary)
    total += sum(unit.size for unit, _ in units)
    if total - without_texts >= BULK_BYTES:  # (what is read without its texts is not redacted)
        from lessonloop.secrets.redaction import prepare_bulk

        prepare_bulk()
    progress.start(total, len(plans) + len(units))
    ahead = _parsed_ahead(plans, new_files, now, summary, scrub_pii=screen.policy.scrub_pii, bulk=total >= BULK_BYTES)
    try:
        with writer.bulk_writes(conn) if total >= BULK_WRITE_BYTES else nullcontext():
            if ahead is None:
                for ref, adapter in plans:
                    _ingest_file(conn, ref, adapter, summary, progress, now, screen, withhold=ref.path in withheld)
            else:
                _store_parsed_files(conn, plans, new_files, ahead, summary, progress, now, screen, withheld)
                ahead.close()
            _ingest_units(conn, units, summary, progress, screen)
            _reread_shared(conn, summary, progress, now, screen)
    finally:
        if ahead is not None:
            ahead.close()  # the pool stopped, if a failure left it running
        progress.finish()
    summary.notices.extend(screen.notices())
    from lessonloop.store.sessions.totals import settle_totals

    settle_totals(conn)  # the changed sessions' costs and totals, what reads show (store/sessions/totals.py)
    summary.seconds = time.perf_counter() - started
    return summary


def _reread_shared(
    conn: sqlite3.Connection, summary: IngestSummary, progress: Progress, now: float, screen: BatchScreen
) -> None:
    """Files that shared sessions with a replaced file are rebuilt too (see clear_file_records)."""
    for _ in range(5):
        again = writer.files_to_reread(conn)
        if not again:
            break
        states = writer.file_states(conn)
        for path in again:
            state = states[path]
            fmt = state.format or DEFAULT_FORMAT
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


def _parsed_ahead(
    plans: list[tuple[SourceRef, Adapter]],
    new_files: dict[str, int],
    now: float,
    summary: IngestSummary,
    *,
    scrub_pii: bool,
    bulk: bool,
) -> Generator[ParsedFile, None, None] | None:
    """The files never read before, parsed by worker processes in the plans' order, when there
    are enough of them (pipeline/parallel_parse.py); None: every file is parsed here."""
    from lessonloop.pipeline import parallel_parse

    workers = parallel_parse.workers_for(sum(new_files.values()), len(new_files))
    if not workers:
        return None
    summary.parse_workers = max(summary.parse_workers, workers)
    jobs = [(ref.path, ref.format or DEFAULT_FORMAT) for ref, _adapter in plans if ref.path in new_files]
    return parallel_parse.parsed_in_workers(jobs, workers, now, scrub_pii=scrub_pii, bulk=bulk)


def _store_parsed_files(
    conn: sqlite3.Connection,
    plans: list[tuple[SourceRef, Adapter]],
    new_files: dict[str, int],
    ahead: Iterator[ParsedFile],
    summary: IngestSummary,
    progress: Progress,
    now: float,
    screen: BatchScreen,
    withheld: set[str],
) -> None:
    """Store the plans' files, those the workers parsed several to a transaction (up to
    UNIT_GROUP_BYTES of transcript, as units are): one transaction a file wrote the same pages
    of the stores' indexes to the log again at every commit, three times the store's size."""
    group: list[tuple[SourceRef, Adapter, ParsedFile]] = []

    def store_group() -> None:
        if group:
            with transaction(conn):
                for ref, adapter, parsed in group:
                    if not _store_from_worker(conn, ref, adapter, parsed, summary, progress, screen):
                        _ingest_file(conn, ref, adapter, summary, progress, now, screen)
            group.clear()

    for ref, adapter in plans:
        parsed = next(ahead) if ref.path in new_files else None
        if parsed is None or parsed.stat is None:
            store_group()
            _ingest_file(conn, ref, adapter, summary, progress, now, screen, withhold=ref.path in withheld)
            continue
        if sum(p.stat.st_size for _r, _a, p in group if p.stat) + parsed.stat.st_size > UNIT_GROUP_BYTES:
            store_group()
        group.append((ref, adapter, parsed))
    store_group()


def _store_from_worker(
    conn: sqlite3.Connection,
    ref: SourceRef,
    adapter: Adapter,
    parsed: ParsedFile,
    summary: IngestSummary,
    progress: Progress,
    screen: BatchScreen,
) -> bool:
    """Store a worker's parse of a file never read before; False when the file is to be read here
    instead (the worker could not read it, or another ingest has stored part of it meanwhile)."""
    if parsed.items is None or parsed.stat is None:
        return False
    state = writer.register_file(conn, ref.path, adapter.agent, is_sample=ref.is_sample, format=ref.format)
    if state.offset or state.lines or state.reread or state.restart_offset is not None:
        return False
    try:
        _store_parsed(
            conn, ref, parsed.stat, state, ReadPlan(False, False, 0, 0), parsed.items, summary, progress, screen
        )
    except writer.StaleStateError:
        summary.notices.append(_stored_meanwhile(ref.path))
    return True


def _stored_meanwhile(path: str) -> Problem:
    return Problem(path, None, "concurrent-ingest", "another ingest stored this file meanwhile; left to it", "notice")


def _format_of(ref: SourceRef, state: writer.FileState | None, summary: IngestSummary) -> str | None:
    """The format to read a file as, or None when it is not read (then told apart in `summary`
    when it is another agent's file)."""
    from lessonloop.capture import sniffer

    if state is not None:
        return state.format or DEFAULT_FORMAT
    if ref.format is not None and for_format(ref.format) is not None:
        return ref.format
    for adapter in adapters():
        claimed = adapter.claims(ref.path)
        if claimed is not None:
            if for_format(claimed) is None and sniffer.known_formats()[claimed].transcript:
                # an agent's transcript where it keeps them, of a format not read (Vibe's before 3.0)
                summary.other_formats.append(OtherFormat(ref.path, claimed))
                summary.files_found += 1 if ref.sniff_only else 0
                return None
            return claimed
    try:
        with open(ref.path, "rb") as handle:
            head = handle.read(sniffer.HEAD_BYTES)
    except OSError as exc:
        if ref.sniff_only:
            return None
        summary.problems.append(Problem(ref.path, None, "unreadable-file", f"cannot open: {exc.strerror or exc}"))
        summary.files_failed += 1
        return None
    found = sniffer.sniff(ref.path, head)
    if found is None and not ref.sniff_only and sniffer.is_sqlite(head):
        # A SQLite file the person named: the one reader of SQLite files (OpenCode's) says what it is.
        found = "opencode-db"
    if found is not None and found != sniffer.UNKNOWN and for_format(found) is not None:
        return found
    if ref.sniff_only:
        if found is not None and found != sniffer.UNKNOWN:
            summary.other_formats.append(OtherFormat(ref.path, found))
            summary.files_found += 1
        return None
    if found is None:
        return DEFAULT_FORMAT  # too little to tell: a *.jsonl is read as Claude Code's, as always
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
        if (
            not _holds_a_session(batch)
            and batch.records > 0
            and _unknown_records(batch.problems)
            and writer.file_state(conn, unit.path) is None
        ):
            # Read for the first time, it held nothing of the agent it was read as (see
            # _store_parsed): not stored, named as not read.
            summary.other_formats.append(OtherFormat(unit.path, _no_session_format()))
            progress.advance(unit.size, unit.path)
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
    merging = _unit_merge(conn, unit, state, batch)
    try:
        # A unit marked to be read again replaces what it stored; one read before keeps it (merging);
        # a new one has nothing to clear.
        notices = writer.write_chunk(
            conn,
            state,
            state.offset,
            state.tail_hash,
            batch,
            progress_row,
            replace=state.reread,
            cascade=False,
            merging=merging,
        )
    except writer.StaleStateError:
        summary.notices.append(
            Problem(unit.path, None, "concurrent-ingest", "another ingest stored this meanwhile; left to it", "notice")
        )
        return
    if state.reread or merging is not None:  # read again whole (what it stored kept, when merging)
        summary.files_replaced += 1
    summary.notices.extend(notices)
    summary.files_read += 1
    if batch.records == 0 and merging is None and any(p.severity != "notice" for p in batch.problems):
        # A JSON document cut short or invalid, skipped whole (one read before is damaged: what it
        # stored is kept, and the problem says so).
        summary.files_nothing_read += 1
    _count(summary, batch, 0)
    summary.bytes_read += unit.size


def _unit_merge(conn: sqlite3.Connection, unit: Unit, state: writer.FileState, batch: Batch) -> Merge | None:
    """How a unit read before is written over what it stored (None: a new unit, or one rebuilt): its
    rows are kept (store/sessions/kept_rows.py), and what it no longer holds is said in `batch`
    (pipeline/damage_reports.py). A clean read that grew updates them; a read with problems, of
    a unit that shrank or that no longer holds rows it stored, is damaged, not the truth (issue 82:
    an emptied Droid session nulled its project and model): it only adds rows and fills empty
    fields."""
    if state.reread or (state.offset == 0 and state.mtime_ns == 0):
        return None
    from lessonloop.pipeline.damage_reports import unit_damage
    from lessonloop.store.sessions.kept_rows import Merge, missing_from

    missing = missing_from(conn, state.id, batch)
    damaged = any(p.severity == "error" for p in batch.problems) or unit.size < state.size or missing.any
    said = unit_damage(unit.path, batch, missing)
    if said is not None:
        batch.problems.insert(0, said)
    return Merge(update=not damaged)


def _unchanged(state: writer.FileState, info: os.stat_result, now: float) -> bool:
    if state.reread or state.size != info.st_size or state.mtime_ns != info.st_mtime_ns:
        return False
    # A pending last line (no newline) is looked at again once the file has been quiet.
    return state.offset >= info.st_size or now - info.st_mtime_ns / 1e9 < QUIET_SECONDS


def _ingest_file(
    conn: sqlite3.Connection,
    ref: SourceRef,
    adapter: Adapter,
    summary: IngestSummary,
    progress: Progress,
    now: float,
    screen: BatchScreen,
    *,
    withhold: bool = False,
) -> None:
    """Read what is new in one file and store it; `withhold`: without its texts (see `ingest`)."""
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
            plan = _plan(
                handle.fileno(),
                state,
                info.st_size,
                grows_only=ref.format in adapter.grows_only,
                texts_due=state.texts_withheld and not withhold,
            )
            if withhold:
                from lessonloop.secrets.redaction import withheld

                with withheld():
                    _read_file(conn, ref, adapter, handle, info, state, plan, summary, progress, now, screen, True)
                summary.texts_later += 1
            else:
                _read_file(conn, ref, adapter, handle, info, state, plan, summary, progress, now, screen)
        except writer.StaleStateError:
            summary.notices.append(_stored_meanwhile(ref.path))
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
    damaged: str | None = None  # shorter, or bytes read changed: what is wrong (read from its start, nothing lost)
    survey: bool = False  # a file that only grows: read as damaged_files.py says


def _plan(
    fd: int, state: writer.FileState, size: int, *, grows_only: bool = False, texts_due: bool = False
) -> ReadPlan:
    """`texts_due`: the file was stored without its texts (see `ingest`): rebuilt from its start."""
    damaged = None
    if state.offset > 0:
        if size < state.offset:
            damaged = f"it is shorter ({size:,} bytes) than what was read of it before ({state.offset:,} bytes)"
        else:
            head, tail = head_tail(fd, state.offset)
            if head != state.head_hash or tail != state.tail_hash:
                damaged = "bytes read of it before have changed (damaged, or edited)"
    if damaged is not None and not state.reread and not texts_due:
        # Truncated or changed: read again from the start, keeping what was stored (an Aider history
        # keeps its stored sessions whole, damaged_files.py).
        return ReadPlan(False, False, 0, 0, damaged, survey=grows_only)
    if damaged is not None:  # marked to be rebuilt, and changed: rebuilt
        return ReadPlan(True, True, 0, 0)
    if state.reread or texts_due:
        # unchanged, rebuilt because another file changed, or for its texts: it restores all it deletes
        return ReadPlan(True, False, 0, 0)
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
    withhold: bool = False,
) -> None:
    # The parser and its dependencies are loaded only when some file has new lines.
    from lessonloop.capture.adapters import PendingCall
    from lessonloop.core import json_codec

    pending: dict[str, PendingCall] = {}
    parser_state: dict[str, Any] | None = None
    damage = _damage_survey(conn, ref, adapter, handle, info, state, plan, now) if plan.survey else None
    damaged_read = None
    if plan.damaged and not plan.survey:
        from lessonloop.pipeline.damage_reports import line_file_damage
        from lessonloop.store.sessions.kept_rows import stored_counts

        damaged_read = line_file_damage(ref.path, plan.damaged, stored_counts(conn, state.id))
    if not plan.replace and not plan.damaged:
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
    parsed = parse_chunks(
        ref.path,
        ref.format or DEFAULT_FORMAT,
        adapter,
        handle,
        info.st_size,
        quiet=now - info.st_mtime_ns / 1e9 >= QUIET_SECONDS,
        start_offset=plan.start_offset,
        start_line=plan.start_line,
        pending=pending,
        parser_state=parser_state,
    )
    _store_parsed(conn, ref, info, state, plan, parsed, summary, progress, screen, damage, damaged_read, withhold)


def _damage_survey(
    conn: sqlite3.Connection,
    ref: SourceRef,
    adapter: Adapter,
    handle: Any,
    info: os.stat_result,
    state: writer.FileState,
    plan: ReadPlan,
    now: float,
) -> Damage:
    """The first read of a damaged file (pipeline/damaged_files.py): the sessions it holds now."""
    from lessonloop.pipeline.damaged_files import Damage, survey

    damage = Damage(plan.damaged or "", frozenset(writer.file_session_ids(conn, state.id)))
    parsed = parse_chunks(
        ref.path,
        ref.format or DEFAULT_FORMAT,
        adapter,
        handle,
        info.st_size,
        quiet=now - info.st_mtime_ns / 1e9 >= QUIET_SECONDS,
        start_offset=0,
        start_line=0,
    )
    survey(damage, (item.batch for item in parsed if isinstance(item, ParsedChunk)))
    return damage


def _store_parsed(
    conn: sqlite3.Connection,
    ref: SourceRef,
    info: os.stat_result | ParsedStat,
    state: writer.FileState,
    plan: ReadPlan,
    parsed: Iterable[ParsedChunk | ReaderFailure | FileEnd],
    summary: IngestSummary,
    progress: Progress,
    screen: BatchScreen,
    damage: Damage | None = None,
    damaged_read: Problem | None = None,
    withhold: bool = False,
) -> None:
    """Store a file's parsed chunks (parse_chunks, here or in a worker process) as they come;
    `damage`: a damaged file's that only grows, whose stored sessions are kept whole
    (pipeline/damaged_files.py); `damaged_read`: the problem of a damaged file read again from its
    start, whose stored rows are kept (pipeline/damage_reports.py); `withhold`: every text left
    out (capture/withheld_texts.py), the file marked to be read again whole for them."""
    from lessonloop.store.sessions.kept_rows import Merge

    replace, start_offset = plan.replace, plan.start_offset
    if info.st_size == 0:
        summary.notices.append(Problem(ref.path, None, "empty-file", "empty file: nothing to read yet", "notice"))
    expected_offset, expected_tail = state.offset, state.tail_hash
    position = start_offset
    counted_to = max(start_offset, state.offset) if not replace else 0  # bytes read before (a restart re-reads)
    # Lines read before: their problems were reported then (a damaged file's are reported again).
    reported_to = state.lines if not replace and damaged_read is None else 0
    merging = Merge(update=False) if damaged_read is not None else None  # its first chunk clears its old problems
    records_before, problems_before = summary.records, len(summary.problems)
    notices_before = len(summary.notices)
    counted_before = _counts(summary)  # put back when the file turns out to be none of this agent's
    held_a_session = False  # what the adapter made of it: a session's records (before the capture policy)
    end: FileEnd | None = None
    for item, last in _chunks_with_last(parsed):
        if isinstance(item, FileEnd):
            end = item
            break
        if isinstance(item, ReaderFailure):
            summary.problems.append(
                Problem(
                    ref.path,
                    item.first_lineno,
                    "reader-failed",
                    f"lines {item.first_lineno}-{item.end_lineno} could not be read ({item.error});"
                    " this file stops here and is tried again on the next run",
                )
            )
            summary.files_failed += 1
            screen.end_file()
            return
        batch = item.batch
        if item.first_lineno <= reported_to:  # read again from the parser's restart point
            batch.problems = [p for p in batch.problems if p.line is None or p.line > reported_to]
        restart, parser_state = item.restart, item.parser_state
        if damage is not None:
            from lessonloop.pipeline.damaged_files import damage_problem, drop_sessions, ends_in_kept_session

            if position == start_offset:
                batch.problems.insert(0, damage_problem(ref.path, damage))
            if ends_in_kept_session(batch, damage):
                restart = parser_state = None  # never read a kept session again (it would replace it)
            drop_sessions(batch, damage)
        if damaged_read is not None:
            if position == start_offset:
                batch.problems.insert(0, damaged_read)
            batch.replaced_sessions.clear()  # nothing stored is deleted
        held_a_session = held_a_session or _holds_a_session(batch)
        # The capture policy and forgotten sessions, before anything is written (records of a session
        # that has named no folder yet wait for the chunk that names one, or for the file's last).
        screen.apply(batch, ref.path, last=last)
        if withhold:
            from lessonloop.capture.withheld_texts import withhold_texts

            withhold_texts(batch)
        progress_row = writer.ReadProgress(
            size=info.st_size,
            mtime_ns=info.st_mtime_ns,
            offset=item.end_offset,
            lines=item.end_lineno,
            head_hash=item.head,
            tail_hash=item.tail,
            parser_state=parser_state,
            restart_offset=restart[0] if restart is not None else None,
            restart_line=restart[1] if restart is not None else None,
        )
        notices = writer.write_chunk(
            conn,
            state,
            expected_offset,
            expected_tail,
            batch,
            progress_row,
            replace=replace,
            cascade=plan.cascade,
            merging=merging,
            withheld=withhold,
        )
        if replace or merging is not None:  # read again from its start (what it stored kept, when merging)
            summary.files_replaced += 1
        replace, merging = False, None
        expected_offset, expected_tail = item.end_offset, item.tail
        summary.notices.extend(notices)
        new_bytes = max(0, item.end_offset - max(position, counted_to))
        _count(summary, batch, item.end_lineno - item.first_lineno + 1 if item.lines else 0)
        progress.advance(item.end_offset - position, ref.path)
        summary.bytes_read += new_bytes
        position = item.end_offset
    foreign = (end is not None and _unknown_records(end.notices)) or (
        summary.records == records_before and len(summary.problems) > problems_before
    )
    if foreign and _first_whole_read(state, start_offset, damage, damaged_read) and not held_a_session:
        # Read for the first time as an agent's, and nothing in it was a session of that agent:
        # records of types it does not write, or not one line a record: another agent's file that
        # looked like its own (issue 64). Not stored: named as not read, and sniffed again on the
        # next run. A file of known records that hold no session (Claude Code's summaries only)
        # stays read; so does a document of a known format cut short (a unit: its problem says so).
        writer.forget_unread_file(conn, state)
        del summary.problems[problems_before:]
        del summary.notices[notices_before:]
        _restore_counts(summary, counted_before)
        summary.other_formats.append(OtherFormat(ref.path, _no_session_format()))
        screen.end_file()
        return
    summary.files_read += 1
    if (
        start_offset == 0
        and damage is None
        and damaged_read is None
        and summary.records == records_before
        and len(summary.problems) > problems_before
    ):
        # Read from its start: not one record, only lines that are none (a text file, an image). A
        # damaged file read before is not such a file: what it stored is kept, its problem says so.
        summary.files_nothing_read += 1
    if end is not None:
        summary.notices.extend(end.notices)
        if end.pending_line is not None:
            summary.pending.append(PendingLine(ref.path, end.pending_line, end.pending_bytes, end.pending_oversize))
    remaining = info.st_size - position
    if remaining > 0:
        progress.advance(remaining, ref.path)


def _counts(summary: IngestSummary) -> tuple[set[str], set[str], int, int, int, int, int]:
    """What _count adds up of a file's records, as it stands now."""
    return (
        set(summary.main_sessions),
        set(summary.subagent_sessions),
        summary.messages,
        summary.prompts,
        summary.tool_calls,
        summary.tool_results,
        summary.tool_errors,
    )


def _restore_counts(summary: IngestSummary, counts: tuple[set[str], set[str], int, int, int, int, int]) -> None:
    """Put back what _count had added up before a file that was not stored."""
    (
        summary.main_sessions,
        summary.subagent_sessions,
        summary.messages,
        summary.prompts,
        summary.tool_calls,
        summary.tool_results,
        summary.tool_errors,
    ) = counts


def _holds_a_session(batch: Batch) -> bool:
    """Whether a batch holds what a session is made of: a message (not the system's alone), a call,
    a result, tokens."""
    return bool(batch.tool_calls or batch.tool_results or batch.usage) or any(
        message.role != "system" for message in batch.messages
    )


def _unknown_records(problems: Iterable[Problem]) -> bool:
    """Whether a read met records of a type its reader does not know."""
    return any(p.code == "unknown-record-type" for p in problems)


def _first_whole_read(
    state: writer.FileState, start_offset: int, damage: Damage | None, damaged_read: Problem | None
) -> bool:
    """Whether this is the first read of a file, from its start (nothing of it stored before)."""
    return start_offset == 0 and state.offset == 0 and damage is None and damaged_read is None


def _no_session_format() -> str:
    from lessonloop.capture.sniffer import NO_SESSION

    return NO_SESSION


def _chunks_with_last(
    parsed: Iterable[ParsedChunk | ReaderFailure | FileEnd],
) -> Iterator[tuple[ParsedChunk | ReaderFailure | FileEnd, bool]]:
    """Each item, and for a chunk whether it is the file's last (the reader's last chunk: a
    FileEnd follows it, not another chunk or a failure)."""
    held: ParsedChunk | None = None
    for item in parsed:
        if held is not None:
            yield held, isinstance(item, FileEnd)
            held = None
        if isinstance(item, ParsedChunk):
            held = item
        else:
            yield item, False
    if held is not None:
        yield held, True


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
    """The folders of the stored sessions and their projects (store/sessions/places.py)."""
    from lessonloop.store.sessions.places import known_folders as stored_folders

    return stored_folders(conn)


def ingest_new_projects(
    conn: sqlite3.Connection,
    before: Iterable[str],
    configured: Iterable[str],
    sources: list[SourceRef],
    summary: IngestSummary,
    *,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
    texts_later: bool = False,
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
        # The second look's notices replace the first's: the histories it found and did not read
        # (each with why), then where it looked, which the hint's count of them refers to.
        said = {(p.path, p.code) for p in summary.notices}
        skipped = [p for p in found.problems if p.code == "not-your-history" and (p.path, p.code) not in said]
        summary.notices = [p for p in summary.notices if p.code != "aider-histories"] + skipped + hint
    if not extra:
        return []
    more = ingest(conn, extra, IngestSummary(), progress=progress, texts_later=texts_later)
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
        if name == "parse_workers":
            setattr(summary, name, max(mine, theirs))
        elif isinstance(mine, bool):
            setattr(summary, name, mine or theirs)
        elif isinstance(mine, (int, float)):
            setattr(summary, name, mine + theirs)
        elif isinstance(mine, set):
            mine.update(theirs)
        elif isinstance(mine, list):
            mine.extend(theirs)
