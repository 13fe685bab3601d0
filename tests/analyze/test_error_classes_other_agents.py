"""Failure texts of Gemini CLI's and OpenCode's file tools get the classes of Claude Code's same
refusals (and Aider's udiff failures those of its failed edit blocks). Texts as the agents write
them: aider/coders/udiff_coder.py; google-gemini/gemini-cli packages/core/src/tools/edit.ts
(the error `raw` texts), read-file.ts; anomalyco/opencode packages/opencode/src/tool/edit.ts and
file/time.ts (FileTime.assert). OpenCode stores a failed call's `state.error`, often "Error: ..."."""

from __future__ import annotations

import pytest

from lessonloop.analyze.error_classes import classify_call
from lessonloop.analyze.inputs import Call


def call(tool: str, kind: str, error: str) -> Call:
    return Call(
        id="c1",
        context_id="s1",
        seq=1,
        ts=None,
        tool=tool,
        kind=kind,
        input={},
        command=None,
        status="error",
        exit_code=None,
        error_text=error,
    )


@pytest.mark.parametrize(
    ("tool", "kind", "error", "rule"),
    [
        (
            "replace",
            "edit",
            "Failed to edit, 0 occurrences found for old_string in /w/a.py. Ensure you're not escaping content"
            " incorrectly and check whitespace, indentation, and context. Use read_file tool to verify.",
            "edit_string_not_found",
        ),
        (
            "replace",
            "edit",
            "Failed to edit, expected 1 occurrence but found 3 for old_string in file: /w/a.py",
            "edit_multiple_matches",
        ),
        ("replace", "edit", "No changes to apply. The old_string and new_string are identical.", "edit_no_change"),
        ("read_file", "read", "File not found: /w/missing.py", "path_not_found"),
        ("edit", "edit", "Error: oldString not found in content", "edit_string_not_found"),
        (
            "edit",
            "edit",
            "Found multiple matches for oldString. Provide more surrounding lines in oldString to identify the"
            " correct match.",
            "edit_multiple_matches",
        ),
        ("edit", "edit", "oldString and newString must be different", "edit_no_change"),
        ("edit_file", "edit", "UnifiedDiffNoMatch: hunk failed to apply!", "edit_block_no_match"),
        (
            "invalid",
            "other",
            "The arguments provided to the tool are invalid: Model tried to call unavailable tool 'Write'."
            " Available tools: invalid, bash, read, edit, write.",
            "no_such_tool",
        ),
        (
            "invalid",
            "other",
            "The arguments provided to the tool are invalid: Invalid input: expected string, received undefined",
            "input_invalid",
        ),
        (
            "write",
            "write",
            "Error: You must read file /w/README.md before overwriting it. Use the Read tool first",
            "file_not_read",
        ),
        (
            "edit",
            "edit",
            "File /w/a.py has been modified since it was last read.\nLast modification: x\nLast read: y",
            "file_modified_since_read",
        ),
    ],
)
def test_gemini_and_opencode_refusals_have_the_classes_of_claude_codes(
    tool: str, kind: str, error: str, rule: str
) -> None:
    result = classify_call(call(tool, kind, error))
    assert result is not None
    assert result.evidence.split(":")[0] == rule
