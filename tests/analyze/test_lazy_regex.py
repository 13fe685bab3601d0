"""LazyRegex.may_find: a pattern whose leading literal is absent from the text is not compiled to
fail (the error classifier tries tens of patterns in turn; a hook classifies one failure). The
literal must be one every match starts with: checked against Python's own parse of every pattern
of the classifier's table."""

from __future__ import annotations

import re
import re._parser as sre_parse  # type: ignore[import-not-found]  # (sre_parse before 3.11)

import pytest

from lessonloop.analyze.error_classes import RULES
from lessonloop.core.lazy_regex import LazyRegex, leading_literal


def _starts_with_literal(pattern: str, flags: int, literal: str) -> bool:
    """Whether Python's parse of `pattern` begins with the plain literal characters of `literal`
    (each a LITERAL item, no quantifier around it, no alternation of the whole)."""
    parsed = list(sre_parse.parse(pattern, flags))
    if len(parsed) < len(literal):
        return False
    return all(parsed[i] == (sre_parse.LITERAL, ord(char)) for i, char in enumerate(literal))


@pytest.mark.parametrize(
    ("pattern", "literal"),
    [
        (r"has no upstream branch", "has no upstream branch"),
        (r"\.\.\.\.Failed", "....Failed"),
        (r"ab?c", "a"),
        (r"xy+z", "x"),
        (r"a{2}b", ""),
        (r"foo\s+bar", "foo"),
        (r"Info +: x", "Info"),
        (r"a\(b", "a(b"),
        (r"(?P<ev>x)", ""),
        (r"abc|def", ""),
        (r"a(b|c)", "a"),
        (r"[|]x|y", ""),
        (r"[]|]x", ""),
        (r"\AExit", ""),
        (r"\nx", ""),
    ],
)
def test_the_leading_literal_of_a_pattern(pattern: str, literal: str) -> None:
    assert leading_literal(pattern) == literal
    assert leading_literal(pattern, re.IGNORECASE) == ""
    if literal:
        assert _starts_with_literal(pattern, 0, literal)


def test_every_pattern_of_the_classifier_starts_with_its_leading_literal() -> None:
    patterns = [pattern for rule in RULES for pattern in rule.patterns]
    assert len(patterns) > 100
    with_literal = 0
    for pattern in patterns:
        literal = leading_literal(pattern.pattern, pattern.flags)
        assert not literal or _starts_with_literal(pattern.pattern, pattern.flags, literal), pattern
        with_literal += bool(literal)
    assert with_literal > len(patterns) // 2  # most are told apart without compiling


def test_may_find_is_false_only_where_the_pattern_cannot_match() -> None:
    regex = LazyRegex(r"has no upstream (?P<ev>branch)")
    assert not regex.may_find("fatal: not a git repository")
    assert regex._compiled is None  # nothing compiled to tell it
    assert regex.may_find("fatal: The current branch x has no upstream branch.")
    assert LazyRegex(r"(?:x)?y").may_find("anything")  # no literal: it may match
