"""An error's headline: the informative start of a failed call's error text."""

from __future__ import annotations

import re

_EXIT_LINE = re.compile(r"\A\s*Exit code -?\d+\s*$")
_PREFIX = re.compile(r"^\s*(?:<tool_use_error>\s*)?(?:Error:\s*)?")
_TAGS = re.compile(r"</?tool_use_error>")
HEADLINE_CHARS = 200


def error_headline(text: str | None) -> str:
    """The informative start of an error: its first line that is not an "Exit code N" header, and
    the line after it when the first only introduces what follows (ends with a colon)."""
    if not text:
        return ""
    head = text[:4000].replace("\\n", "\n")  # some hooks print their message JSON-escaped
    lines = [_TAGS.sub("", line).strip() for line in head.splitlines()]
    lines = [line for line in lines if line and not _EXIT_LINE.match(line)]
    if not lines:
        return ""
    first = _PREFIX.sub("", lines[0])
    if first.endswith(":") and len(lines) > 1:
        first = f"{first} {lines[1]}"
    return first[:HEADLINE_CHARS]
