"""Factory Droid's adapter: its formats, places and readers, as capture/agents.py registers it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

from lessonloop.agents.droid.reader import AGENT, SESSION
from lessonloop.agents.droid.spec import SPEC


class Droid(Adapter):
    agent = AGENT
    name = SPEC.name
    # Read whole ("units"): a session's tokens are totals in the settings file beside its JSONL,
    # which Droid rewrites after every turn.
    file_formats = (FileFormat(SESSION, "a Factory Droid session (sessions/*/<id>.jsonl)", "units"),)
    places = "~/.factory/sessions/*"
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.agents.droid.reader import paths

        return paths

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.droid.reader import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.droid.reader import parser

        return parser.units(paths, problems)


ADAPTER = Droid()
