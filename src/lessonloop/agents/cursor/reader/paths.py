"""Where Cursor keeps its chats: its editor's user folder (`${XDG_CONFIG_HOME:-~/.config}/Cursor/User`
on Linux, `~/Library/Application Support/Cursor/User` on macOS, `%APPDATA%\\Cursor\\User` on
Windows), in SQLite databases: `globalStorage/state.vscdb` (every conversation since 2025, in its
`cursorDiskKV` table) and `workspaceStorage/<id>/state.vscdb`, one per folder opened, with
`workspace.json` beside it naming the folder (the conversations of Cursor 0.4x and before, and
which conversations belong to the folder). Not read: the Cursor CLI's `~/.cursor/chats/*/*/store.db`
and its `agent-transcripts` (docs/agents/cursor.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

GLOBAL = "cursor-global-state"
WORKSPACE = "cursor-workspace-state"
DATABASE = "state.vscdb"


def user_folders(environ: Mapping[str, str], home: str) -> list[str]:
    """Cursor's user folders: its config folder's on Linux, macOS's and Windows'."""
    config = os.path.expanduser(environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config"))
    folders = [
        os.path.join(config, "Cursor", "User"),
        os.path.join(home, ".config", "Cursor", "User"),
        os.path.join(home, "Library", "Application Support", "Cursor", "User"),
    ]
    if environ.get("APPDATA"):
        folders.append(os.path.join(environ["APPDATA"], "Cursor", "User"))
    return list(dict.fromkeys(folders))


def searched(context: DiscoveryContext) -> list[str]:
    return user_folders(context.environ, context.home)


def discover(context: DiscoveryContext) -> list[Found]:
    found: list[Found] = []
    for user in searched(context):
        workspaces = os.path.join(user, "workspaceStorage")
        try:
            names = sorted(entry.name for entry in os.scandir(workspaces) if entry.is_dir())
        except OSError:
            names = []
        for name in names:
            path = os.path.join(workspaces, name, DATABASE)
            if os.path.isfile(path):
                found.append(Found(path, WORKSPACE))
        path = os.path.join(user, "globalStorage", DATABASE)
        if os.path.isfile(path):
            found.append(Found(path, GLOBAL))  # after the workspaces: a conversation's folder is theirs
    return found


def claims(path: str) -> str | None:
    """A state database in a Cursor user folder (.../Cursor/User/globalStorage/state.vscdb or
    .../Cursor/User/workspaceStorage/<id>/state.vscdb); None elsewhere (VS Code's and Windsurf's
    are not Cursor's)."""
    parts = os.path.abspath(path).split(os.sep)
    if parts[-1] != DATABASE:
        return None
    if len(parts) >= 4 and parts[-2] == "globalStorage" and parts[-3] == "User" and parts[-4] == "Cursor":
        return GLOBAL
    if len(parts) >= 5 and parts[-3] == "workspaceStorage" and parts[-4] == "User" and parts[-5] == "Cursor":
        return WORKSPACE
    return None


def workspace_folders(global_database: str) -> list[str]:
    """The workspace databases beside a global one (its user folder's workspaceStorage/*/)."""
    workspaces = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(global_database))), "workspaceStorage")
    try:
        return sorted(entry.path for entry in os.scandir(workspaces) if entry.is_dir())
    except OSError:
        return []
