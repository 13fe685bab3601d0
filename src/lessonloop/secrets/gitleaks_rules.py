"""gitleaks' default rules (vendored as data: secrets/vendor/, MIT), matched where their anchors are.

`vendor/gitleaks.toml` is gitleaks' own rule file (Go RE2 syntax); `scripts/gitleaks_rules.py`
converts it into `gitleaks_data.py` (literals only: a hook loads it from its .pyc, parsing no JSON
or TOML), which this module reads: per rule its pattern in Python syntax, the group holding the secret, the entropy the secret must reach, its allowlists and
its anchors (gitleaks' keywords, as texts spell them) with where the match starts from each: at
the anchor (or up to `back` characters before it), or anywhere near it (`near`).

redaction.py finds every anchor in its one Aho-Corasick pass and calls `VendoredRule.spans` at
each; a rule's pattern is compiled the first time one of its anchors is found. A match is tried
over a bounded stretch of the text (MAX_SPAN after the anchor), so a pattern written for RE2's
linear-time engine cannot run away on a long text in Python's.
"""

from __future__ import annotations

import re

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets import gitleaks_data
from lessonloop.secrets.format_rule import escaped_break
from lessonloop.secrets.token_shape import entropy

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks import this module)
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

MAX_SPAN = 4096  # the longest stretch a match is tried over, after its anchor
NEAR = 512  # a `near` rule's window on each side of its anchor


class VendoredRule:
    """One gitleaks rule: `spans` gives the secrets a match from one of its anchors holds."""

    __slots__ = (
        "allow_line", "allow_match", "allow_secret", "anchors", "entropy", "group", "in_names", "kind", "pattern",
        "stopwords",
    )  # fmt: skip

    def __init__(self, raw: dict[str, Any]) -> None:
        self.kind = str(raw["id"])
        # spelling -> (near, back)
        self.anchors: dict[str, tuple[bool, int]] = {a[0]: (a[1] == "near", a[2]) for a in raw["anchors"]}
        # A token's prefix must not continue a word (`...5ghp_...` inside a base64 blob is no GitHub
        # token); a key word of the generic rules may (MY_DISCORD_TOKEN).
        self.in_names = bool(raw.get("in_names"))
        self.pattern = LazyRegex(str(raw["pattern"]), re.ASCII)
        self.group = int(raw.get("group") or 0)
        self.entropy = float(raw.get("entropy") or 0.0)
        allow = raw.get("allow") or {}
        self.allow_secret = tuple(LazyRegex(p) for p in allow.get("secret", ()))
        self.allow_match = tuple(LazyRegex(p) for p in allow.get("match", ()))
        self.allow_line = tuple(LazyRegex(p) for p in allow.get("line", ()))
        self.stopwords = tuple(str(w) for w in raw.get("stopwords") or ())

    def spans(
        self, text: str, at: int, anchor: str, searched: dict[int, int], index: int
    ) -> list[tuple[int, int, str]]:
        """The secrets of the matches from the anchor `anchor` found at text[at:]. `searched[index]`
        is where this rule's last `near` window ended (a window is searched once)."""
        near, back = self.anchors.get(anchor, (False, 0))
        if near:
            start = max(0, at - NEAR, searched.get(index, 0))
            end = min(len(text), at + NEAR)
            if start >= end:
                return []
            searched[index] = end
            out: list[tuple[int, int, str]] = []
            for near_match in self.pattern.finditer(text, start, end):
                out.extend(self._secret(text, near_match))
            return out
        if not back and not self.in_names and at > 0 and text[at - 1].isalnum() and not escaped_break(text, at):
            return []
        end = min(len(text), at + MAX_SPAN)
        for start in range(max(0, at - back), at + 1):
            found = self.pattern.match(text, start, end)
            if found is not None:
                return self._secret(text, found)
        return []

    def _secret(self, text: str, found: re.Match[str]) -> list[tuple[int, int, str]]:
        group = self.group
        if not group and found.re.groups:
            group = next((g for g in range(1, found.re.groups + 1) if found.group(g)), 0)
        begin, end = found.span(group)
        if begin < 0 or begin == end:
            return []
        secret = text[begin:end]
        if "[REDACTED" in secret or (self.entropy and shannon(secret) < self.entropy):
            return []
        lowered = secret.lower()
        if any(word in lowered for word in self.stopwords) or any(word in lowered for word in GLOBAL_STOPWORDS):
            return []
        if any(p.search(secret) for p in self.allow_secret) or _globally_allowed(secret, lowered):
            return []
        if self.allow_match and any(p.search(found.group(0)) for p in self.allow_match):
            return []
        if self.allow_line:
            line_start = text.rfind("\n", 0, begin) + 1
            line_end = text.find("\n", end)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if any(p.search(line) for p in self.allow_line):
                return []
        return [(begin, end, self.kind)]


# What a secret must hold for one of gitleaks' global allowlist patterns to match it (templates such
# as $X, ${X}, {{ x }}, %X%, @X@, paths, true/false/null, one repeated character): the patterns
# are compiled only for such a secret.
_ALLOW_CHARS = frozenset("$%{@/.*")
_ALLOW_WORDS = ("true", "false", "null")


def _globally_allowed(secret: str, lowered: str) -> bool:
    if not (_ALLOW_CHARS.intersection(secret) or len(set(lowered)) == 1 or any(w in lowered for w in _ALLOW_WORDS)):
        return False
    return any(p.search(secret) for p in GLOBAL_ALLOW)


def shannon(value: str) -> float:
    """Shannon entropy of `value`, in bits per character (gitleaks' measure)."""
    return entropy(value)


class VendoredRules:
    """The vendored rules by index, each made the first time one of its anchors is found: on import
    only their anchors are read (vendored_anchors), which is all the gate needs."""

    __slots__ = ("_made",)

    def __init__(self) -> None:
        self._made: list[VendoredRule | None] = [None] * len(gitleaks_data.RULES)

    def __len__(self) -> int:
        return len(self._made)

    def __getitem__(self, index: int) -> VendoredRule:
        made = self._made[index]
        if made is None:
            made = self._made[index] = VendoredRule(gitleaks_data.RULES[index])
        return made

    def __iter__(self) -> Iterator[VendoredRule]:
        return (self[index] for index in range(len(self)))


def vendored_anchors() -> Iterator[tuple[int, str]]:
    """(rule index, anchor spelling) of every vendored rule, read from the data alone."""
    for index, raw in enumerate(gitleaks_data.RULES):
        for anchor in raw["anchors"]:  # type: ignore[attr-defined]
            yield index, anchor[0]


VENDORED_RULES = VendoredRules()
GLOBAL_ALLOW = tuple(LazyRegex(p) for p in gitleaks_data.ALLOW)
GLOBAL_STOPWORDS = gitleaks_data.STOPWORDS
