"""Antigravity's tools by their agent-neutral kind (records.TOOL_KINDS): the names its models call
(`tool_calls[].name` of a planner step), as agy 1.2.0 writes them and as its hooks match them
(run_command, view_file, write_to_file, replace_file_content, multi_replace_file_content,
grep_search, find_by_name, ...). One table, read by its reader. Light."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

KINDS: dict[str, str] = {
    "run_command": records.SHELL,
    "view_file": records.READ,
    "view_file_outline": records.READ,
    "view_code_item": records.READ,
    "view_content_chunk": records.READ,
    "read_resource": records.READ,
    "write_to_file": records.WRITE,
    "replace_file_content": records.EDIT,
    "multi_replace_file_content": records.EDIT,
    "grep_search": records.SEARCH,
    "find_by_name": records.SEARCH,
    "list_dir": records.SEARCH,
    "codebase_search": records.SEARCH,
    "read_url_content": records.FETCH,
    "search_web": records.FETCH,
    "open_browser_url": records.FETCH,
    "browser_subagent": records.SUBAGENT,
    "start_subagent": records.SUBAGENT,
    "task_boundary": records.PLAN,
}
# command_status, send_command_input, read_terminal, notify_user, generate_image, MCP tools: "other".

SHELL_TOOLS = frozenset(name for name, kind in KINDS.items() if kind == records.SHELL)

# The argument naming a call's file or folder, by tool (its Cascade-style names).
PATH_ARGS: tuple[str, ...] = (
    "AbsolutePath",
    "TargetFile",
    "File",
    "DirectoryPath",
    "SearchPath",
    "SearchDirectory",
    "Path",
)


def kind_of(tool: str) -> str:
    """The neutral kind of an Antigravity tool ("other" for MCP tools and tools not known)."""
    return KINDS.get(tool, records.OTHER)
