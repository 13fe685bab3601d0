"""Qwen Code's tools by their agent-neutral kind (records.TOOL_KINDS): names from its core's
ToolNames (tools/tool-names.ts)."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

SHELL_TOOL = "run_shell_command"

KINDS: dict[str, str] = {
    SHELL_TOOL: records.SHELL,
    "exec": records.SHELL,
    "monitor": records.SHELL,
    "read_file": records.READ,
    "zoom_image": records.READ,
    "read_mcp_resource": records.READ,
    "edit": records.EDIT,
    "notebook_edit": records.EDIT,
    "write_file": records.WRITE,
    "grep_search": records.SEARCH,
    "glob": records.SEARCH,
    "list_directory": records.SEARCH,
    "lsp": records.SEARCH,
    "tool_search": records.SEARCH,
    "web_fetch": records.FETCH,
    "web_search": records.FETCH,
    "todo_write": records.PLAN,
    "enter_plan_mode": records.PLAN,
    "exit_plan_mode": records.PLAN,
    "task_create": records.PLAN,
    "task_update": records.PLAN,
    "task_list": records.PLAN,
    "agent": records.SUBAGENT,
    "create_sub_session": records.SUBAGENT,
}
# save_memory, skill, ask_user_question, cron_*, team_*, send_message, artifacts, MCP tools: "other".


def kind_of(tool: str) -> str:
    """The neutral kind of a Qwen Code tool ("other" for MCP tools and tools not known)."""
    return KINDS.get(tool, records.OTHER)
