"""Kilo Code's plugin hooks in Claude Code's terms: those of OpenCode (apply/hooks/kit/plugin_hooks.py), of which
Kilo Code is a fork. Checked with Kilo Code CLI 7.7.7 running lessonloop's plugin
(install/opencode_plugin.js, installed by `lessonloop hooks install --agent kilo`), payloads recorded
in tests/agents/kilo/data/hook_payloads/: its hooks hand plugins what OpenCode 1.18.33's do (`chat.message`
{sessionID} / {message, parts}; `tool.execute.before` {tool, sessionID, callID} / {args};
`tool.execute.after` {tool, sessionID, callID, args} / {title, output, metadata: {output, exit,
description, truncated}}; the bus event `session.idle` {sessionID} at a turn's end), and treat a
throw in `tool.execute.before` as OpenCode does: the tool does not run, the model reads the Error's
message as the call's result. Kilo's own tools (`kilo_local_recall`, `board_post`,
`background_process`, ...) keep their names, as MCP tools do in OpenCode.

What differs is the transcript a turn's end queues for ingest: Kilo's database, `kilo.db` in
`$XDG_DATA_HOME/kilo` (~/.local/share/kilo; agents/kilo/reader/paths.py), or the file `$KILO_DB` names
(absolute, or in that folder). A database `$KILO_DB` names otherwise than kilo.db is not queued: the
ingest knows Kilo's database by its name and would read it as OpenCode's (`lessonloop ingest`, which
finds it through `$KILO_DB`, reads it as Kilo's).
"""

from __future__ import annotations

import os

from lessonloop.apply.hooks.kit import plugin_hooks
from lessonloop.apply.hooks.kit.answers import Call

NAME = "kilo.db"  # agents/kilo/reader/paths.py: a file of that name is Kilo's
tool_call = plugin_hooks.tool_call  # its tools are named as OpenCode's (agents/tool_view.py reads it)


def database() -> str | None:
    """Kilo's database, when it exists and the ingest will know it as Kilo's (its name, kilo.db)."""
    path = plugin_hooks.database_in("kilo", "KILO_DB", NAME)
    return path if path is not None and os.path.basename(path) == NAME else None


def payload(event: str, raw: dict[str, object]) -> dict[str, object] | None:
    """The plugin's payload for `event` as the handlers read it (None: nothing lessonloop reads)."""
    return plugin_hooks.plugin_payload(event, raw, database)


call_of = plugin_hooks.call_of


def answer(event: str, output: dict[str, object] | None, call: Call | None = None) -> tuple[str | None, int]:
    """The handler's answer as lessonloop's plugin reads it (apply/hooks/kit/plugin_hooks.py)."""
    return plugin_hooks.answer(event, output, call)
