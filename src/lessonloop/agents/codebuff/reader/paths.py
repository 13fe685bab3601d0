"""Where Codebuff keeps its chats: `~/.config/manicode/projects/<project>/chats/<chat id>/`, one
folder a chat, holding `chat-messages.json` (what its screen showed) and `run-state.json` (the
SDK's run state: the folder, the model's messages). `<project>` is the base name of the project's
folder; the chat's id is the time it started (`2026-01-02T03-04-05.000Z`). Builds for Codebuff's
other environments use `manicode-dev` and `manicode-staging` (cli/src/utils/config-dir.ts); no
variable of Codebuff's moves them. ccusage 20 reads `$CODEBUFF_DATA_DIR` instead when it is set
(comma-separated folders, each a `manicode*` folder or its `projects/`): so does lessonloop.
Codebuff's older CLI (npm-app) wrote `messages.json` in the same folders: recognized, not read."""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

CHAT = "codebuff-chat"
MESSAGES = "chat-messages.json"
RUN_STATE = "run-state.json"
CHANNELS = ("manicode", "manicode-dev", "manicode-staging")


def projects_folders(environ: Mapping[str, str], home: str) -> list[str]:
    """The `projects/` folders chats are under: $CODEBUFF_DATA_DIR's, else the three channels'."""
    named = [p.strip() for p in environ.get("CODEBUFF_DATA_DIR", "").split(",") if p.strip()]
    roots = [os.path.expanduser(p) for p in named] or [os.path.join(home, ".config", c) for c in CHANNELS]
    folders = [r if os.path.basename(os.path.normpath(r)) == "projects" else os.path.join(r, "projects") for r in roots]
    return list(dict.fromkeys(folders))


def searched(context: DiscoveryContext) -> list[str]:
    return projects_folders(context.environ, context.home)


def _folders(path: str) -> list[str]:
    try:
        return sorted(entry.name for entry in os.scandir(path) if entry.is_dir())
    except OSError:
        return []


def discover(context: DiscoveryContext) -> list[Found]:
    found: list[Found] = []
    for projects in searched(context):
        for project in _folders(projects):
            chats = os.path.join(projects, project, "chats")
            for chat in _folders(chats):
                messages = os.path.join(chats, chat, MESSAGES)
                if os.path.isfile(messages):
                    found.append(Found(messages, CHAT))
    return found


def claims(path: str) -> str | None:
    """A chat's files where Codebuff keeps them (.../manicode*/projects/<p>/chats/<id>/<file>)."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) < 7 or parts[-3] != "chats" or parts[-5] != "projects" or not parts[-6].startswith("manicode"):
        return None
    return {MESSAGES: CHAT, RUN_STATE: "codebuff-run-state", "messages.json": "codebuff-messages"}.get(parts[-1])


def run_state_of(path: str) -> str:
    """The run state beside a chat's messages."""
    return os.path.join(os.path.dirname(path), RUN_STATE)


def chat_id(path: str) -> str:
    """The chat's id, as ccusage names its session: `<channel>/<project>/<chat id>` from the path
    (the channel: the folder `projects/` is in)."""
    chat_folder = os.path.dirname(os.path.abspath(path))
    project_folder = os.path.dirname(os.path.dirname(chat_folder))
    channel = os.path.basename(os.path.dirname(os.path.dirname(project_folder)))
    names = (
        channel or "manicode",
        os.path.basename(project_folder) or "unknown",
        os.path.basename(chat_folder) or "unknown",
    )
    return "/".join(names)
