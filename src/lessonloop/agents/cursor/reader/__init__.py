"""Cursor's chats in its editor's state databases (`<Cursor user folder>/globalStorage/state.vscdb`,
and `workspaceStorage/<id>/state.vscdb` of each folder opened): discovery and parsing.
docs/agents/cursor.md."""

from __future__ import annotations

from lessonloop.agents.cursor.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

AGENT = SPEC.id
GLOBAL = "cursor-global-state"
WORKSPACE = "cursor-workspace-state"


class CursorChats(Adapter):
    agent = AGENT
    name = SPEC.name
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`
    # SQLite databases the editor rewrites: read as units (a conversation each, for the global one).
    file_formats = (
        FileFormat(GLOBAL, "Cursor's global state database (User/globalStorage/state.vscdb)", "units"),
        FileFormat(WORKSPACE, "a Cursor workspace's state database (User/workspaceStorage/<id>/state.vscdb)", "units"),
    )
    places = "${XDG_CONFIG_HOME:-~/.config}/Cursor/User/{globalStorage,workspaceStorage/*}/state.vscdb"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.cursor.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "state.vscdb"  # then claimed by its place (a Cursor user folder's) or not read

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.cursor.reader import database

        return database.units(format, paths, problems)


ADAPTER = CursorChats()
