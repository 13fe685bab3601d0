"""Factory Droid's tools by their agent-neutral kind (records.TOOL_KINDS): names from the tools
its 0.215.0 binary offers the model."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

SHELL_TOOL = "Execute"

KINDS: dict[str, str] = {
    SHELL_TOOL: records.SHELL,
    "Read": records.READ,
    "Edit": records.EDIT,
    "MultiEdit": records.EDIT,
    "ApplyPatch": records.EDIT,
    "Create": records.WRITE,
    "Write": records.WRITE,
    "LS": records.SEARCH,
    "Grep": records.SEARCH,
    "Glob": records.SEARCH,
    "ToolSearch": records.SEARCH,
    "FetchUrl": records.FETCH,
    "WebSearch": records.FETCH,
    "TodoWrite": records.PLAN,
    "ExitSpecMode": records.PLAN,
    "Task": records.SUBAGENT,
}
# AskUser, Skill, GenerateDroid, MCP tools: "other".


def kind_of(tool: str) -> str:
    return KINDS.get(tool, records.OTHER)
