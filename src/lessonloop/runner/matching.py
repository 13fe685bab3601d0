"""Error, success and exclude patterns over blocks of output, with line-by-line meaning.

Output arrives in blocks of whole lines. Searching each pattern over a whole block is what makes
`lessonloop run` cheap on long outputs (the regex engine runs in C over the block; Python code
runs only where something matched). A pattern still means what it would on a single line: every
block hit is checked again against its line alone, and a line that any exclude pattern matches
never counts. Patterns are bytes regexes (output is bytes, and may not be text at all);
terminal colour and cursor codes are removed before matching, so `^FAILED` finds a coloured
FAILED too.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# Terminal escape sequences. None of them can hold a newline, so removing them keeps line numbers.
ANSI_CODES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    rb"|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?"  # OSC: titles, links
    rb"|\x1b[()*+][0-~]"  # character sets: "ESC ( B" ends every coloured word of cargo's test output
    rb"|\x1b[@-Z\\-_]"  # two-byte escapes
)
MAX_LINE_TEXT = 2000  # characters of a matched or context line kept


class PatternError(ValueError):
    """A pattern that does not compile; the message names it and says why."""


class Pattern:
    """One pattern: its text, a block form (MULTILINE, so ^ and $ are line anchors) that finds
    candidates fast, and a line form that decides."""

    __slots__ = ("block", "kind", "line", "text")

    def __init__(self, kind: str, text: str, ignore_case: bool) -> None:
        self.kind = kind
        self.text = text
        flags = re.IGNORECASE if ignore_case else 0
        try:
            source = text.encode("utf-8")
            self.line = re.compile(source, flags)
            self.block = re.compile(source, flags | re.MULTILINE)
        except re.error as exc:
            raise PatternError(f"bad {kind} pattern {text!r}: {exc}") from None
        if source.startswith(b"^") and len(source) > 1:
            # Python's regex engine scans for a pattern that starts with a literal about ten times
            # faster than for one anchored with ^. Without the anchor, the block search finds a
            # superset of the lines (every line the pattern matches, and some it does not), and the
            # line form, anchored, decides.
            try:
                unanchored = re.compile(source[1:], flags | re.MULTILINE)
            except re.error:
                unanchored = None
            if unanchored is not None and not unanchored.search(b""):
                self.block = unanchored
        if self.line.search(b""):
            raise PatternError(f"the {kind} pattern {text!r} matches an empty line, so it would match every line")


def compile_patterns(kind: str, texts: Sequence[str], ignore_case: bool) -> list[Pattern]:
    """The patterns of one kind (error, success, exclude), compiled; PatternError on a bad one."""
    return [Pattern(kind, text, ignore_case) for text in texts]


def strip_codes(block: bytes) -> bytes:
    """`block` without terminal escape sequences (unchanged when it holds none)."""
    return ANSI_CODES.sub(b"", block) if b"\x1b" in block else block


def line_text(raw: bytes) -> str:
    """A line as stored and printed: UTF-8 with replacement, no trailing CR, at most 2,000 characters."""
    return raw.rstrip(b"\r").decode("utf-8", "replace")[:MAX_LINE_TEXT]


class Hit:
    """A matching line within a block: where it starts and ends, and the patterns that matched it."""

    __slots__ = ("end", "kind", "patterns", "start")

    def __init__(self, start: int, end: int, kind: str, pattern: str) -> None:
        self.start = start
        self.end = end
        self.kind = kind
        self.patterns = [pattern]


def find_hits(block: bytes, patterns: Sequence[Pattern], excludes: Sequence[Pattern]) -> list[Hit]:
    """Lines of `block` (whole lines, codes stripped) that a pattern matches and no exclude
    pattern does, in the order they appear. A line matched by several patterns is one hit that
    names them all; when an error and a success pattern both match a line, the first listed wins."""
    found: dict[int, Hit] = {}
    for pattern in patterns:
        search = pattern.block.search
        position = 0
        size = len(block)
        while position < size:
            match = search(block, position)
            if match is None:
                break
            at = match.start()
            start = block.rfind(b"\n", 0, at) + 1 if at < size and block[at] != 10 else at + 1
            if start >= size:
                break
            end = block.find(b"\n", start)
            if end < 0:
                end = size
            line = block[start:end]
            if line.endswith(b"\r"):
                line = line[:-1]
            if pattern.line.search(line) and not any(x.line.search(line) for x in excludes):
                hit = found.get(start)
                if hit is None:
                    found[start] = Hit(start, end, pattern.kind, pattern.text)
                elif pattern.text not in hit.patterns and pattern.kind == hit.kind:
                    hit.patterns.append(pattern.text)
            position = end + 1
    return [found[key] for key in sorted(found)]


def lines_before(block: bytes, start: int, count: int) -> list[bytes]:
    """Up to `count` lines of `block` that end right before offset `start`, oldest first."""
    out: list[bytes] = []
    end = start - 1  # the newline ending the previous line
    while end >= 0 and len(out) < count:
        begin = block.rfind(b"\n", 0, end) + 1
        out.append(block[begin:end])
        end = begin - 1
    out.reverse()
    return out
