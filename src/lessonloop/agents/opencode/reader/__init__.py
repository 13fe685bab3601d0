"""OpenCode sessions: its SQLite file (opencode.db) and the legacy storage/ JSON tree, read by
capture/opencode_format/ (which Kilo Code's adapter shares)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.agents.opencode.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = SPEC.id


class OpenCode(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (
        FileFormat("opencode-storage", "OpenCode session storage (storage/*/*.json)", "units"),
        FileFormat("opencode-db", "an OpenCode database (opencode.db)", "units"),
    )
    places = "opencode.db, read only, and storage/ in ${XDG_DATA_HOME:-~/.local/share}/opencode"
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.agents.opencode.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name.endswith(".json") or name == "opencode.db"  # storage/*/*.json

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.opencode.reader import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.capture.opencode_format import parser

        return parser.units("storage" if format == "opencode-storage" else "database", paths, problems, AGENT)


ADAPTER = OpenCode()
