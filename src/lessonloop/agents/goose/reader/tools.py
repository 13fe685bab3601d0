"""Goose's tools by their agent-neutral kind. One table, read by its reader and by learning. Light.

A tool's name in a session is `<extension>__<tool>` (the extension manager's prefix): the developer
extension's `developer__shell`, `developer__text_editor` (its `command`: view, write, str_replace,
insert, undo_edit), `developer__list_windows`, `developer__screen_capture`,
`developer__image_processor`, `developer__analyze` (goose-mcp/src/developer/); the newer built-in
developer extension's `write`, `edit`, `shell`, `tree`, `web_fetch`
(crates/goose/src/agents/platform_extensions/developer/mod.rs), which newer versions also show
without the prefix; `todo__todo_write`; sub-agents by `dynamic_task__create_task`,
`subagent__execute_task` and the summon extension's `delegate`; `platform__*` and
`extensionmanager__*` manage extensions, resources and schedules. Any other MCP extension's tool
(`<extension>__<tool>`) is "other"."""

from __future__ import annotations

from typing import Any

from lessonloop.core import tool_kinds as records

DEVELOPER: dict[str, str] = {  # the developer extension's tools, by their name without the prefix
    "shell": records.SHELL,  # {command, timeout_secs}
    "text_editor": records.EDIT,  # {command, path, file_text, old_str, new_str, insert_line, view_range}
    "write": records.WRITE,  # {path, content}
    "edit": records.EDIT,  # {path, before, after}
    "tree": records.SEARCH,  # {path, depth}
    "analyze": records.SEARCH,  # {path, focus, ...}: a code structure's summary
    "web_fetch": records.FETCH,  # {url, save_as}
    "image_processor": records.READ,  # {path}
}
KINDS: dict[str, str] = {
    "todo__todo_write": records.PLAN,  # {content}
    "dynamic_task__create_task": records.SUBAGENT,
    "subagent__execute_task": records.SUBAGENT,
    "summon__delegate": records.SUBAGENT,  # {instructions, source, ...}
    "computercontroller__web_search": records.FETCH,
    "computercontroller__web_scrape": records.FETCH,
}
EDITOR_COMMANDS: dict[str, str] = {  # developer__text_editor's command -> its kind
    "view": records.READ,
    "write": records.WRITE,
    "str_replace": records.EDIT,
    "insert": records.EDIT,
    "undo_edit": records.EDIT,
}


def developer_tool(tool: str) -> str | None:
    """The developer extension's tool a name is (`developer__shell` or `shell`), else None."""
    bare = tool.removeprefix("developer__")
    return bare if bare in DEVELOPER else None


def kind_of(tool: str, arguments: Any = None) -> str:
    """The neutral kind of a Goose tool ("other" for the tools not in the table); the text
    editor's by its `command` when the arguments are given."""
    if tool in KINDS:
        return KINDS[tool]
    bare = developer_tool(tool)
    if bare is None:
        return records.OTHER
    if bare == "text_editor" and isinstance(arguments, dict):
        return EDITOR_COMMANDS.get(str(arguments.get("command")), records.EDIT)
    return DEVELOPER[bare]
