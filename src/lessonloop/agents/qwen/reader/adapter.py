"""Qwen Code's adapter: its formats, places and readers, as capture/agents.py registers it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, LineParser, PendingCall

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

from lessonloop.agents.qwen.reader import AGENT, CHAT
from lessonloop.agents.qwen.spec import SPEC


class QwenCode(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (FileFormat(CHAT, "a Qwen Code chat (projects/*/chats/*.jsonl)", "lines"),)
    places = "~/.qwen/projects/*/chats"
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.agents.qwen.reader import paths

        return paths

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.qwen.reader import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.qwen.reader import parser

        return parser.QwenChatParser(path, pending_calls=pending_calls, state=state)


ADAPTER = QwenCode()
