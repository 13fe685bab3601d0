"""Factory Droid's adapter: its formats, places and readers, as capture/agents.py registers it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

from lessonloop.capture.droid import AGENT, SESSION


class Droid(Adapter):
    agent = AGENT
    name = "Factory Droid"
    # Read whole ("units"): a session's tokens are totals in the settings file beside its JSONL,
    # which Droid rewrites after every turn.
    file_formats = (FileFormat(SESSION, "a Factory Droid session (sessions/*/<id>.jsonl)", "units"),)
    places = "~/.factory/sessions/*"
    instructions = "AGENTS.md"
    hooks = "droid"  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.capture.droid import paths

        return paths

    def sniffing(self) -> Sniffing:
        from lessonloop.capture.droid import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.capture.droid import parser

        return parser.units(paths, problems)


ADAPTER = Droid()
