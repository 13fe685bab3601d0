"""GitHub Copilot CLI's adapter: its formats, places and readers, as capture/agents.py registers it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, LineParser, PendingCall

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

from lessonloop.agents.copilot.reader import AGENT
from lessonloop.agents.copilot.spec import SPEC


class Copilot(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (FileFormat("copilot-events", "a GitHub Copilot CLI session (events.jsonl)", "lines"),)
    places = "${COPILOT_HOME:-~/.copilot}/session-state/*/events.jsonl"
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.agents.copilot.reader import paths

        return paths

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.copilot.reader import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.copilot.reader import parser

        return parser.open_parser(path, format, pending_calls=pending_calls, state=state)


ADAPTER = Copilot()
