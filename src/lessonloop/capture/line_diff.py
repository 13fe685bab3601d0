"""Unified-diff hunks of one text replaced by another, without difflib where it is not needed.

Most replacements an agent makes (an edit block, a `replace`) change one region: the old and
the new text share their first and last lines, and the lines in between have no line in common.
Then the diff is that region, removed and added, with its context lines: built directly here
(difflib's SequenceMatcher costs more than the rest of reading such a block). It is minimal:
when the changed regions share no line, the longest common subsequence of the two texts is
exactly their common first and last lines. Otherwise difflib finds the diff.

The hunks are difflib.unified_diff's (`lineterm=""`) without its two file header lines: the
`@@ -start,count +start,count @@` header of each hunk, context lines with a space, removed
lines with `-`, added lines with `+`. (difflib can give another diff of the same size where the
same lines could be matched two ways, and, on texts of 200 lines or more, a longer one: lines
repeated often there are never matched. Both diffs apply.)
"""

from __future__ import annotations

import difflib


def diff_hunks(old: list[str], new: list[str], context: int) -> list[str]:
    """The hunk lines of the unified diff from `old` to `new` (lists of lines), with `context`
    lines of context; [] when they are equal."""
    size_old, size_new = len(old), len(new)
    first = 0
    limit = min(size_old, size_new)
    while first < limit and old[first] == new[first]:
        first += 1
    last = 0  # common lines at the end, not overlapping the common start
    limit -= first
    while last < limit and old[size_old - 1 - last] == new[size_new - 1 - last]:
        last += 1
    removed = old[first : size_old - last]
    added = new[first : size_new - last]
    if not removed and not added:
        return []
    if removed and added and not set(removed).isdisjoint(added):
        lines = list(difflib.unified_diff(old, new, lineterm="", n=context))
        return lines[2:]  # the two file header lines
    before = min(context, first)
    after = min(context, last)
    start = first - before
    end_old = size_old - last + after
    end_new = size_new - last + after
    header = f"@@ -{_range(start, end_old)} +{_range(start, end_new)} @@"
    return [
        header,
        *(" " + line for line in old[start:first]),
        *("-" + line for line in removed),
        *("+" + line for line in added),
        *(" " + line for line in old[size_old - last : end_old]),
    ]


def counted_diff(old: list[str], new: list[str], context: int) -> tuple[str, int, int]:
    """(the hunks of diff_hunks as one text, lines added, lines removed)."""
    return counted_hunks(diff_hunks(old, new, context))


def counted_hunks(hunks: list[str]) -> tuple[str, int, int]:
    """(hunk lines joined by newlines, lines added, lines removed): the `+` and `-` lines of
    hunks (from the first `@@` header on, without file header lines)."""
    added = sum(1 for line in hunks if line.startswith("+"))
    removed = sum(1 for line in hunks if line.startswith("-"))
    return "\n".join(hunks), added, removed


def _range(start: int, stop: int) -> str:
    """A hunk's line range as difflib writes it (1-based start; the count left out when 1; an
    empty range starts at the line before it)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    if not length:
        return f"{start},0"
    return f"{start + 1},{length}"
