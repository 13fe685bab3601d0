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
    from collections.abc import Callable, Iterator, Sequence
    from typing import Any

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
        if source.startswith(b"^") and _starts_with_literal(source[1:]):
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


def _starts_with_literal(source: bytes) -> bool:
    """Whether `source` starts with a plain character (a letter, digit, space, or an escaped
    punctuation mark) not made optional by a quantifier after it."""
    if not source:
        return False
    if source[:1] == b"\\":
        head, rest = source[1:2], source[2:]
        if not head or head.isalnum():
            return False  # \d, \S, \b ...: classes and anchors
    else:
        head, rest = source[:1], source[1:]
        if head in b".^$*+?{}[]()|":
            return False
    return not rest[:1] or rest[:1] not in b"*?{"


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


def _re2_options() -> Any:
    try:
        import re2
    except ImportError:  # pragma: no cover - a dependency; without it every pattern is scanned by `re`
        return None
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1  # bytes as bytes: output need not be UTF-8
    options.log_errors = False  # a pattern RE2 cannot take is scanned by `re` instead, silently
    options.never_capture = True
    return options


def _prefilter(patterns: Sequence[Pattern]) -> tuple[Any, list[int]]:
    """One RE2 expression for every pattern it can take (the indexes of those), or None.

    RE2 runs a DFA: all patterns in one pass, in time linear in the output, where Python's engine
    takes one pass per pattern and backtracks (for the pytest profile's 12 patterns, 200,000
    lines: 15 ms against 2 s). It only proposes lines: `re` decides, so a pattern means exactly
    what Python says it means. Patterns RE2 rejects (lookarounds, backreferences, possessive
    quantifiers) or may read otherwise (`{,n}`, which Python reads as {0,n}) are left to `re`.
    """
    options = _re2_options()
    if options is None or not patterns:
        return None, []
    import re2

    parts: list[bytes] = []
    indexes: list[int] = []
    for index, pattern in enumerate(patterns):
        source = pattern.text.encode("utf-8")
        if b"{," in source:
            continue
        flags = b"(?mi)" if pattern.line.flags & re.IGNORECASE else b"(?m)"
        try:
            re2.compile(flags + source, options)
        except re2.error:
            continue
        parts.append(flags[:-1] + b":" + source + b")")
        indexes.append(index)
    if not parts:
        return None, []
    return re2.compile(b"|".join(parts), options), indexes


class Matcher:
    """Patterns (error and success, in the order given) and exclude patterns, ready to search blocks."""

    __slots__ = ("excludes", "fast", "patterns", "prefilter", "slow")

    def __init__(self, patterns: Sequence[Pattern], excludes: Sequence[Pattern] = ()) -> None:
        self.patterns = list(patterns)
        self.excludes = list(excludes)
        self.prefilter, fast = _prefilter(self.patterns)
        self.fast = [(index, self.patterns[index]) for index in fast]
        chosen = set(fast)
        self.slow = [(index, p) for index, p in enumerate(self.patterns) if index not in chosen]

    def hits(self, block: bytes) -> list[Hit]:
        """Lines of `block` (whole lines, codes stripped) that a pattern matches and no exclude
        pattern does, in the order they appear. A line matched by several patterns is one hit that
        names them all; when an error and a success pattern both match a line, the first listed wins."""
        found: dict[int, list[tuple[int, Pattern]]] = {}
        ends: dict[int, int] = {}
        if self.prefilter is not None:
            for start, end, line in _proposed_lines(self.prefilter.search, block):
                matched = [(index, p) for index, p in self.fast if p.line.search(line)]
                if matched:
                    found.setdefault(start, []).extend(matched)
                    ends[start] = end
        for index, pattern in self.slow:
            for start, end, line in _proposed_lines(pattern.block.search, block):
                if pattern.line.search(line):
                    found.setdefault(start, []).append((index, pattern))
                    ends[start] = end
        hits: list[Hit] = []
        for start in sorted(found):
            end = ends[start]
            if self.excludes and any(x.line.search(_line(block, start, end)) for x in self.excludes):
                continue
            matched = sorted(found[start], key=lambda item: item[0])
            kind = matched[0][1].kind
            hit = Hit(start, end, kind, matched[0][1].text)
            for _index, pattern in matched[1:]:
                if pattern.kind == kind and pattern.text not in hit.patterns:
                    hit.patterns.append(pattern.text)
            hits.append(hit)
        return hits


def _proposed_lines(search: Callable[[bytes, int], Any], block: bytes) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, line without its CR) of each line of `block` where `search` (a compiled
    pattern's search: re or RE2) finds a match, each line once, in order. A match that starts on
    a newline belongs to the line after it."""
    size = len(block)
    position = 0
    while position < size:
        match = search(block, position)
        if match is None:
            return
        at = match.start()
        start = block.rfind(b"\n", 0, at) + 1 if at < size and block[at] != 10 else at + 1
        if start >= size:
            return
        end = block.find(b"\n", start)
        if end < 0:
            end = size
        yield start, end, _line(block, start, end)
        position = end + 1


def _line(block: bytes, start: int, end: int) -> bytes:
    line = block[start:end]
    return line[:-1] if line.endswith(b"\r") else line


def find_hits(block: bytes, patterns: Sequence[Pattern], excludes: Sequence[Pattern]) -> list[Hit]:
    """Matcher(patterns, excludes).hits(block): for one block (a long run keeps its Matcher)."""
    return Matcher(patterns, excludes).hits(block)


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
