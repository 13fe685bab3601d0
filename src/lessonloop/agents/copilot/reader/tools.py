"""Copilot CLI's tools by their agent-neutral kind (records.TOOL_KINDS).

The tools a 1.0.102 session offers (chat completions): bash, read_bash, stop_bash, list_bash,
view, create, edit, fetch_copilot_cli_documentation, skill, sql, session_store_sql, read_agent,
list_agents, write_agent, grep, glob, task; with the Responses API `apply_patch` replaces
create/edit and `rg` grep. Older versions had one `str_replace_editor` whose `command` says
what it does; on Windows the shell tool is `powershell`.
"""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks read this table)
if TYPE_CHECKING:
    from typing import Any

KINDS: dict[str, str] = {
    "bash": records.SHELL,
    "powershell": records.SHELL,
    "view": records.READ,
    "create": records.WRITE,
    "edit": records.EDIT,
    "str_replace": records.EDIT,
    "apply_patch": records.EDIT,
    "grep": records.SEARCH,
    "rg": records.SEARCH,
    "glob": records.SEARCH,
    "web_fetch": records.FETCH,
    "web_search": records.FETCH,
    "fetch_copilot_cli_documentation": records.FETCH,
    "update_todo": records.PLAN,
    "task": records.SUBAGENT,
    "read_agent": records.SUBAGENT,
    "write_agent": records.SUBAGENT,
    "list_agents": records.SUBAGENT,
}
# read_bash, write_bash, stop_bash, list_bash (an async shell's output, input, end), skill, sql,
# session_store_sql, MCP tools: "other".
_EDITOR_COMMANDS = {"view": records.READ, "create": records.WRITE, "str_replace": records.EDIT, "insert": records.EDIT}


def kind_of(tool: str, arguments: Any = None) -> str:
    """The neutral kind of a Copilot CLI tool ("other" for MCP tools and tools not known)."""
    if tool == "str_replace_editor" and isinstance(arguments, dict):
        return _EDITOR_COMMANDS.get(str(arguments.get("command")), records.OTHER)
    return KINDS.get(tool, records.OTHER)


def shell_command_of(tool: str, arguments: Any) -> str | None:
    """The command line of a shell call (its `command`), else None."""
    if kind_of(tool) != records.SHELL or not isinstance(arguments, dict):
        return None
    command = arguments.get("command")
    return command if isinstance(command, str) and command else None
