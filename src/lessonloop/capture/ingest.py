"""Ingest: find transcript files, read what is new in each, and store it.

Per file: unchanged (same size and mtime) files are not opened; a file that grew is read from
where the last run stopped, after checking that the bytes already read are still the same; a
truncated or rewritten file is read again from the start and replaces its old records.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from lessonloop.capture.claude_code import AGENT as CLAUDE_CODE
from lessonloop.capture.claude_code.paths import default_roots, find_transcripts
from lessonloop.capture.privacy import BatchScreen, CapturePolicy, disabled_notice
from lessonloop.records import Batch, Problem
from lessonloop.sample import claude_code_sample, is_sample_path
from lessonloop.store import writer

if TYPE_CHECKING:
    from lessonloop.store.sample_removal import SampleRemoval

FINGERPRINT_BYTES = 4096
# A last line without newline is accepted only once its file has been quiet this long.
QUIET_SECONDS = 600.0


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
    seconds: float = 0.0
    capture_disabled: bool = False  # [capture] enabled = false: nothing was read
    sample_removed: SampleRemoval | None = None  # real transcripts replaced the bundled sample

    @property
    def mb_per_second(self) -> float:
        return (self.bytes_read / 1e6) / self.seconds if self.seconds > 0 else 0.0

    @property
    def nothing_readable(self) -> bool:
        """True when there was input to read and none of it could be read at all."""
        readable = self.files_read + self.files_unchanged
        return (
            not self.capture_disabled
            and readable == 0
            and (self.files_failed > 0 or self.files_found == 0 or bool(self.other_formats))
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
        return "no transcripts (*.jsonl) there"

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
                "other_format": len(self.other_formats),
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


@dataclass(slots=True)
class SourceRef:
    """A transcript file to ingest."""

    path: str
    agent: str = CLAUDE_CODE
    is_sample: bool = False
    sniff_only: bool = False  # not a *.jsonl: only told what it is (another agent's?), never read


def discover(
    paths: Iterable[str | os.PathLike[str]] | None, environ: dict[str, str] | None = None
) -> tuple[list[SourceRef], IngestSummary]:
    """The files to ingest: under `paths` when given, else in Claude Code's folders, else the sample."""
    summary = IngestSummary()
    problems: list[Problem] = []
    given = [Path(p) for p in paths] if paths else []
    others: list[str] = []
    if given:
        summary.searched = [str(p) for p in given]
        found = find_transcripts(given, problems, others=others)
    else:
        roots = default_roots(environ)
        summary.searched = [str(r) for r in roots]
        found = find_transcripts(roots, problems, missing_ok=True)
        if not found:
            summary.used_sample = True
            found = find_transcripts([claude_code_sample()], problems)
    summary.problems.extend(problems)
    summary.files_failed += len(problems)
    refs = [SourceRef(path, CLAUDE_CODE, is_sample_path(path)) for path in found]
    refs.extend(SourceRef(path, CLAUDE_CODE, sniff_only=True) for path in others)
    return refs, summary


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
    configuration's [capture]; forgotten sessions are never stored again); return what was done."""
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
    if sources and not any(ref.is_sample for ref in sources):
        from lessonloop.store.sample_removal import remove_sample  # only when real transcripts come

        summary.sample_removed = remove_sample(conn)
    states = writer.file_states(conn)
    plans: list[tuple[SourceRef, os.stat_result, bool]] = []
    total = 0
    for ref in sources:
        if ref.sniff_only:
            _tell_other_file(ref.path, summary)
            continue
        try:
            info = os.stat(ref.path)
        except OSError as exc:
            summary.problems.append(Problem(ref.path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
            summary.files_failed += 1
            continue
        if not stat.S_ISREG(info.st_mode):
            summary.problems.append(Problem(ref.path, None, "unreadable-file", "not a regular file"))
            summary.files_failed += 1
            continue
        state = states.get(ref.path)
        if state is not None and _unchanged(state, info, now):
            summary.files_unchanged += 1
            continue
        plans.append((ref, info, state is None))  # a file never read before: what is it?
        start = state.offset if state is not None and not state.reread and info.st_size >= state.offset else 0
        total += max(0, info.st_size - start)
    progress.start(total, len(plans))
    try:
        for ref, _info, new in plans:
            _ingest_file(conn, ref, summary, progress, now, screen, sniff=new)
        # Files that shared sessions with a replaced file are rebuilt too (see clear_file_records).
        for _ in range(5):
            again = writer.files_to_reread(conn)
            if not again:
                break
            for path in again:
                if not os.path.exists(path):
                    # Gone from disk (Claude Code deletes old transcripts): its records stay as they are.
                    writer.clear_reread_mark(conn, path)
                    summary.notices.append(
                        Problem(
                            path, None, "source-gone", "file no longer exists; its stored records are kept", "notice"
                        )
                    )
                    continue
                _ingest_file(conn, SourceRef(path, CLAUDE_CODE, is_sample_path(path)), summary, progress, now, screen)
    finally:
        progress.finish()
    summary.notices.extend(screen.notices())
    summary.seconds = time.perf_counter() - started
    return summary


def _tell_other_file(path: str, summary: IngestSummary) -> None:
    """A file found beside transcripts (*.json, *.md, ...): noted when it is another agent's."""
    from lessonloop.capture import formats

    try:
        with open(path, "rb") as handle:
            head = handle.read(formats.HEAD_BYTES)
    except OSError:
        return  # not a transcript lessonloop could read anyway
    found = formats.sniff(path, head)
    if found is not None and found not in (formats.CLAUDE_CODE, formats.UNKNOWN):
        summary.other_formats.append(OtherFormat(path, found))
        summary.files_found += 1


def _other_format(fd: int, path: str) -> str | None:
    """The format of a *.jsonl file read for the first time, when it is not Claude Code's."""
    from lessonloop.capture import formats

    found = formats.sniff(path, os.pread(fd, formats.HEAD_BYTES, 0))
    return None if found in (None, formats.CLAUDE_CODE) else found


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
    summary: IngestSummary,
    progress: Progress,
    now: float,
    screen: BatchScreen,
    *,
    sniff: bool = False,
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
            other = _other_format(handle.fileno(), ref.path) if sniff else None
            if other is not None:
                summary.other_formats.append(OtherFormat(ref.path, other))
                progress.advance(info.st_size, ref.path)
                return
            state = writer.register_file(conn, ref.path, ref.agent, is_sample=ref.is_sample)
            plan = _plan(handle.fileno(), state, info.st_size)
            _read_file(conn, ref, handle, info, state, plan, summary, progress, now, screen)
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
    return ReadPlan(False, False, state.offset, state.lines)


def _read_file(
    conn: sqlite3.Connection,
    ref: SourceRef,
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
    from lessonloop.capture.claude_code.parser import ClaudeCodeParser, PendingCall
    from lessonloop.capture.line_reader import ReadState, read_chunks

    replace, start_offset, start_line = plan.replace, plan.start_offset, plan.start_line
    pending: dict[str, PendingCall] = {}
    if not replace:
        for tool_id, tool, input_json in writer.pending_calls(conn, state.id):
            try:
                tool_input = json_codec.loads(input_json) if input_json else None
            except json_codec.JSONDecodeError:
                tool_input = None
            pending[tool_id] = PendingCall(tool, tool_input)
    parser = ClaudeCodeParser(ref.path, pending_calls=pending)
    if info.st_size == 0:
        summary.notices.append(Problem(ref.path, None, "empty-file", "empty file: nothing to read yet", "notice"))
    read_state = ReadState()
    quiet = now - info.st_mtime_ns / 1e9 >= QUIET_SECONDS
    expected_offset, expected_tail = state.offset, state.tail_hash
    position = start_offset
    fd = handle.fileno()
    for chunk in read_chunks(
        handle,
        ref.path,
        start_offset,
        start_line,
        info.st_size,
        read_state,
        accept_unterminated=quiet,
        block_bytes=line_reader.BLOCK_BYTES,
    ):
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
            return
        batch.problems.extend(chunk.problems)
        screen.apply(batch, ref.path)  # the capture policy and forgotten sessions, before anything is written
        head, tail = _head_tail(fd, chunk.end_offset)
        progress_row = writer.ReadProgress(
            size=info.st_size,
            mtime_ns=info.st_mtime_ns,
            offset=chunk.end_offset,
            lines=chunk.end_lineno,
            head_hash=head,
            tail_hash=tail,
        )
        notices = writer.write_chunk(
            conn, state, expected_offset, expected_tail, batch, progress_row, replace=replace, cascade=plan.cascade
        )
        if replace:
            summary.files_replaced += 1
        replace = False
        expected_offset, expected_tail = chunk.end_offset, tail
        summary.notices.extend(notices)
        _count(summary, batch, chunk.end_lineno - chunk.first_lineno + 1 if chunk.lines else 0)
        progress.advance(chunk.end_offset - position, ref.path)
        summary.bytes_read += chunk.end_offset - position
        position = chunk.end_offset
    summary.files_read += 1
    summary.notices.extend(parser.notices())
    if read_state.pending_line is not None:
        summary.pending.append(
            PendingLine(ref.path, read_state.pending_line, read_state.pending_bytes, read_state.pending_oversize)
        )
    remaining = info.st_size - position
    if remaining > 0:
        progress.advance(remaining, ref.path)


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
    summary.problems.extend(batch.problems)
