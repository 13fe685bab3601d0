"""Amp threads (${XDG_DATA_HOME:-~/.local/share}/amp/threads/T-<id>.json, or a thread Amp exported):
discovery and parsing. docs/agents/amp.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.agents.amp.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = SPEC.id
THREAD = "amp-thread"


class Amp(Adapter):
    agent = AGENT
    name = SPEC.name
    # One JSON document a thread, rewritten as it goes: read whole ("units").
    file_formats = (FileFormat(THREAD, "an Amp thread (threads/T-<id>.json, or `amp threads export`)", "units"),)
    places = "${XDG_DATA_HOME:-~/.local/share}/amp/threads"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.amp.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name.endswith(".json")

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.amp.reader import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.amp.reader import parser

        return parser.units(paths, problems)


ADAPTER = Amp()
