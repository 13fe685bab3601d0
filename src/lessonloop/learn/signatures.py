"""Normalized text for lessons: an error's headline, placeholders for what varies between
occurrences (branch names, paths, numbers, hashes), and the error signature that says two
failures are "the same error".
"""

from __future__ import annotations

import hashlib
import re

_EXIT_LINE = re.compile(r"\A\s*Exit code -?\d+\s*$")
_PREFIX = re.compile(r"^\s*(?:<tool_use_error>\s*)?(?:Error:\s*)?")
_TAGS = re.compile(r"</?tool_use_error>")
_HASH = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{7,64}\b")  # with a digit: "defaced" is a word
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
_PATH = re.compile(r"(?:~|\.{1,2})?/?(?:[\w.@+-]+/)+[\w.@+-]*|\b[\w-]+\.(?:[a-z]{1,5})\b(?=[\s:,;)'\"]|$)")
_NUMBER = re.compile(r"(?<![\w<])\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")
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


def placeholders(text: str, branch: str | None = None) -> str:
    """`text` with what varies between occurrences replaced: <branch>, <uuid>, <hash>, <path>, <n>."""
    out = text
    if branch and len(branch) > 1:
        out = re.sub(rf"(?<![\w/-]){re.escape(branch)}(?![\w/-])", "<branch>", out)
    out = _UUID.sub("<uuid>", out)
    out = _HASH.sub(lambda m: m.group(0) if m.group(0).isdigit() else "<hash>", out)
    out = _PATH.sub(_path_placeholder, out)
    out = _NUMBER.sub("<n>", out)
    return _SPACE.sub(" ", out).strip()


def _path_placeholder(found: re.Match[str]) -> str:
    token = found.group(0)
    if "<" in token or token in ("/", "./", "../"):
        return token
    return "<path>"


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
