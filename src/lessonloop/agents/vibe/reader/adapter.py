"""Mistral Vibe's adapter: its formats, places and readers, as capture/agents.py registers it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

from lessonloop.agents.vibe.reader import AGENT, JOURNAL, LEGACY, SESSION
from lessonloop.agents.vibe.spec import SPEC


class MistralVibe(Adapter):
    agent = AGENT
    name = SPEC.name
    # Read whole ("units"): a session is a folder Vibe rewrites as it goes (a new generation of its
    # store after every turn, the older ones deleted), found by its meta.json.
    file_formats = (
        FileFormat(SESSION, "a Mistral Vibe session (logs/session/unified/<id>/meta.json)", "units"),
        FileFormat(
            JOURNAL, "a Mistral Vibe session's recovery journal (read through its meta.json)", None, transcript=False
        ),
        FileFormat(LEGACY, "a Mistral Vibe session of before 3.0 (logs/session/session_*/)", None),
    )
    places = "~/.vibe/logs/session/unified/*"
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.agents.vibe.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "meta.json"

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.vibe.reader import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.vibe.reader import parser

        return parser.units(paths, problems)


ADAPTER = MistralVibe()
