"""capture/line_diff.diff_hunks: the hunks of a replacement, built directly for one changed region."""

from __future__ import annotations

import difflib
import random

import pytest

from lessonloop.agents.aider.reader.edit_blocks import unified_diff
from lessonloop.capture.line_diff import counted_diff, diff_hunks


def _difflib(old: list[str], new: list[str], context: int) -> list[str]:
    return list(difflib.unified_diff(old, new, lineterm="", n=context))[2:]


def _apply(old: list[str], hunks: list[str]) -> list[str]:
    """`old` patched by `hunks` (each context and removed line checked against `old`)."""
    out: list[str] = []
    at = 0
    for line in hunks:
        if line.startswith("@@"):
            start, _, count = line.split()[1][1:].partition(",")
            begin = int(start) if count == "0" else int(start) - 1
            assert begin >= at
            out.extend(old[at:begin])
            at = begin
        elif line[0] in " -":
            assert old[at] == line[1:]
            at += 1
            if line[0] == " ":
                out.append(line[1:])
        else:
            assert line[0] == "+"
            out.append(line[1:])
    return out + old[at:]


def _lcs(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        previous = 0
        for j, y in enumerate(b):
            previous, row[j + 1] = row[j + 1], previous + 1 if x == y else max(row[j + 1], row[j])
    return row[-1]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["a", "b", "c"], ["a", "x", "c"]),
        (["a", "b", "c", "d", "e", "f", "g", "h", "i"], ["a", "b", "c", "d", "X", "f", "g", "h", "i"]),
        (["a"], []),
        ([], ["a", "b"]),
        (["a", "b"], ["a", "b", "c"]),
        (["x", "a", "b"], ["a", "b"]),
        (["1", "2", "3", "4", "5"], ["1", "2", "6", "7", "8", "4", "5"]),
        (["a", "b", "c"], ["a", "b", "c"]),
        (["a", "b", "c", "d"], ["x", "b", "c", "y"]),  # two regions sharing lines: difflib's
    ],
)
def test_same_hunks_as_difflib_where_the_change_is_one_region(old: list[str], new: list[str]) -> None:
    for context in (0, 1, 3):
        assert diff_hunks(old, new, context) == _difflib(old, new, context)


@pytest.mark.slow
def test_every_diff_applies_and_is_as_small_as_the_longest_common_subsequence_allows() -> None:
    rng = random.Random(13)
    direct = 0
    for _ in range(20_000):
        old = [rng.choice("abcde") for _ in range(rng.randint(0, 10))]
        new = [rng.choice("abcdef") for _ in range(rng.randint(0, 10))]
        context = rng.randint(0, 3)
        hunks = diff_hunks(old, new, context)
        assert _apply(old, hunks) == new
        changed = sum(1 for line in hunks if line[0] in "+-")
        reference = _difflib(old, new, context)
        assert changed <= sum(1 for line in reference if line[0] in "+-")
        if hunks != reference:
            direct += 1
            assert changed == len(old) + len(new) - 2 * _lcs(old, new)  # built directly: minimal
    assert direct > 0  # the direct path was taken where difflib places a line otherwise


def test_lines_that_look_like_file_headers_are_kept_and_counted() -> None:
    # A removed SQL comment "-- x" is the diff line "--- x", an added "++ y" is "+++ y": only
    # difflib's first two lines are its file header.
    diff, added, removed = unified_diff("select 1;\n-- old note\nselect 2;", "select 1;\n++ new note\nselect 2;")
    assert diff.splitlines() == ["@@ -1,3 +1,3 @@", " select 1;", "--- old note", "+++ new note", " select 2;"]
    assert (added, removed) == (1, 1)


def test_counted_diff_counts_the_added_and_removed_lines_of_the_hunks_it_joins() -> None:
    # Context lines whose text starts with "+" or "-" are not counted; "@@" headers neither.
    old = ["+ keep", "- keep", "a", "b", "c", "d", "e", "f", "g", "+ end"]
    new = ["+ keep", "- keep", "x", "b", "c", "d", "e", "f", "y", "+ end", "z"]
    text, added, removed = counted_diff(old, new, 1)
    assert text == "\n".join(diff_hunks(old, new, 1))
    assert text.splitlines() == [
        "@@ -2,3 +2,3 @@",
        " - keep",
        "-a",
        "+x",
        " b",
        "@@ -8,3 +8,4 @@",
        " f",
        "-g",
        "+y",
        " + end",
        "+z",
    ]
    assert (added, removed) == (3, 2)
    assert counted_diff(old, old, 3) == ("", 0, 0)
