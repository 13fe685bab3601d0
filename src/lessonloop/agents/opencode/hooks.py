"""OpenCode's plugin hooks in Claude Code's terms: lessonloop's plugin (apply/hooks/kit/plugin_hooks.py
says what it sends and reads), with OpenCode's database as the transcript a turn's end queues:
$OPENCODE_DB (absolute, or in OpenCode's data folder), else opencode.db in $XDG_DATA_HOME/opencode
(~/.local/share/opencode). Checked with OpenCode 1.18.33 (docs/agents/opencode.md)."""

from __future__ import annotations

from lessonloop.apply.hooks.kit import plugin_hooks
from lessonloop.apply.hooks.kit.plugin_hooks import answer as answer
from lessonloop.apply.hooks.kit.plugin_hooks import call_of as call_of
from lessonloop.apply.hooks.kit.plugin_hooks import tool_call as tool_call

SESSION_START = plugin_hooks.SESSION_START


def database() -> str | None:
    """OpenCode's database, when it exists."""
    return plugin_hooks.database_in("opencode", "OPENCODE_DB", "opencode.db")


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    """The plugin's payload for `event` as the handlers read it (None: nothing lessonloop reads)."""
    return plugin_hooks.plugin_payload(event, raw, database)
