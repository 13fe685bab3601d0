"""OpenClaw's tools by their agent-neutral kind (pi's tools, its own, and a plugin's: "other"): one
table, read by its reader and by learning. Light."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

KINDS: dict[str, str] = {
    "bash": records.SHELL,
    "exec": records.SHELL,
    "process": records.SHELL,
    "read": records.READ,
    "edit": records.EDIT,
    "apply_patch": records.EDIT,
    "write": records.WRITE,
    "grep": records.SEARCH,
    "find": records.SEARCH,
    "ls": records.SEARCH,
    "web_search": records.FETCH,
    "web_fetch": records.FETCH,
    "browser": records.FETCH,
    "sessions_spawn": records.SUBAGENT,
}


def kind_of(tool: str) -> str:
    """The neutral kind of an OpenClaw tool ("other" for its plugins' tools and tools not known)."""
    return KINDS.get(tool, records.OTHER)
