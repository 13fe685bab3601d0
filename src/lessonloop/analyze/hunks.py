"""Unified-diff hunks, as stored for edits: "@@ -a,b +c,d @@" headers and their bodies.

(`diff_risk` keeps a faster reader of its own, tuned for pulling added lines out of many diffs.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_HUNK_HEADER_LINES = re.compile(_HUNK_HEADER.pattern, re.MULTILINE)  # headers anywhere in a diff

# (old start, old count, new start, new count); an omitted count is 1.
Header = tuple[int, int, int, int]


def _header(match: re.Match[str]) -> Header:
    a, b, c, d = match.groups()
    return int(a), 1 if b is None else int(b), int(c), 1 if d is None else int(d)


def hunks(diff: str) -> Iterator[tuple[Header, list[str]]]:
    """Each hunk's header and body lines; text before the first header is skipped."""
    # The headers found in the text (a line starting "@@ -" that the header regex matches), each
    # body split out of the text between them: no step per line in Python.
    starts: list[tuple[int, re.Match[str]]] = []
    at = diff.find("@@ -")
    while at >= 0:
        if at == 0 or diff[at - 1] == "\n":
            match = _HUNK_HEADER_LINES.match(diff, at)
            if match:
                starts.append((at, match))
        at = diff.find("@@ -", at + 4)
    for index, (_start, match) in enumerate(starts):
        line_end = diff.find("\n", match.end())
        stop = starts[index + 1][0] - 1 if index + 1 < len(starts) else len(diff)  # the next header's "\n"
        if line_end < 0 or line_end >= stop:
            body: list[str] = []  # the header is the last line, or the next header follows it
        else:
            body = diff[line_end + 1 : stop].split("\n")
        yield _header(match), body


def hunk_headers(diff: str) -> list[Header]:
    """The headers of every hunk of `diff`."""
    return [_header(m) for m in _HUNK_HEADER_LINES.finditer(diff)]
