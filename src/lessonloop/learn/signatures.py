"""Normalized text for lessons: the error signature that says two failures are "the same error"
(the line that carries the error, analyze/error_headline.py, with placeholders for what varies
between occurrences: analyze/placeholders.py).
"""

from __future__ import annotations

import hashlib
import re

from lessonloop.analyze.error_headline import error_headline
from lessonloop.analyze.placeholders import placeholders


def error_signature(
    tool: str, error_text: str | None, branch: str | None = None, exit_code: int | None = None, program: str = ""
) -> str:
    """What makes two failures the same error: the tool and the normalized line that carries the
    error (analyze/error_headline.py). A failure that printed nothing is its exit status, with the
    program that failed (`rg exit 1`). (Not the class: the headline decides, the class follows it.)"""
    headline = placeholders(error_headline(error_text), branch)
    if not headline and exit_code is not None:
        headline = f"{program} exit {exit_code}".strip()
    return f"{tool}|{headline}"


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
