"""The name a hook gives a tool its adapter names no Claude Code tool for: Claude Code's tool of the
kind the agent's transcript reader gives it (capture/<agent>/tools.py). One table per agent, its
reader's, decides a tool's kind for the reader, for learning and for the hook (issue 80, item 2):
Qwen Code's `exec` is a shell call to both, Gemini CLI's `enter_plan_mode` a plan to both. A tool
its reader does not know (an MCP tool, a new one) keeps its name, of kind "other" to both.

Imports nothing: the hooks read it.
"""

from __future__ import annotations

# Claude Code's tool for each neutral kind (core/handler_tools.py gives each its kind back).
BY_KIND = {
    "shell": "Bash",
    "read": "Read",
    "edit": "Edit",
    "write": "Write",
    "search": "Grep",
    "fetch": "WebFetch",
    "plan": "TodoWrite",
    "subagent": "Task",
}


def claude_name(own: str | None, reader_kind: str) -> str | None:
    """`own` (the adapter's Claude Code name for the tool), else Claude Code's tool of the kind
    its reader gives it; None when neither (a tool of kind "other": it keeps its name)."""
    return own or BY_KIND.get(reader_kind)
