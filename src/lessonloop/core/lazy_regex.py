"""A regular expression compiled the first time it is used.

Analyzers hold hundreds of patterns, most of which a given run never needs (rules for other
languages, rare error messages); compiling them all at import costs tens of milliseconds on
every command, and a millisecond on every hook (lesson_model/triggers.py's failure patterns). A
`LazyRegex` costs nothing until it is searched.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from typing import Any


class LazyRegex:
    """`re.compile(pattern, flags)` on first use; the search methods analyzers need."""

    __slots__ = ("_compiled", "_prefix", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None
        self._prefix: str | None = None

    def may_find(self, text: str) -> bool:
        """False when the pattern cannot match anywhere in `text`: the literal text every match
        of it starts with (`leading_literal`) is not in `text`. Tells it without compiling the
        pattern (about 50 microseconds each: a classifier that tries tens of patterns in turn
        would compile them all to find them absent)."""
        if self._prefix is None:
            self._prefix = leading_literal(self.pattern, self.flags)
        return not self._prefix or self._prefix in text

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)

    def sub(self, repl: str, string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled.split(string, maxsplit)

    def __repr__(self) -> str:
        return f"LazyRegex({self.pattern!r})"


_META = frozenset("\\.^$*+?{}[]|()")


def leading_literal(pattern: str, flags: int = 0) -> str:
    """The literal text every match of `pattern` starts with, as far as a plain scan of the
    pattern tells it ('' when it cannot: a pattern that starts with a group, a class, an escape
    such as \\d or \\A, one with an alternation outside any group, or a flag that changes how
    literals match). A character a quantifier follows is left out (`ab?c`, `ab+c`: "a")."""
    if flags & (re.IGNORECASE | re.VERBOSE) or _top_level_alternation(pattern):
        return ""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            escaped = pattern[i + 1 : i + 2]
            if not escaped or escaped.isalnum() or escaped == "_":
                break  # a class (\\d), an anchor (\\A, \\b), a reference or a letter escape (\\n)
            width = 2
            char = escaped
        elif char in _META:
            break
        else:
            width = 1
        following = pattern[i + width : i + width + 1]
        if following and following in "*+?{":
            break  # this character may be absent, or repeated (where the literal ends)
        out.append(char)
        i += width
    return "".join(out)


def _top_level_alternation(pattern: str) -> bool:
    """Whether `pattern` has a `|` outside every group and class (its alternatives then start
    differently)."""
    depth = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":  # a class: to its closing bracket (a first `]`, after an optional `^`, is literal)
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":
                i += 1
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return True
        i += 1
    return False
