"""Reading one transcript file into batches, chunk by chunk, without the store: what ingest stores
next (pipeline/ingest._read_file), and what a worker process computes for it when several new
files are parsed in parallel (pipeline/parallel_parse.py).

`parse_chunks` yields one ParsedChunk per chunk the line reader hands on: the parser's batch, where
a later read starts again, the fingerprints of the bytes read so far and the parser's state to
save. A parser that raises ends the file with a ReaderFailure (its lines are tried again on the
next run); the file's notices and its pending last line come at the end, in a FileEnd.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from lessonloop.capture.adapters import Adapter, LineParser, PendingCall
from lessonloop.core.records import Batch, Problem

FINGERPRINT_BYTES = 4096
# A last line without newline is accepted only once its file has been quiet this long.
QUIET_SECONDS = 600.0


class ParsedStat(NamedTuple):
    """What a worker's fstat of the file said (os.stat_result's fields ingest reads)."""

    st_size: int
    st_mtime_ns: int


@dataclass(slots=True)
class ParsedChunk:
    """One chunk's batch and the read position after it."""

    batch: Batch
    first_lineno: int
    end_lineno: int
    end_offset: int
    lines: int  # lines the chunk held (0: none)
    restart: tuple[int, int] | None  # (offset, lines before it) where a later read starts again
    head: str | None  # fingerprints of the bytes read up to end_offset
    tail: str | None
    parser_state: str | None  # the parser's state to save, as JSON


@dataclass(slots=True)
class ReaderFailure:
    """The parser raised on a chunk: the file stops there."""

    first_lineno: int
    end_lineno: int
    error: str  # the exception's type and message


@dataclass(slots=True)
class FileEnd:
    """What is known once the file is read: the parser's notices and the last line without newline."""

    notices: list[Problem]
    pending_line: int | None
    pending_bytes: int
    pending_oversize: bool


def fingerprint(data: bytes) -> str:
    import hashlib  # only when a file is read: unchanged files are never opened

    return hashlib.blake2b(data, digest_size=12).hexdigest()


def head_tail(fd: int, offset: int) -> tuple[str | None, str | None]:
    """Fingerprints of the first and the last FINGERPRINT_BYTES of the file's first `offset` bytes."""
    if offset <= 0:
        return None, None
    head = os.pread(fd, min(FINGERPRINT_BYTES, offset), 0)
    start = max(0, offset - FINGERPRINT_BYTES)
    tail = os.pread(fd, offset - start, start)
    return fingerprint(head), fingerprint(tail)


def parse_chunks(
    path: str,
    fmt: str,
    adapter: Adapter,
    handle: Any,
    size: int,
    *,
    quiet: bool,
    start_offset: int,
    start_line: int,
    pending: dict[str, PendingCall] | None = None,
    parser_state: dict[str, Any] | None = None,
) -> Iterator[ParsedChunk | ReaderFailure | FileEnd]:
    """The file's chunks from `start_offset` (line `start_line`) to `size`, parsed; a FileEnd last
    unless a ReaderFailure ends it. `quiet`: the file has not changed for QUIET_SECONDS (its last
    line is read without a newline)."""
    from lessonloop.capture import line_reader
    from lessonloop.capture.line_reader import ReadState, read_chunks
    from lessonloop.core import json_codec

    parser = adapter.open_parser(path, fmt, pending_calls=pending or {}, state=parser_state)
    state_of = getattr(parser, "state", None)
    read_state = ReadState()
    restart: tuple[int, int] | None = None
    position = start_offset
    fd = handle.fileno()
    chunks = read_chunks(
        handle,
        path,
        start_offset,
        start_line,
        size,
        read_state,
        accept_unterminated=quiet,
        block_bytes=line_reader.BLOCK_BYTES,
    )
    for chunk in chunks:
        try:
            batch = parser.parse(chunk.lines, chunk.first_lineno)
        except Exception as exc:  # a defect of the parser (it reports bad lines itself): never stop the run
            yield ReaderFailure(chunk.first_lineno, chunk.end_lineno, f"{type(exc).__name__}: {str(exc)[:200]}")
            return
        batch.problems.extend(chunk.problems)
        restart = restart_point(parser, chunk, position, restart, fd)
        head, tail = head_tail(fd, chunk.end_offset)
        saved = state_of() if state_of is not None else None
        yield ParsedChunk(
            batch,
            chunk.first_lineno,
            chunk.end_lineno,
            chunk.end_offset,
            len(chunk.lines),
            restart,
            head,
            tail,
            json_codec.dumps(saved) if saved else None,
        )
        position = chunk.end_offset
    yield FileEnd(parser.notices(), read_state.pending_line, read_state.pending_bytes, read_state.pending_oversize)


def restart_point(
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
        return chunk_start + line_length(chunk.lines, 0, index), line - 1
    if dropped:
        # Back from the chunk's end: each line after the restart point ends with its newline, but
        # a last line without one that the reader accepted whole (a quiet file's complete JSON).
        after = line_length(chunk.lines, index, len(chunk.lines))
        if os.pread(fd, 1, chunk.end_offset - 1) != b"\n":
            after -= 1
        return chunk.end_offset - after, line - 1
    return chunk_start + line_length(chunk.lines, 0, index), line - 1


def line_length(lines: list[bytes], start: int, end: int) -> int:
    """Bytes of lines[start:end], each with its newline."""
    joined = getattr(lines, "joined", None)  # the reader's bytes the lines were split from
    count = len(lines)
    if start == 0 and isinstance(joined, bytes) and 2 * end > count:
        # Most of the lines: all of them (the bytes' length) less the few after (Aider's restart
        # line is its last session's heading).
        return len(joined) + 1 - (sum(map(len, lines[end:])) + count - end)
    return sum(map(len, lines[start:end])) + end - start
