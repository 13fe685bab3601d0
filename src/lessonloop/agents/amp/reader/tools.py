"""Amp's tools by their agent-neutral kind (its built-in tools, as its manual and its threads name
them; an MCP server's or a toolbox's tool: "other"): one table, read by its reader and by learning.
Light."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

KINDS: dict[str, str] = {
    "Bash": records.SHELL,
    "shell_command": records.SHELL,
    "Read": records.READ,
    "read_file": records.READ,
    "edit_file": records.EDIT,
    "apply_patch": records.EDIT,
    "undo_edit": records.EDIT,
    "format_file": records.EDIT,
    "create_file": records.WRITE,
    "Grep": records.SEARCH,
    "grep": records.SEARCH,
    "glob": records.SEARCH,
    "list_directory": records.SEARCH,
    "finder": records.SEARCH,
    "codebase_search_agent": records.SEARCH,
    "read_web_page": records.FETCH,
    "web_search": records.FETCH,
    "todo_write": records.PLAN,
    "todo_read": records.PLAN,
    "Task": records.SUBAGENT,
}


def kind_of(tool: str) -> str:
    """The neutral kind of an Amp tool ("other" for tools not known)."""
    return KINDS.get(tool, records.OTHER)
