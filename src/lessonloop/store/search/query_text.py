"""A person's search words as an FTS5 query that is never an operator and never a syntax error,
and whose cost is bounded.

Every word must occur (words are separated by spaces); a "quoted phrase" must occur as written;
a word or phrase ending in * matches as a prefix (`fix*`: fix, fixed, fixture). FTS5 itself splits
each into the index's tokens (unicode61: letters and digits; `main.py` is the phrase "main py",
`--force` the word "force"), with letter case and accents ignored.

The bound (docs/search.md, "The words"): a prefix is expanded by FTS5 into every word of the index
that starts with it, for each term, so a query of many short prefixes cost seconds (666 prefix
terms: 25.8 s against 0.014 s for one word). Hence: the text is read up to MAX_QUERY_CHARS; a term
given twice counts once; a prefix needs MIN_PREFIX_CHARS letters or digits before its `*` (a
shorter one is searched as a whole word); at most MAX_PREFIX_TERMS prefixes and MAX_TERMS terms in
all are searched, the others left out. What was changed or left out is in `SearchQuery.notice`.
"""

from __future__ import annotations

import re

MAX_QUERY_CHARS = 1000  # characters of the text read; the rest is left out
MAX_TERMS = 16  # words and phrases searched, prefixes included
MAX_PREFIX_TERMS = 8  # prefix terms (`word*`) among them
MIN_PREFIX_CHARS = 3  # letters or digits a prefix's last word needs before its `*`
SHOWN = 5  # terms named in a notice at most

# A quoted phrase (to the next quote, or the end), or a run of other characters.
_ITEM = re.compile(r'"([^"]*)"?(\*?)|(\S+)')
_TOKEN = re.compile(r"[^\W_]")  # a character the index keeps (unicode61: letters and digits)
_TOKENS = re.compile(r"[^\W_]+")


class EmptyQuery(ValueError):
    """The words hold nothing the index can find (no letter or digit)."""


class SearchQuery:
    """The FTS5 MATCH expression, the words and phrases searched for as given, and what the bound
    changed: `left_out` (terms not searched), `as_words` (prefixes too short, searched as words),
    `cut` (characters of the text past MAX_QUERY_CHARS)."""

    __slots__ = ("as_words", "cut", "left_out", "match", "words")

    def __init__(
        self,
        match: str,
        words: tuple[str, ...],
        left_out: tuple[str, ...] = (),
        as_words: tuple[str, ...] = (),
        cut: int = 0,
    ) -> None:
        self.match = match
        self.words = words
        self.left_out = left_out
        self.as_words = as_words
        self.cut = cut

    @property
    def notice(self) -> str | None:
        """What the bound changed, in a sentence or two; None when the words were searched as given."""
        parts: list[str] = []
        if self.cut:
            parts.append(f"only the first {MAX_QUERY_CHARS:,} characters were read ({self.cut:,} left out)")
        if self.as_words:
            parts.append(
                f"a prefix needs {MIN_PREFIX_CHARS} letters or digits before its *: "
                f"{_listed(self.as_words)} searched as whole words"
            )
        if self.left_out:
            parts.append(
                f"at most {MAX_TERMS} terms ({MAX_PREFIX_TERMS} of them prefixes) are searched: "
                f"{_listed(self.left_out)} left out"
            )
        return "; ".join(parts) if parts else None


def parse_query(text: str) -> SearchQuery:
    """`text` as an FTS5 query: each word and "phrase" quoted (its inner quotes doubled), `*` kept
    after it as a prefix search, within the bound (the module's docstring); EmptyQuery when nothing
    in it can be found."""
    cut = max(0, len(text) - MAX_QUERY_CHARS)
    parts: list[str] = []
    words: list[str] = []
    seen: set[str] = set()
    left_out: list[str] = []
    as_words: list[str] = []
    prefixes = 0
    for match in _ITEM.finditer(text[:MAX_QUERY_CHARS]):
        phrase, star, word = match.group(1), match.group(2), match.group(3)
        if word is not None:
            star = "*" if word.endswith("*") else ""
            phrase = word.rstrip("*")
        if not _TOKEN.search(phrase):
            continue
        if star and len(_TOKENS.findall(phrase)[-1]) < MIN_PREFIX_CHARS:
            as_words.append(phrase + star)
            star = ""
        term = '"' + phrase.replace('"', '""') + '"' + star
        key = " ".join(_TOKENS.findall(phrase.casefold())) + star  # as the index reads it
        if key in seen:
            continue
        seen.add(key)
        if len(parts) >= MAX_TERMS or (star and prefixes >= MAX_PREFIX_TERMS):
            left_out.append(phrase + star)
            continue
        prefixes += bool(star)
        parts.append(term)
        words.append(phrase + star)
    if not parts:
        raise EmptyQuery(f"nothing to search for in {text[:200]!r}: give a word (letters or digits)")
    return SearchQuery(" ".join(parts), tuple(words), tuple(left_out), tuple(dict.fromkeys(as_words)), cut)


def _listed(terms: tuple[str, ...]) -> str:
    shown = ", ".join(repr(term) for term in terms[:SHOWN])
    return shown + (f" and {len(terms) - SHOWN:,} more" if len(terms) > SHOWN else "")
