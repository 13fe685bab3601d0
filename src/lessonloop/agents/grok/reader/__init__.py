"""Grok Build sessions (${GROK_HOME:-~/.grok}/sessions/<url-encoded folder>/<session id>/updates.jsonl):
discovery and parsing. docs/agents/grok-build.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.agents.grok.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, LineParser, PendingCall

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = SPEC.id
UPDATES = "grok-build-updates"


class GrokBuild(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (
        FileFormat(UPDATES, "a Grok Build session's update log (sessions/<folder>/<id>/updates.jsonl)", "lines"),
    )
    places = "${GROK_HOME:-~/.grok}/sessions/*/*"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.grok.reader import paths

        return paths

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.grok.reader import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.grok.reader import parser

        return parser.UpdatesParser(path, pending_calls=pending_calls, state=state)


ADAPTER = GrokBuild()
