"""Kimi Code's adapter: its formats, places and readers, as capture/agents.py registers it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, LineParser, PendingCall

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

from lessonloop.capture.kimi_code import AGENT, WIRE


class KimiCode(Adapter):
    agent = AGENT
    name = "Kimi Code"
    file_formats = (FileFormat(WIRE, "a Kimi Code session's wire log (agents/*/wire.jsonl)", "lines"),)
    places = "~/.kimi-code/sessions/*/*/agents/*"
    instructions = "AGENTS.md"
    hooks = "kimi"  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.capture.kimi_code import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "wire.jsonl"

    def sniffing(self) -> Sniffing:
        from lessonloop.capture.kimi_code import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.capture.kimi_code import parser

        return parser.WireParser(path, pending_calls=pending_calls, state=state)


ADAPTER = KimiCode()
