"""Codebuff chats (~/.config/manicode{,-dev,-staging}/projects/<project>/chats/<chat id>/
chat-messages.json with run-state.json): discovery and parsing. docs/agents/codebuff.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.agents.codebuff.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = SPEC.id
CHAT = "codebuff-chat"


class Codebuff(Adapter):
    agent = AGENT
    name = SPEC.name
    # A chat's two files are rewritten whole after every turn: read whole ("units").
    file_formats = (
        FileFormat(CHAT, "a Codebuff chat (projects/<project>/chats/<id>/chat-messages.json)", "units"),
        FileFormat("codebuff-run-state", "a Codebuff chat's run state (run-state.json)", None, transcript=False),
        FileFormat("codebuff-messages", "an older Codebuff chat (messages.json, its npm-app)", None),
    )
    places = "~/.config/manicode/projects/*/chats"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.codebuff.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "chat-messages.json"

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.codebuff.reader import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.codebuff.reader import parser

        return parser.units(paths, problems)


ADAPTER = Codebuff()
