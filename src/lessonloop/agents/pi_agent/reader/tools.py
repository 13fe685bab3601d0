"""pi's tools by their agent-neutral kind (its built-in tools: read, bash, edit, write, and the
read-only grep, find, ls; an extension's tools are "other"): one table, read by its reader and by
learning. Light."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

KINDS: dict[str, str] = {
    "bash": records.SHELL,
    "read": records.READ,
    "edit": records.EDIT,
    "write": records.WRITE,
    "grep": records.SEARCH,
    "find": records.SEARCH,
    "ls": records.SEARCH,
}


def kind_of(tool: str) -> str:
    """The neutral kind of a pi tool ("other" for an extension's tools and tools not known)."""
    return KINDS.get(tool, records.OTHER)
