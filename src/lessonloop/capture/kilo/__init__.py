"""Kilo Code CLI sessions (${XDG_DATA_HOME:-~/.local/share}/kilo/kilo.db): discovery; its database
has OpenCode's schema and is read by capture/opencode_format/, as OpenCode's. docs/agents/kilo.md."""

from __future__ import annotations

from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

AGENT = "kilo"
DATABASE = "kilo-db"


class Kilo(Adapter):
    agent = AGENT
    name = "Kilo Code"
    file_formats = (FileFormat(DATABASE, "a Kilo Code database (kilo.db)", "units"),)
    places = "kilo.db, read only, in ${XDG_DATA_HOME:-~/.local/share}/kilo"
    instructions = "AGENTS.md"
    hooks = "kilo"  # lessonloop's plugin (apply/hooks/install/kilo.py): `hooks install --agent kilo`

    def paths(self) -> AgentPaths:
        from lessonloop.capture.kilo import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "kilo.db"

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.capture.opencode_format import parser

        return parser.units("database", paths, problems, AGENT)


ADAPTER = Kilo()
