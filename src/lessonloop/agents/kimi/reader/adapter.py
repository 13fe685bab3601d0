"""Kimi Code's adapter: its formats, places and readers, as capture/agents.py registers it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, LineParser, PendingCall

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

from lessonloop.agents.kimi.reader import AGENT, WIRE
from lessonloop.agents.kimi.spec import SPEC


class KimiCode(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (FileFormat(WIRE, "a Kimi Code session's wire log (agents/*/wire.jsonl)", "lines"),)
    places = "~/.kimi-code/sessions/*/*/agents/*"
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.agents.kimi.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "wire.jsonl"

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.kimi.reader import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.kimi.reader import parser

        return parser.WireParser(path, pending_calls=pending_calls, state=state)


ADAPTER = KimiCode()
