"""Hermes Agent's tools by their agent-neutral kind (the names its tools register, tools/*.py of
hermes-agent 0.19.0: `registry.register(name=...)`); any other tool (browser, memory, skills,
kanban, MCP servers' tools) is "other". One table, read by its reader and by learning. Light."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

KINDS: dict[str, str] = {
    "terminal": records.SHELL,  # {command, background, timeout, workdir, pty}
    "read_file": records.READ,  # {path, offset, limit}
    "patch": records.EDIT,  # {mode: replace|patch, path, old_string, new_string, patch}
    "write_file": records.WRITE,  # {path, content}
    "search_files": records.SEARCH,  # {pattern, target: content|files, path, file_glob}
    "web_search": records.FETCH,
    "web_extract": records.FETCH,
    "browser_navigate": records.FETCH,
    "todo": records.PLAN,
    "delegate_task": records.SUBAGENT,
}


def kind_of(tool: str) -> str:
    """The neutral kind of a Hermes tool ("other" for the tools not in the table)."""
    return KINDS.get(tool, records.OTHER)
