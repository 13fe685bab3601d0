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
    header: Header | None = None
    body: list[str] = []
    for line in diff.split("\n"):
        match = _HUNK_HEADER.match(line) if line.startswith("@@") else None
        if match:
            if header is not None:
                yield header, body
            header = _header(match)
            body = []
        elif header is not None:
            body.append(line)
    if header is not None:
        yield header, body


def hunk_headers(diff: str) -> list[Header]:
    """The headers of every hunk of `diff`."""
    return [_header(m) for m in _HUNK_HEADER_LINES.finditer(diff)]
