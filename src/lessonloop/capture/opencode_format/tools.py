"""OpenCode's tools by their agent-neutral kind (records.TOOL_KINDS), and what a call targets."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks read this table)
if TYPE_CHECKING:
    from typing import Any

KINDS: dict[str, str] = {
    "bash": records.SHELL,
    "read": records.READ,
    "edit": records.EDIT,
    "multiedit": records.EDIT,
    "patch": records.EDIT,
    "apply_patch": records.EDIT,
    "write": records.WRITE,
    "grep": records.SEARCH,
    "glob": records.SEARCH,
    "list": records.SEARCH,
    "ls": records.SEARCH,
    "codesearch": records.SEARCH,
    "webfetch": records.FETCH,
    "websearch": records.FETCH,
    "todowrite": records.PLAN,
    "todoread": records.PLAN,
    "plan_exit": records.PLAN,  # tool/plan.ts (experimental plan mode)
    "plan_enter": records.PLAN,
    "task": records.SUBAGENT,
    # The older OpenCode written in Go (go_database.py) names some of the same tools otherwise.
    "view": records.READ,
    "fetch": records.FETCH,
    "sourcegraph": records.SEARCH,
    "agent": records.SUBAGENT,
}


def kind_of(tool: str) -> str:
    """The neutral kind of an OpenCode tool ("other" for MCP tools and tools not known).

    OpenCode names its tools in lower case; the name is compared without case."""
    return KINDS.get(tool.lower(), records.OTHER)


def target_paths(tool_input: Any) -> tuple[str, ...]:
    """The files a call names: filePath (read, edit, write), the files of a multiedit, path (grep,
    glob, list)."""
    if not isinstance(tool_input, dict):
        return ()
    found: list[str] = []
    for key in ("filePath", "file_path", "path"):
        value = tool_input.get(key)
        if isinstance(value, str) and value:
            found.append(value)
            break
    edits = tool_input.get("edits")
    if isinstance(edits, list):
        for edit in edits:
            if isinstance(edit, dict):
                value = edit.get("filePath")
                if isinstance(value, str) and value and value not in found:
                    found.append(value)
    return tuple(found)


def patch_paths(patch_text: str) -> tuple[str, ...]:
    """The files an apply_patch text names ("*** Update File: path" lines)."""
    found: list[str] = []
    for line in patch_text.splitlines():
        for marker in ("*** Update File: ", "*** Add File: ", "*** Delete File: "):
            if line.startswith(marker):
                path = line[len(marker) :].strip()
                if path and path not in found:
                    found.append(path)
    return tuple(found)
