"""Codebuff's tools by their agent-neutral kind (common/src/tools/constants.ts's toolNames; a
custom tool or an MCP server's: "other"): one table, read by its reader and by learning. Light."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

KINDS: dict[str, str] = {
    "run_terminal_command": records.SHELL,
    "read_files": records.READ,
    "read_subtree": records.READ,
    "read_outline": records.READ,
    "read_slices": records.READ,
    "read_image": records.READ,
    "read_logs": records.READ,
    "read_proposal_workspace": records.READ,
    "str_replace": records.EDIT,
    "propose_str_replace": records.EDIT,
    "apply_patch": records.EDIT,
    "apply_smart_patch": records.EDIT,
    "edit_transaction": records.EDIT,
    "propose_edit_transaction": records.EDIT,
    "replace_range": records.EDIT,
    "rewrite_symbol": records.EDIT,
    "write_file": records.WRITE,
    "propose_write_file": records.WRITE,
    "code_search": records.SEARCH,
    "find_files": records.SEARCH,
    "find_files_matching_content": records.SEARCH,
    "glob": records.SEARCH,
    "list_directory": records.SEARCH,
    "query_index": records.SEARCH,
    "web_search": records.FETCH,
    "read_docs": records.FETCH,
    "create_plan": records.PLAN,
    "add_subgoal": records.PLAN,
    "update_subgoal": records.PLAN,
    "update_plan_status": records.PLAN,
    "write_todos": records.PLAN,
    "spawn_agents": records.SUBAGENT,
    "spawn_agents_async": records.SUBAGENT,
    "spawn_agent_inline": records.SUBAGENT,
}


def kind_of(tool: str) -> str:
    """The neutral kind of a Codebuff tool ("other" for tools not known: add_message, end_turn,
    think_deeply, ask_user, set_output, ...)."""
    return KINDS.get(tool, records.OTHER)
