"""The words of the code a change touched: what a commit message describes when it names neither
a file nor a definition ("the spinner", "redact the port", "wrap long titles").

From each hunk of a commit's diff (git_hunks: its header, then its lines): the words (text.words:
identifiers split, stemmed) of the enclosing function git names, of the added and removed lines
and of the context lines around them (unchanged, but the same file's code), once each, at most
MAX_WORDS per file of a commit (a generated file or a vendored tree says thousands), from at
most MAX_CHARS of its hunks. Pure: text in, words out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from lessonloop.history.file_prediction.text import words

MAX_WORDS = 256  # distinct words per file of a commit
MAX_CHARS = 4_000  # characters of hunks read per file of a commit (a rewritten document or a
# generated file would cost its whole size for words its first pages already gave)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # a name (text.words splits snake_case and camelCase)


def changed_words(hunks: Iterable[str]) -> tuple[str, ...]:
    """The distinct words of these hunks (headers, changed lines and the context lines around
    them: all of it is the file's code), in first-seen order, at most MAX_WORDS, from the first
    MAX_CHARS characters."""
    found: dict[str, None] = {}
    for hunk in read_hunks(hunks):
        for name in dict.fromkeys(_NAME.findall(hunk)):
            for word in _words_of(name):
                if word not in found:
                    found[word] = None
                    if len(found) >= MAX_WORDS:
                        return tuple(found)
    return tuple(found)


def read_hunks(hunks: Iterable[str]) -> Iterator[str]:
    """A file's hunks of one commit, in order, as far as MAX_CHARS characters in all: the last
    one read cut at the budget's end."""
    budget = MAX_CHARS
    for hunk in hunks:
        if budget <= 0:
            return
        yield hunk[:budget]
        budget -= len(hunk)


@lru_cache(maxsize=1 << 16)
def _words_of(name: str) -> tuple[str, ...]:
    return tuple(words(name))
