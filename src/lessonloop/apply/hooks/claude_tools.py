"""Claude Code's tool names by their agent-neutral kind, for the hooks (which see Claude Code's
tool names, and match lessons by kind).

The same table as capture/claude_code/tools.py (tests/test_agent_neutral_lessons.py keeps them
equal): importing that package costs the hooks' start-up 10-20 ms (the adapter registry,
dataclasses, typing), more than their whole budget allows (docs/hooks.md).
"""

KINDS: dict[str, str] = {
    "Bash": "shell",
    "Read": "read",
    "NotebookRead": "read",
    "Edit": "edit",
    "MultiEdit": "edit",
    "NotebookEdit": "edit",
    "Write": "write",
    "Grep": "search",
    "Glob": "search",
    "LS": "search",
    "WebFetch": "fetch",
    "WebSearch": "fetch",
    "TodoWrite": "plan",
    "ExitPlanMode": "plan",
    "EnterPlanMode": "plan",
    "Task": "subagent",
    "Agent": "subagent",
}


def kind_of(tool: str) -> str:
    """The neutral kind of a Claude Code tool ("other" for MCP tools and tools not known)."""
    return KINDS.get(tool, "other")
