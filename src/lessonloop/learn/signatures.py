"""Normalized text for lessons: an error's headline, and the error signature that says two
failures are "the same error" (the headline with placeholders for what varies between
occurrences: analyze/placeholders.py).
"""

from __future__ import annotations

import hashlib
import re

from lessonloop.analyze.placeholders import placeholders

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


def error_signature(tool: str, error_text: str | None, branch: str | None = None) -> str:
    """What makes two failures the same error: the tool and the normalized headline. (Not the
    class: one pre-commit rejection may be classed by its first complaint, another by several.)"""
    return f"{tool}|{placeholders(error_headline(error_text), branch)}"


def digest(*parts: str) -> str:
    """A short stable hash of `parts` (lesson signatures)."""
    joined = "\x1f".join(parts)
    return hashlib.blake2b(joined.encode("utf-8", "replace"), digest_size=10).hexdigest()


def words_text(text: str) -> frozenset[str]:
    """The lowercase words of `text`, for near-duplicate comparison."""
    return frozenset(w for w in re.findall(r"[a-z0-9_<>]+", text.lower()) if len(w) > 1)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap of two word sets: |a & b| / |a | b|; 0 for two empty sets."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)
