"""Kilo Code CLI sessions (${XDG_DATA_HOME:-~/.local/share}/kilo/kilo.db): discovery; its database
has OpenCode's schema and is read by capture/opencode_format/, as OpenCode's. docs/agents/kilo.md."""

from __future__ import annotations

from lessonloop.agents.kilo.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

AGENT = SPEC.id
DATABASE = "kilo-db"


class Kilo(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (FileFormat(DATABASE, "a Kilo Code database (kilo.db)", "units"),)
    places = "kilo.db, read only, in ${XDG_DATA_HOME:-~/.local/share}/kilo"
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.agents.kilo.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "kilo.db"

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.capture.opencode_format import parser

        return parser.units("database", paths, problems, AGENT)


ADAPTER = Kilo()
