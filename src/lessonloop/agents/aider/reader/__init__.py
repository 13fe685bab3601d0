"""Aider chat histories (.aider.chat.history.md): discovery and parsing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.agents.aider.spec import SPEC
from lessonloop.capture.adapters import (
    Adapter,
    AgentPaths,
    FileFormat,
    LineParser,
    PendingCall,
)

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = SPEC.id
FORMAT = "aider-chat-history"


class Aider(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (
        FileFormat(FORMAT, "an Aider chat history (.aider.chat.history.md)", "lines", grows_only=True),
        FileFormat("aider-input-history", "Aider's input history (.aider.input.history)", None, transcript=False),
    )
    places = ".aider.chat.history.md in the projects the store knows and in the config's capture.paths"
    places_in_projects = True
    call_times = False

    def paths(self) -> AgentPaths:
        from lessonloop.agents.aider.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name.endswith((".md", ".history"))  # its chat history, its input history

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.aider.reader import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.aider.reader import parser

        return parser.open_parser(path, format, pending_calls=pending_calls, state=state)


ADAPTER = Aider()
