"""The matcher finds exactly the lines Python's `re` finds line by line, whichever engine proposed
them (RE2's one-pass prefilter, or `re` over the block for patterns RE2 cannot take)."""

from __future__ import annotations

import random
import re

import pytest

from lessonloop.runs.runner.matching import (
    Matcher,
    PatternError,
    compile_patterns,
    lines_before,
    strip_codes,
)
from lessonloop.runs.runner.profiles import PROFILES

PATTERNS = [
    ("error", r"^FAILED "),  # anchored, literal after ^: searched unanchored, decided anchored
    ("error", r"^\S+::.* (FAILED|ERROR)(\s|$)"),
    ("error", r"error\s+boom"),  # \s could span lines over a block; per line it cannot
    ("error", r"(?<!no )panic"),  # lookbehind: RE2 cannot, `re` scans it
    ("error", r"(\w+) \1 again"),  # backreference: `re` only
    ("error", r"x{,2}y{3}"),  # {,n}: Python reads {0,n}; left to `re`
    ("success", r"All \d+ tests? passed$"),
    ("error", r"Error:"),
]
EXCLUDES = [r"Error: 0 problems", r"^# "]


def _reference(lines: list[bytes], ignore_case: bool) -> list[tuple[int, str, list[str]]]:
    """Line by line, the obvious way."""
    flags = re.IGNORECASE if ignore_case else 0
    compiled = [(kind, text, re.compile(text.encode(), flags)) for kind, text in PATTERNS]
    excludes = [re.compile(text.encode(), flags) for text in EXCLUDES]
    out: list[tuple[int, str, list[str]]] = []
    for number, line in enumerate(lines):
        matched = [(kind, text) for kind, text, regex in compiled if regex.search(line)]
        if not matched or any(x.search(line) for x in excludes):
            continue
        kind = matched[0][0]
        out.append((number, kind, [text for k, text in matched if k == kind]))
    return out


LINE_PARTS = [
    b"FAILED tests/test_x.py::test_a - assert 1 == 2",
    b"tests/test_x.py::test_b FAILED",
    b"tests/test_x.py::test_c PASSED",
    b"  FAILED not at the start",
    b"error",
    b"boom",
    b"error   boom",
    b"no panic here",
    b"kernel panic",
    b"retry retry again",
    b"retry later again",
    b"xxy yyy",
    b"xyyy",
    b"All 12 tests passed",
    b"All 1 test passed",
    b"Error: 0 problems",
    b"# Error: in a comment",
    b"TypeError: x",
    b"\xff\xfe\x00 binary Error: bytes",
    b"",
    b"ERROR: upper",
]


@pytest.mark.parametrize("ignore_case", [False, True])
@pytest.mark.parametrize("seed", range(8))
def test_hits_are_exactly_the_lines_re_finds_line_by_line(seed: int, ignore_case: bool) -> None:
    rng = random.Random(seed)
    lines = [rng.choice(LINE_PARTS) for _ in range(400)]
    block = b"\n".join(lines) + b"\n"
    patterns = [p for kind, text in PATTERNS for p in compile_patterns(kind, [text], ignore_case)]
    matcher = Matcher(patterns, compile_patterns("exclude", EXCLUDES, ignore_case))
    assert matcher.prefilter is not None and matcher.slow  # both engines are exercised
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    got = [(starts.index(hit.start), hit.kind, hit.patterns) for hit in matcher.hits(block)]
    assert got == _reference(lines, ignore_case)


def test_the_patterns_re2_cannot_take_are_left_to_re() -> None:
    patterns = [p for kind, text in PATTERNS for p in compile_patterns(kind, [text], False)]
    slow = {p.text for _, p in Matcher(patterns).slow}
    assert slow == {r"(?<!no )panic", r"(\w+) \1 again", r"x{,2}y{3}"}


def test_every_built_in_profile_goes_through_the_one_pass_prefilter() -> None:
    for profile in PROFILES.values():
        patterns = compile_patterns("error", list(profile.error), profile.ignore_case)
        patterns += compile_patterns("success", list(profile.success), profile.ignore_case)
        assert Matcher(patterns).slow == [], profile.name


def test_first_listed_wins_when_an_error_and_a_success_pattern_match_one_line() -> None:
    error_first = compile_patterns("error", ["done"], False) + compile_patterns("success", ["done"], False)
    assert [h.kind for h in Matcher(error_first).hits(b"done\n")] == ["error"]
    success_first = compile_patterns("success", ["done"], False) + compile_patterns("error", ["done"], False)
    assert [h.kind for h in Matcher(success_first).hits(b"done\n")] == ["success"]


def test_terminal_codes_are_removed_and_lines_kept() -> None:
    coloured = b"\x1b[1m\x1b[31mFAILED\x1b(B\x1b[m x\n\x1b]0;title\x07ok\nplain\n"
    assert strip_codes(coloured) == b"FAILED x\nok\nplain\n"
    assert strip_codes(b"no codes\n") == b"no codes\n"


def test_lines_before() -> None:
    block = b"a\nb\nc\nd\n"
    assert lines_before(block, block.index(b"d"), 2) == [b"b", b"c"]
    assert lines_before(block, 0, 3) == []


@pytest.mark.parametrize(("pattern", "message"), [("(", "bad error pattern"), ("a*", "matches an empty line")])
def test_bad_patterns_are_refused_with_the_reason(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        compile_patterns("error", [pattern], False)
