"""ZCode's tool names -> the neutral kinds (core/tool_kinds.py).

ZCode names its tools as Claude Code does (`Bash`, `Read`, `Write`, `Edit`, `Glob`, `Grep`,
`WebFetch`, `WebSearch`, `TodoWrite`, `Agent`, ...: its tool parts and its agent definitions'
`tools:` lists, seen in third-party readers' fixtures and public `.zcode/agents/*.md` files), not
as OpenCode, whose tables it keeps; OpenCode's lower-case names are kept too, for an older
database. Names are compared without case; MCP tools (`mcp__<server>__<tool>`) and ZCode's own
(`Skill`, `AskUserQuestion`, `TaskOutput`, `Workflow`, ...) are "other"."""

from __future__ import annotations

from lessonloop.core import tool_kinds as kinds

KINDS: dict[str, str] = {
    "bash": kinds.SHELL,
    "read": kinds.READ,
    "notebookread": kinds.READ,
    "edit": kinds.EDIT,
    "multiedit": kinds.EDIT,
    "notebookedit": kinds.EDIT,
    "apply_patch": kinds.EDIT,
    "patch": kinds.EDIT,
    "write": kinds.WRITE,
    "glob": kinds.SEARCH,
    "grep": kinds.SEARCH,
    "ls": kinds.SEARCH,
    "list": kinds.SEARCH,
    "webfetch": kinds.FETCH,
    "websearch": kinds.FETCH,
    "todowrite": kinds.PLAN,
    "todoread": kinds.PLAN,
    "enterplanmode": kinds.PLAN,
    "exitplanmode": kinds.PLAN,
    "agent": kinds.SUBAGENT,
    "task": kinds.SUBAGENT,
}


def kind_of(tool: str) -> str:
    """The neutral kind of a ZCode tool ("other" for MCP tools and tools not known)."""
    return KINDS.get(tool.lower(), kinds.OTHER)
