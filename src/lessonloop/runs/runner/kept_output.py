"""The output of one stream kept, in memory only, for the failure report that `lessonloop run`
prints when the command failed (runner/failures/): the last TAIL bytes as they come and, from the
first error match on, a copy of what came before it (the tail at that moment, which holds the
matched line) and up to AFTER bytes after it. So the first failure's report is kept however long
the run goes on after it, and the report a test runner prints at its end (pytest, libtest) is in
the tail; memory stays under about 4 x 64 KiB per stream whatever the output.

Nothing of it is stored: the store keeps matched lines and their context only (docs/runner.md).
"""

from __future__ import annotations

TAIL = 65536  # bytes: the end of the output
AFTER = 65536  # bytes kept from the first error match on
GAP = b"\n"  # between the kept part from the match and a tail that does not meet it


class KeptOutput:
    """One stream's kept output (see the module docstring)."""

    __slots__ = ("_after_left", "_marked", "_marked_end", "_tail", "_total")

    def __init__(self) -> None:
        self._tail = bytearray()  # the last TAIL bytes (up to 2 x TAIL between trims)
        self._total = 0  # bytes seen
        self._marked: bytearray | None = None  # from before the first error match on
        self._marked_end = 0  # the offset in the stream where the marked part ends
        self._after_left = 0  # bytes the marked part still takes

    def add(self, data: bytes) -> None:
        self._total += len(data)
        if self._marked is not None and self._after_left > 0:
            taken = data[: self._after_left]
            self._marked += taken
            self._marked_end += len(taken)
            self._after_left -= len(taken)
        tail = self._tail
        tail += data
        if len(tail) > 2 * TAIL:
            del tail[:-TAIL]

    def mark(self) -> None:
        """The first error match: keep what came before it (the tail now, with the matched line)
        and what follows, up to AFTER bytes."""
        if self._marked is None:
            self._marked = bytearray(self._tail[-TAIL:])
            self._marked_end = self._total
            self._after_left = AFTER

    def text(self) -> bytes:
        """The kept output: the marked part, then the tail (without what the two share)."""
        tail = bytes(self._tail[-TAIL:])
        if self._marked is None:
            return tail
        tail_start = self._total - len(tail)
        if tail_start <= self._marked_end:
            return bytes(self._marked) + tail[self._marked_end - tail_start :]
        return bytes(self._marked) + GAP + tail
