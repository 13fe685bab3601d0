"""Claude Code's tools by their agent-neutral kind (records.TOOL_KINDS).

Migration m017 gave the calls stored before it the same kinds; the hooks, which see Claude Code's
tool names, ask `kind_of` too.
"""

from __future__ import annotations

from lessonloop import records

KINDS: dict[str, str] = {
    "Bash": records.SHELL,
    "Read": records.READ,
    "NotebookRead": records.READ,
    "Edit": records.EDIT,
    "MultiEdit": records.EDIT,
    "NotebookEdit": records.EDIT,
    "Write": records.WRITE,
    "Grep": records.SEARCH,
    "Glob": records.SEARCH,
    "LS": records.SEARCH,
    "WebFetch": records.FETCH,
    "WebSearch": records.FETCH,
    "TodoWrite": records.PLAN,
    "ExitPlanMode": records.PLAN,
    "EnterPlanMode": records.PLAN,
    "Task": records.SUBAGENT,
    "Agent": records.SUBAGENT,
}


def kind_of(tool: str) -> str:
    """The neutral kind of a Claude Code tool ("other" for MCP tools and tools not known)."""
    return KINDS.get(tool, records.OTHER)
