"""Placeholders for what varies between occurrences of the same text: a branch name, UUIDs,
hashes, paths (POSIX and Windows) and numbers become <branch>, <uuid>, <hash>, <path>, <n>.

Error signatures (learning/engine/signatures.py) and commands' normal forms (analyze/command_norm.py) are
made with it, so two failures, or two runs of one command, read the same.
"""

from __future__ import annotations

import re

_HASH = re.compile(r"\b(?=[0-9a-f]*\d)[0-9a-f]{7,64}\b")  # with a digit: "defaced" is a word
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.IGNORECASE)
_PATH = re.compile(r"(?:~|\.{1,2})?/?(?:[\w.@+-]+/)+[\w.@+-]*|\b[\w-]+\.(?:[a-z]{1,5})\b(?=[\s:,;)'\"]|$)")
# Windows paths: a quoted one may hold spaces ('D:\Game builds\x.md'); a drive path; a relative
# one of backslashes (src\app\main.ts) with a file extension or at least two folders.
_QUOTED_WINDOWS_PATH = re.compile(r"""(['"`])(?:[A-Za-z]:\\|[\w.@+ -]+\\)(?:[^'"`\n\\]*\\)*[^'"`\n]*\1""")
_WINDOWS_PATH = re.compile(
    r"(?<![\w\\])(?:[A-Za-z]:[\\/](?:[^\s'\"`\\/:*?<>|]+[\\/])*[^\s'\"`\\/:*?<>|]*"
    r"|(?:[\w.@+-]+\\)+[\w.@+-]+\.\w{1,6}\b|(?:[\w.@+-]+\\){2,}[\w.@+-]*)"
)
_NUMBER = re.compile(r"(?<![\w<])\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


def placeholders(text: str, branch: str | None = None) -> str:
    """`text` with what varies between occurrences replaced: <branch>, <uuid>, <hash>, <path>, <n>."""
    out = text
    if branch and len(branch) > 1:
        out = re.sub(rf"(?<![\w/-]){re.escape(branch)}(?![\w/-])", "<branch>", out)
    out = _UUID.sub("<uuid>", out)
    out = _HASH.sub(lambda m: m.group(0) if m.group(0).isdigit() else "<hash>", out)
    if "\\" in out or ":/" in out:
        out = _QUOTED_WINDOWS_PATH.sub(lambda m: f"{m.group(1)}<path>{m.group(1)}", out)
        out = _WINDOWS_PATH.sub("<path>", out)
    out = _PATH.sub(_path_placeholder, out)
    out = _NUMBER.sub("<n>", out)
    return _SPACE.sub(" ", out).strip()


def _path_placeholder(found: re.Match[str]) -> str:
    token = found.group(0)
    if "<" in token or token in ("/", "./", "../"):
        return token
    return "<path>"
