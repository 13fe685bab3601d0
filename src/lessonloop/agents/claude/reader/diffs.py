"""The diff an Edit, MultiEdit, Write or NotebookEdit applied, as unified-diff hunks.

Claude Code reports the real applied diff as `structuredPatch` in the tool result; when it is
absent (older builds), the diff is rebuilt from the call's input.
"""

from __future__ import annotations

from typing import Any

from lessonloop.capture.parsing import diff_edits, diff_strings

EDIT_TOOLS = frozenset({"Edit", "MultiEdit", "Write", "NotebookEdit"})


def applied_diff(tool: str, tool_input: Any, tool_use_result: Any) -> tuple[str, int, int] | None:
    """(unified diff text, lines added, lines removed) for an edit tool's successful call."""
    if isinstance(tool_use_result, dict):
        patch = tool_use_result.get("structuredPatch")
        if isinstance(patch, list) and patch:
            rendered = _render_structured_patch(patch)
            if rendered is not None:
                return rendered
        if tool == "Write" and tool_use_result.get("type") == "create":
            content = tool_use_result.get("content")
            if isinstance(content, str):
                return diff_strings("", content)
    if not isinstance(tool_input, dict):
        return None
    if tool == "Edit":
        old, new = tool_input.get("old_string"), tool_input.get("new_string")
        if isinstance(old, str) and isinstance(new, str):
            return diff_strings(old, new)
    elif tool == "MultiEdit":
        multi = diff_edits(tool_input.get("edits"), "old_string", "new_string")
        if multi is not None:
            return multi
    elif tool == "Write":
        content = tool_input.get("content")
        if isinstance(content, str):
            original = tool_use_result.get("originalFile") if isinstance(tool_use_result, dict) else None
            return diff_strings(original if isinstance(original, str) else "", content)
    elif tool == "NotebookEdit":
        source = tool_input.get("new_source")
        if isinstance(source, str):
            return diff_strings("", source)
    return None


def _render_structured_patch(patch: list[Any]) -> tuple[str, int, int] | None:
    out: list[str] = []
    added = removed = 0
    for hunk in patch:
        if not isinstance(hunk, dict):
            return None
        lines = hunk.get("lines")
        if not isinstance(lines, list):
            return None
        out.append(
            f"@@ -{hunk.get('oldStart', 0)},{hunk.get('oldLines', 0)} "
            f"+{hunk.get('newStart', 0)},{hunk.get('newLines', 0)} @@"
        )
        body = [line for line in lines if isinstance(line, str)]
        out.extend(body)
        plus, minus = _count_changes(body)
        added += plus
        removed += minus
    return "\n".join(out), added, removed


def _count_changes(lines: list[str]) -> tuple[int, int]:
    """(lines added, lines removed) of diff body lines."""
    added = sum(1 for line in lines if line.startswith("+"))
    removed = sum(1 for line in lines if line.startswith("-"))
    return added, removed
