"""Kimi Code's tools by their agent-neutral kind (its tools snapshot names them; the rest are
"other"): one table, read by its reader, learning and its hook adapter (agents/kimi/hooks.py).
Light: the hooks read it."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

KINDS: dict[str, str] = {
    "Bash": records.SHELL,
    "Read": records.READ,
    "ReadMediaFile": records.READ,
    "Edit": records.EDIT,
    "MultiEdit": records.EDIT,
    "Write": records.WRITE,
    "Glob": records.SEARCH,
    "Grep": records.SEARCH,
    "WebFetch": records.FETCH,
    "WebSearch": records.FETCH,
    "TodoWrite": records.PLAN,
    "ExitPlanMode": records.PLAN,
    "Agent": records.SUBAGENT,
}


def kind_of(tool: str) -> str:
    """The neutral kind of a Kimi Code tool ("other" for MCP tools and tools not known)."""
    return KINDS.get(tool, records.OTHER)
