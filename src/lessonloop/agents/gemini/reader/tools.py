"""Gemini CLI's tools by their agent-neutral kind (records.TOOL_KINDS).

Names from Gemini CLI's packages/core/src/tools/tool-names.ts (and older names still found in
chats: search_file_content became grep_search; delegate_to_agent started sub-agents before they
were offered as tools of their own names).
"""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

SHELL_TOOL = "run_shell_command"
EDIT_TOOL = "replace"
WRITE_TOOL = "write_file"

KINDS: dict[str, str] = {
    SHELL_TOOL: records.SHELL,
    "read_file": records.READ,
    "read_many_files": records.READ,
    EDIT_TOOL: records.EDIT,
    "edit": records.EDIT,
    WRITE_TOOL: records.WRITE,
    "glob": records.SEARCH,
    "search_file_content": records.SEARCH,
    "grep_search": records.SEARCH,
    "grep": records.SEARCH,
    "list_directory": records.SEARCH,
    "web_fetch": records.FETCH,
    "google_web_search": records.FETCH,
    "write_todos": records.PLAN,
    "enter_plan_mode": records.PLAN,
    "exit_plan_mode": records.PLAN,
    "tracker_create_task": records.PLAN,
    "tracker_update_task": records.PLAN,
    "tracker_add_dependency": records.PLAN,
    "tracker_get_task": records.PLAN,
    "tracker_list_tasks": records.PLAN,
    "tracker_visualize": records.PLAN,
    "delegate_to_agent": records.SUBAGENT,
    "agent": records.SUBAGENT,  # agents/agent-tool.ts: one tool invoking any sub-agent (agent_name, prompt)
    "codebase_investigator": records.SUBAGENT,
    "cli_help": records.SUBAGENT,
    "generalist": records.SUBAGENT,  # agents/generalist-agent.ts
}
# save_memory (a fact appended to GEMINI.md), ask_user, activate_skill, get_internal_docs,
# update_topic, complete_task, read_mcp_resource, list_mcp_resources, MCP tools: "other".


def kind_of(tool: str) -> str:
    """The neutral kind of a Gemini CLI tool ("other" for MCP tools and tools not known)."""
    return KINDS.get(tool, records.OTHER)
