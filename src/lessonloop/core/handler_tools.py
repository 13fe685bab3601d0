"""The tool names the hook handlers speak, by their agent-neutral kind (records.TOOL_KINDS), in one
table: the default agent's (Claude Code's), whose payloads the handlers read as they are; every
other agent's hook adapter hands its calls under these names (agents/<agent>/hooks.py).

The capture adapter (agents/claude/reader/tools.py), the hooks (which see Claude Code's tool names
and match lessons by kind) and learning (triggers stored before m018 named Claude Code's tools)
all read it. It imports nothing: the hooks' start-up stays as it was. Migrations m017 and m018
wrote the same table into SQL as it stood then, and stay as they are.
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
    "TodoRead": "plan",  # (older versions; OpenCode's todoread is named so by its hook)
    # the task list that replaced TodoWrite in newer versions (tool_use names in their transcripts)
    "TaskCreate": "plan",
    "TaskUpdate": "plan",
    "TaskList": "plan",
    "TaskGet": "plan",
    "ExitPlanMode": "plan",
    "EnterPlanMode": "plan",
    "Task": "subagent",
    "Agent": "subagent",
}


def kind_of(tool: str) -> str:
    """The neutral kind of a Claude Code tool ("other" for MCP tools and tools not known)."""
    return KINDS.get(tool, "other")
