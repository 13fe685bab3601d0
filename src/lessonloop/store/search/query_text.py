"""A person's search words as an FTS5 query that is never an operator and never a syntax error.

Every word must occur (words are separated by spaces); a "quoted phrase" must occur as written;
a word or phrase ending in * matches as a prefix (`fix*`: fix, fixed, fixture). FTS5 itself splits
each into the index's tokens (unicode61: letters and digits; `main.py` is the phrase "main py",
`--force` the word "force"), with letter case and accents ignored.
"""

from __future__ import annotations

import re

# A quoted phrase (to the next quote, or the end), or a run of other characters.
_ITEM = re.compile(r'"([^"]*)"?(\*?)|(\S+)')
_TOKEN = re.compile(r"[^\W_]")  # a character the index keeps (unicode61: letters and digits)


class EmptyQuery(ValueError):
    """The words hold nothing the index can find (no letter or digit)."""


class SearchQuery:
    """The FTS5 MATCH expression, and the words and phrases searched for as given."""

    __slots__ = ("match", "words")

    def __init__(self, match: str, words: tuple[str, ...]) -> None:
        self.match = match
        self.words = words


def parse_query(text: str) -> SearchQuery:
    """`text` as an FTS5 query: each word and "phrase" quoted (its inner quotes doubled), `*` kept
    after it as a prefix search; EmptyQuery when nothing in it can be found."""
    parts: list[str] = []
    words: list[str] = []
    for match in _ITEM.finditer(text):
        phrase, star, word = match.group(1), match.group(2), match.group(3)
        if word is not None:
            star = "*" if word.endswith("*") else ""
            phrase = word.rstrip("*")
        if not _TOKEN.search(phrase):
            continue
        parts.append('"' + phrase.replace('"', '""') + '"' + star)
        words.append(phrase + star)
    if not parts:
        raise EmptyQuery(f"nothing to search for in {text!r}: give a word (letters or digits)")
    return SearchQuery(" ".join(parts), tuple(words))
