"""Reading a JSONL file from where the last run stopped, in chunks of whole lines.

Only whole lines are handed on: a last line without its newline is still being written and
waits for the next run (unless the file has been quiet for long and the line is complete
JSON). A line longer than the limit is skipped by streaming past it, never held in memory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from lessonloop.core import json_codec
from lessonloop.core.records import Problem

BLOCK_BYTES = 8 * 1024 * 1024
MAX_LINE_BYTES = 10 * 1024 * 1024


class Lines(list[bytes]):
    """A chunk's lines, and the bytes they were split from (`joined`: the lines joined by
    newlines; None when a line was changed after the split). A parser that reads the text whole
    (Aider's) takes it instead of joining 100,000 lines again."""

    __slots__ = ("joined",)

    def __init__(self, lines: list[bytes], joined: bytes | None) -> None:
        super().__init__(lines)
        self.joined = joined


@dataclass(slots=True)
class Chunk:
    """Whole lines read from a file, and the offset just after the last of them."""

    lines: list[bytes]
    first_lineno: int
    end_offset: int
    end_lineno: int  # lines consumed in the file after this chunk
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class ReadState:
    """What the reader saw past the last whole line (reported, not stored)."""

    pending_bytes: int = 0
    pending_line: int | None = None
    pending_oversize: bool = False


@dataclass(slots=True)
class _Skip:
    """Bytes being skipped up to the next newline."""

    counts_line: bool  # a new line (too long) rather than the rest of a line already read
    line: int
    code: str | None = None
    detail: str = ""


def read_chunks(
    handle: BinaryIO,
    path: str,
    start_offset: int,
    start_lineno: int,
    end: int,
    state: ReadState,
    *,
    accept_unterminated: bool = False,
    block_bytes: int = BLOCK_BYTES,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[Chunk]:
    """Yield chunks of whole lines from `start_offset` up to `end` (the size seen before reading).

    `start_lineno` is the number of lines already consumed. Always yields at least one chunk,
    possibly empty, so a caller can record the state even for an empty read.
    """
    consumed = start_offset
    lineno = start_lineno
    carry = b""
    skip: _Skip | None = None
    if start_offset > 0 and _byte_before(handle, start_offset) not in (b"\n", b""):
        # The last run consumed a complete line that had no newline yet: the bytes up to the
        # next newline belong to that line, which is already stored.
        skip = _Skip(counts_line=False, line=lineno)
    handle.seek(start_offset)
    position = start_offset
    yielded = False
    problems: list[Problem] = []
    while position < end:
        block = handle.read(min(block_bytes, end - position))
        if not block:
            break
        block_start = position
        position += len(block)
        if skip is not None:
            newline = block.find(b"\n")
            segment = block if newline < 0 else block[:newline]
            if not skip.counts_line and skip.code is None and segment.strip():
                skip.code = "line-continued"
                skip.detail = "a line read before its newline was written grew afterwards; the rest is skipped"
            if newline < 0:
                continue
            if skip.counts_line:
                lineno += 1
            if skip.code is not None:
                problems.append(Problem(path, skip.line, skip.code, skip.detail))
            skip = None
            consumed = block_start + newline + 1
            block = block[newline + 1 :]
        buffer = carry + block if carry else block
        last = buffer.rfind(b"\n")
        if last < 0:
            carry = buffer
        else:
            text = buffer[:last]
            lines = Lines(text.split(b"\n"), text)
            carry = buffer[last + 1 :]
            first = lineno + 1
            if len(text) > max_line_bytes and max(map(len, lines)) > max_line_bytes:  # no line is longer than all
                _drop_long_lines(lines, first, max_line_bytes, path, problems)
                lines.joined = None
            lineno += len(lines)
            consumed += last + 1
            yield Chunk(lines, first, consumed, lineno, problems)
            problems = []
            yielded = True
        if len(carry) > max_line_bytes:
            skip = _Skip(
                counts_line=True,
                line=lineno + 1,
                code="line-too-long",
                detail=f"line longer than {max_line_bytes:,} bytes skipped",
            )
            carry = b""
    if skip is not None:
        if position > consumed:
            state.pending_bytes = position - consumed
            state.pending_line = skip.line if skip.counts_line else lineno + 1
            state.pending_oversize = skip.counts_line
    elif carry:
        if accept_unterminated and _is_json_object(carry):
            lineno += 1
            consumed += len(carry)
            yield Chunk([carry], lineno, consumed, lineno, problems)
            return
        state.pending_bytes = len(carry)
        state.pending_line = lineno + 1
    if not yielded or problems:
        yield Chunk([], lineno + 1, consumed, lineno, problems)


def _drop_long_lines(lines: list[bytes], first: int, limit: int, path: str, problems: list[Problem]) -> None:
    """Blank out (keeping the numbering) lines over the limit that fit in one buffer."""
    for index, line in enumerate(lines):
        if len(line) > limit:
            lines[index] = b""
            problems.append(Problem(path, first + index, "line-too-long", f"line longer than {limit:,} bytes skipped"))


def _byte_before(handle: BinaryIO, offset: int) -> bytes:
    try:
        return os.pread(handle.fileno(), 1, offset - 1)
    except (OSError, ValueError, AttributeError):
        handle.seek(offset - 1)
        return handle.read(1)


def _is_json_object(data: bytes) -> bool:
    try:
        return isinstance(json_codec.loads(data), dict)
    except (json_codec.JSONDecodeError, UnicodeDecodeError):
        return False
