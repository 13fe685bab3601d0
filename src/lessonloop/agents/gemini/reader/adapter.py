"""Gemini CLI's adapter: its formats, places and readers, as capture/agents.py registers it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

from lessonloop.agents.gemini.reader import AGENT
from lessonloop.agents.gemini.spec import SPEC


class Gemini(Adapter):
    agent = AGENT
    name = SPEC.name
    # Both chat formats are read whole ("units"): Gemini CLI rewrites the JSON file on every update,
    # and a JSONL's `$rewindTo` lines and records rewritten by id change what earlier lines meant.
    file_formats = (
        FileFormat("gemini-chat", "a Gemini CLI chat (session-*.json)", "units"),
        FileFormat("gemini-chat-jsonl", "a Gemini CLI chat (session-*.jsonl)", "units"),
        FileFormat("gemini-logs", "Gemini CLI's prompt log (logs.json)", None, transcript=False),
    )
    places = "~/.gemini/tmp/*/chats"
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.agents.gemini.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name.endswith(".json")  # session-*.json (a *.jsonl chat is looked at anyway), logs.json

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.gemini.reader import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.gemini.reader import parser

        return parser.units(format, paths, problems)


ADAPTER = Gemini()
