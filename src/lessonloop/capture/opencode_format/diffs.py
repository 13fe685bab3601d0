"""The diff an OpenCode edit applied, as unified-diff hunks (like claude_code/diffs.py gives).

OpenCode's edit, write and apply_patch tools report the applied change in their metadata as a
whole unified diff with file headers (`Index:`, `===`, `---`, `+++`); only its hunks are kept.
When it is absent, the diff is rebuilt from the call's oldString/newString or content.
"""

from __future__ import annotations

from typing import Any

from lessonloop.capture.parsing import diff_edits, diff_strings


def applied_diff(tool: str, tool_input: Any, metadata: Any) -> tuple[str, int, int] | None:
    """(hunks, lines added, lines removed) of a successful edit, write or patch; None without one."""
    if isinstance(metadata, dict):
        reported = metadata.get("diff")
        if isinstance(reported, str) and "@@" in reported:
            return hunks_of(reported)
    if not isinstance(tool_input, dict):
        return None
    name = tool.lower()
    if name == "edit":
        old, new = tool_input.get("oldString"), tool_input.get("newString")
        if isinstance(old, str) and isinstance(new, str):
            return diff_strings(old, new)
    elif name == "multiedit":
        multi = diff_edits(tool_input.get("edits"), "oldString", "newString")
        if multi is not None:
            return multi
    elif name == "write":
        content = tool_input.get("content")
        if isinstance(content, str):
            return diff_strings("", content)
    return None


def hunks_of(diff: str) -> tuple[str, int, int]:
    """The hunks of a unified diff (its file headers dropped) and the lines it adds and removes."""
    out: list[str] = []
    added = removed = 0
    in_hunk = False
    lines = diff.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("@@"):
            in_hunk = True
            out.append(line)
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.startswith(("Index: ", "===")) or (line.startswith("--- ") and following.startswith("+++ ")):
            in_hunk = False  # the next file's headers
            continue
        if not in_hunk or line.startswith("\\ No newline"):
            continue
        out.append(line)
        if line.startswith("+"):
            added += 1
        elif line.startswith("-"):
            removed += 1
    return "\n".join(out), added, removed
