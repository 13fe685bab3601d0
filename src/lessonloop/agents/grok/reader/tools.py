"""Grok Build's tools by their agent-neutral kind (records.TOOL_KINDS): the names its models call
(`_meta["x.ai/tool"].name` of a call), from grok-build's crates/codegen/xai-grok-tools (its own
toolsets grok_build, grok_build_concise and grok_build_hashline, and the Codex and OpenCode
toolsets it can run instead; `run_terminal_cmd` reaches the client as `run_terminal_command`). One
table, read by its reader. Light."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

KINDS: dict[str, str] = {
    "run_terminal_command": records.SHELL,
    "run_terminal_cmd": records.SHELL,
    "bash": records.SHELL,
    "read_file": records.READ,
    "read": records.READ,
    "hashline_read": records.READ,
    "search_replace": records.EDIT,
    "edit": records.EDIT,
    "hashline_edit": records.EDIT,
    "apply_patch": records.EDIT,
    "write": records.WRITE,
    "grep": records.SEARCH,
    "grep_files": records.SEARCH,
    "hashline_grep": records.SEARCH,
    "glob": records.SEARCH,
    "list_dir": records.SEARCH,
    "lsp": records.SEARCH,
    "web_search": records.FETCH,
    "web_fetch": records.FETCH,
    "x_search": records.FETCH,
    "todo_write": records.PLAN,
    "todowrite": records.PLAN,
    "enter_plan_mode": records.PLAN,
    "exit_plan_mode": records.PLAN,
    "task": records.SUBAGENT,
}
# get_task_output, wait_tasks, kill_task, kill_terminal_command, get_terminal_command_output,
# monitor, ask_user_question, memory_search, memory_get, skill, image_gen, image_edit, *_video,
# scheduler_*, update_goal, workflow, deploy_app, use_tool, search_tool, MCP tools: "other".

SHELL_TOOLS = frozenset(name for name, kind in KINDS.items() if kind == records.SHELL)


def kind_of(tool: str) -> str:
    """The neutral kind of a Grok Build tool ("other" for MCP tools and tools not known)."""
    return KINDS.get(tool, records.OTHER)
