"""A secret format: a pattern matched where one of its anchors occurs (redaction.py finds every
anchor in one pass), with the checks every format shares (a secret must look random, not continue
a word). The rules themselves are in secrets/formats.py and the modules it gathers.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lessonloop.core.lazy_regex import LazyRegex

# A finder reads the secrets at an anchor itself (text, the anchor's position) when one regex
# cannot say where they are (a cookie header's values, a key's base64 lines).
Finder = Callable[[str, int], list[tuple[int, int, str]]]

# A secret-shaped token must not continue a word on either side.
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
# Fillers that stand for a key in docs and templates (AWS's own documented example keys, such as
# AKIAIOSFODNN7EXAMPLE, are redacted: they cannot be told from real ones by their form).
_FILLERS = ("xxxx", "your", "****", "<", "{", "redacted")


class FormatRule:
    """A secret format: matched at each occurrence of one of its anchors (lower-case strings).

    The match starts `back` characters before the anchor (0: the pattern starts with it). Each
    of `groups` names a capture group holding a secret and its kind (group 0: the whole match).
    The pattern is compiled when first needed (most texts hold no anchor of most rules).
    """

    __slots__ = (
        "anchors", "back", "boundary", "exact", "finder", "flags", "groups", "kind", "pattern", "random", "search",
        "source", "window",
    )  # fmt: skip

    def __init__(
        self,
        kind: str,
        anchors: tuple[str, ...],
        source: str,
        groups: tuple[tuple[int | str, str], ...] = (),
        back: int = 0,
        boundary: bool = True,  # no word character right before the match
        random: bool = True,  # the secret must look random (not xxxx or a repeated filler)
        flags: int = 0,
        search: bool = True,  # the pattern starts with its anchor, case and all: search the text once
        exact: bool = False,  # the anchors are spelled as texts have them (case and all)
        window: int = 0,  # searched for from `back` before the anchor to `window` after it
        finder: Finder | None = None,
    ) -> None:
        self.kind = kind
        self.anchors = anchors
        self.source = source
        self.groups = groups or ((0, kind),)
        self.back = back
        self.boundary = boundary
        self.random = random
        self.flags = flags
        self.search = search and back == 0 and not window and finder is None
        self.exact = exact
        self.window = window
        self.finder = finder
        self.pattern = LazyRegex(source, flags)

    def spans(self, text: str, at: int) -> list[tuple[int, int, str]]:
        """The secrets of a match starting at `at` (right before the anchor minus `back`)."""
        if self.finder is not None:
            return self.finder(text, at)
        if self.window:
            out: list[tuple[int, int, str]] = []
            for near in self.pattern.finditer(text, max(0, at - self.back), min(len(text), at + self.window)):
                out.extend(self._secrets(text, near))
            return out
        start = at - self.back
        if start < 0 or (self.boundary and continues_word(text, start)):
            return []
        found = self.pattern.match(text, start)
        return [] if found is None else self._secrets(text, found)

    def search_spans(self, text: str) -> list[tuple[int, int, str]]:
        """The secrets of every match in `text` (one C-speed search instead of a look per anchor:
        for rules whose pattern starts with the anchor as written)."""
        out: list[tuple[int, int, str]] = []
        for found in self.pattern.finditer(text):
            start = found.start()
            if not (self.boundary and continues_word(text, start)):
                out.extend(self._secrets(text, found))
        return out

    def _secrets(self, text: str, found: re.Match[str]) -> list[tuple[int, int, str]]:
        out: list[tuple[int, int, str]] = []
        for group, kind in self.groups:
            begin, end = found.span(group)
            if begin < 0 or begin == end:
                continue
            secret = text[begin:end]
            if self.random and not looks_random(secret):
                continue
            out.append((begin, end, kind))
        return out


def continues_word(text: str, start: int) -> bool:
    """Whether text[start] continues a word: a word character right before it, unless that is
    an escaped line break or tab (`...\\nghp_...` in a JSON string held as text)."""
    if start <= 0 or text[start - 1] not in _WORD:
        return False
    return not escaped_break(text, start) and not _after_color(text, start)


def _after_color(text: str, start: int) -> bool:
    """text[start] follows a terminal's colour sequence (`\x1b[32m`, `\x1b[1;31m`): colored output."""
    if text[start - 1] != "m":
        return False
    escape = text.rfind("\x1b[", max(0, start - 12), start)
    return escape >= 0 and all(c.isdigit() or c == ";" for c in text[escape + 2 : start - 1])


def escaped_break(text: str, start: int) -> bool:
    """text[start] follows an escaped line break or tab (`\\n`, `\\r`, `\\t`)."""
    return start > 1 and text[start - 1] in "nrt" and text[start - 2] == "\\"


def looks_random(secret: str) -> bool:
    """Not a filler such as `xxxxxxxx` or `<your-key>`: at least three distinct characters once
    the prefix is set aside, and no filler word."""
    lowered = secret.lower()
    if any(part in lowered for part in _FILLERS):
        return False
    body = secret.rsplit("_", 1)[-1] if "_" in secret[:12] else secret
    return len(set(body)) >= 3


def has_digit_and_letter(secret: str) -> bool:
    return any(c.isdigit() for c in secret) and any(c.isalpha() for c in secret)


def rule(
    kind: str,
    anchors: str | tuple[str, ...],
    source: str,
    groups: tuple[tuple[int | str, str], ...] = (),
    back: int = 0,
    boundary: bool = True,
    random: bool = True,
    flags: int = 0,
    search: bool = True,
    exact: bool = False,
    window: int = 0,
    finder: Finder | None = None,
) -> FormatRule:
    """A FormatRule; its anchors lower-case unless `exact` (redaction.py spells them)."""
    anchors = (anchors,) if isinstance(anchors, str) else anchors
    if not exact:
        anchors = tuple(a.lower() for a in anchors)
    return FormatRule(kind, anchors, source, groups, back, boundary, random, flags, search, exact, window, finder)


# A token ends where word characters and dashes end. The quantifiers before these look-aheads
# are possessive ({m,n}+): no backtracking through a long run that the look-ahead refuses.
END = r"(?![A-Za-z0-9_\-])"
B64_END = r"(?![A-Za-z0-9+/=])"
