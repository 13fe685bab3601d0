"""Cline CLI sessions (~/.cline/data/sessions/<id>/<id>.messages.json with <id>.json): discovery
and parsing. docs/agents/cline.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.agents.cline.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = SPEC.id
MESSAGES = "cline-messages"


class Cline(Adapter):
    agent = AGENT
    name = SPEC.name
    # Both files of a session are rewritten whole as it goes: read whole ("units").
    file_formats = (
        FileFormat(MESSAGES, "a Cline session's messages (sessions/<id>/<id>.messages.json)", "units"),
        FileFormat("cline-summary", "a Cline session's summary (sessions/<id>/<id>.json)", None, transcript=False),
    )
    places = "~/.cline/data/sessions/*"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.cline.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name.endswith(".json")

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.cline.reader import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.cline.reader import parser

        return parser.units(paths, problems)


ADAPTER = Cline()
