"""The PreToolUse hook's edit check: an edit or write about to add a high-risk line (analyze/edit_risk.py,
the built-in rules analysis uses) is a warning, with the rule named.

`edit_warnings` returns the warnings as items of the shape pre_tool.py's lessons have
(action, pseudo lesson id EDIT_RISK, confidence, title, prevention, command, failed, sessions,
learned in this session), each "warn": the one decision (lesson_model/decision.py) makes it a stop
once with `stop` (the hooks' default), never an ask or a deny every time. The reason to stop is
lessonloop's own built-in rule; the added line is quoted as data (core/outside_text.as_data), and
the same edit sent again runs. Only an edit or write imports the rules; the file
the call changes is read (at most MAX_CURRENT_BYTES) for a Write's lines already there and an
Edit's line numbers.
"""

from __future__ import annotations

from lessonloop.apply.hooks.hook_store import call_target, on_disk
from lessonloop.core.handler_tools import kind_of

EDIT_RISK = -1  # the "lesson id" of an edit-check warning (no stored lesson: a built-in rule)

# (action, lesson id, confidence, title, prevention, command, failed sessions, sessions, learned in
# this session): what the PreToolUse hook says about a call, per lesson or warning of no lesson
Item = tuple[str, int, float, str, "str | None", "str | None", int, int, bool]


def is_edit(tool: str) -> bool:
    """Whether the call changes a file's text: an edit or write (Claude Code's names), or a patch."""
    return kind_of(tool) in ("edit", "write") or tool == "apply_patch"


def edit_warnings(
    tool: str, tool_input: dict[str, object], cwd: str | None, kind: str | None = None
) -> list[tuple[str, Item]]:
    """The high-risk lines the call is about to add, as (rule, warning item); [] for any other call.
    `kind`: the tool's neutral kind when the caller knows it: an edit of another name whose input
    holds its old and new text in Claude Code's keys (Aider's edit_block) is read as an Edit."""
    if not is_edit(tool):
        if kind not in ("edit", "write") or not isinstance(tool_input.get("new_string"), str):
            return []
        tool = "Edit"
    from lessonloop.analyze.edit_risk import MAX_CURRENT_BYTES, MAX_WARNINGS, score_tool_call, warnings
    from lessonloop.core.outside_text import as_data

    path = _path(tool_input, cwd)
    current = _read(path, MAX_CURRENT_BYTES) if path is not None and tool in ("Write", "Edit", "MultiEdit") else None
    found = warnings(score_tool_call(tool, tool_input, current))
    items: list[tuple[str, Item]] = []
    for finding in found[:MAX_WARNINGS]:
        shown = _shown(finding.path, cwd)
        title = (
            f"this edit adds {finding.title} (rule {finding.rule}) at {as_data(shown)} line {finding.line}: "
            f"{as_data(finding.text, 160)}"
        )
        items.append((finding.rule, ("warn", EDIT_RISK, finding.confidence, title, finding.fix, None, 0, 0, False)))
    return items


def _path(tool_input: dict[str, object], cwd: str | None) -> str | None:
    named = call_target(tool_input)
    return on_disk(named, cwd) if named else None


def _read(path: str, limit: int) -> str | None:
    """The file's text when it is a file of at most `limit` bytes; None otherwise or unreadable."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        return None
    if len(data) > limit:
        return None
    return data.decode("utf-8", "replace")


def _shown(path: str | None, cwd: str | None) -> str:
    """The path as the warning names it: relative to the session's folder when inside it."""
    if not path:
        return "the file"
    if cwd and path.startswith(cwd.rstrip("/") + "/"):
        return path[len(cwd.rstrip("/")) + 1 :]
    return path
