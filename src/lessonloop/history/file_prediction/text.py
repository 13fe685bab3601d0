"""Words of task texts and of file paths, in one form so a query can match either.

Lower case; camelCase and snake_case split; numbers and one-letter pieces dropped; a few
stopwords dropped; a light suffix strip (plurals, -ing, -ed) so "tests" meets "test".
"""

from __future__ import annotations

import posixpath
import re

_CAMEL = re.compile(r"([a-z0-9])([A-Z])|([A-Z]+)([A-Z][a-z])")
_WORD = re.compile(r"[a-z][a-z0-9]*")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "not",
        "of",
        "on",
        "or",
        "so",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "when",
        "which",
        "what",
        "where",
        "who",
        "why",
        "how",
        "all",
        "any",
        "also",
        "but",
        "if",
        "no",
        "our",
        "we",
        "you",
        "your",
        "they",
        "their",
        "them",
        "then",
        "than",
        "there",
        "these",
        "those",
        "should",
        "would",
        "could",
        "may",
        "might",
        "must",
        "use",
        "using",
        "used",
    ]
)


def stem(word: str) -> str:
    """A light suffix strip: the same stem for a word's plural, -ing and -ed forms."""
    if len(word) > 5 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The words of a text, in order, repeats kept."""
    split = _CAMEL.sub(lambda m: f"{m.group(1) or m.group(3)} {m.group(2) or m.group(4)}", text)
    return [stem(w) for w in _WORD.findall(split.lower()) if len(w) > 1 and w not in STOPWORDS]


def path_words(path: str) -> set[str]:
    """The words of a path: its folders, its file name's parts, its extension."""
    return set(words(path.replace("/", " ").replace(".", " ").replace("-", " ").replace("_", " ")))


def name_words(path: str) -> set[str]:
    """The words of a file's name without folder and extension (foo.py and test_foo.py share foo)."""
    return path_words(posixpath.splitext(posixpath.basename(path))[0])


_TEST_NAME = (
    re.compile(r"^tests?[_\-.](.+)$", re.I),  # test_foo.py
    re.compile(r"^(.+?)[_\-.](test|tests|spec|specs)$", re.I),  # foo_test.go, foo.test.ts, foo.spec.js
    re.compile(r"^Tests?([A-Z].*)$"),  # TestFoo.cs
    re.compile(r"^(.*[a-z0-9])Tests?$"),  # FooTest.java, FooTests.swift
)


def test_subject(path: str) -> str | None:
    """What a test file tests, as the tested file's name would read in lower case
    (tests/test_foo.py, foo_test.go, foo.spec.ts, FooTest.java -> foo); None for a file that is
    not named as a test."""
    stem = posixpath.splitext(posixpath.basename(path))[0]
    for pattern in _TEST_NAME:
        match = pattern.match(stem)
        if match and match.group(1).strip("_-."):
            return match.group(1).strip("_-.").lower()
    return None
