"""Cursor's tools by their agent-neutral kind: the editor's agent's names (`run_terminal_cmd`,
`edit_file`, ...) and the names Cursor 2.x and its CLI use (`Shell`, `StrReplace`, ...); an MCP
server's tool (`mcp_<server>_<tool>`, `MCP:<name>`) and any other: "other". Light."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

KINDS: dict[str, str] = {
    "run_terminal_cmd": records.SHELL,
    "run_terminal_command": records.SHELL,
    "run_terminal_command_v2": records.SHELL,
    "Shell": records.SHELL,
    "read_file": records.READ,
    "read_file_v2": records.READ,
    "Read": records.READ,
    "edit_file": records.EDIT,
    "edit_file_v2": records.EDIT,
    "search_replace": records.EDIT,
    "apply_patch": records.EDIT,
    "delete_file": records.EDIT,
    "StrReplace": records.EDIT,
    "Edit": records.EDIT,
    "MultiEdit": records.EDIT,
    "ApplyPatch": records.EDIT,
    "write": records.WRITE,
    "Write": records.WRITE,
    "list_dir": records.SEARCH,
    "list_dir_v2": records.SEARCH,
    "grep_search": records.SEARCH,
    "codebase_search": records.SEARCH,
    "file_search": records.SEARCH,
    "glob_file_search": records.SEARCH,
    "grep": records.SEARCH,
    "Grep": records.SEARCH,
    "Glob": records.SEARCH,
    "LS": records.SEARCH,
    "SemanticSearch": records.SEARCH,
    "web_search": records.FETCH,
    "fetch_rules": records.READ,
    "WebSearch": records.FETCH,
    "WebFetch": records.FETCH,
    "todo_write": records.PLAN,
    "TodoWrite": records.PLAN,
    "create_plan": records.PLAN,
    "CreatePlan": records.PLAN,
    "Task": records.SUBAGENT,
}


def kind_of(tool: str) -> str:
    """The neutral kind of a Cursor tool ("other" for an MCP server's and tools not known)."""
    return KINDS.get(tool, records.OTHER)
