"""The change a Gemini CLI replace or write_file applied, as unified-diff hunks.

The tool's resultDisplay ({fileDiff, fileName, originalContent, newContent}) holds the diff
Gemini CLI showed the person (a full patch with Index/---/+++ headers): its hunks are kept.
Older chats (or a display not kept) leave only the call's args: old_string/new_string for
replace, content for write_file (against an empty file when the original is not known).
"""

from __future__ import annotations

from typing import Any

from lessonloop.agents.gemini.reader.tools import EDIT_TOOL, WRITE_TOOL
from lessonloop.capture.line_diff import counted_diff, counted_hunks

DIFF_TOOLS = frozenset({EDIT_TOOL, "edit", WRITE_TOOL})


def applied_diff(tool: str, args: Any, display: Any) -> tuple[str, int, int] | None:
    """(unified diff hunks, lines added, lines removed) of a successful edit or write."""
    if isinstance(display, dict):
        file_diff = display.get("fileDiff")
        if isinstance(file_diff, str) and "@@" in file_diff:
            return _hunks(file_diff)
        original, new = display.get("originalContent"), display.get("newContent")
        if isinstance(new, str):
            return _diff_strings(original if isinstance(original, str) else "", new)
    if not isinstance(args, dict):
        return None
    if tool == WRITE_TOOL:
        content = args.get("content")
        return _diff_strings("", content) if isinstance(content, str) else None
    old, new = args.get("old_string"), args.get("new_string")
    if isinstance(old, str) and isinstance(new, str):
        return _diff_strings(old, new)
    return None


def _hunks(patch: str) -> tuple[str, int, int]:
    lines = patch.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("@@")), len(lines))
    return counted_hunks(lines[start:])


def _diff_strings(old: str, new: str) -> tuple[str, int, int]:
    # A new file (old empty) is one hunk of added lines, built by diff_hunks without difflib.
    return counted_diff(old.splitlines(), new.splitlines(), 3)
