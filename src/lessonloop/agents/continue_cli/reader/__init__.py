"""Continue CLI sessions (~/.continue/sessions/<id>.json): discovery and parsing.
docs/agents/continue.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.agents.continue_cli.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = SPEC.id
SESSION = "continue-session"


class ContinueCli(Adapter):
    agent = AGENT
    name = SPEC.name
    # One JSON document a session, rewritten as it goes: read whole ("units").
    file_formats = (
        FileFormat(SESSION, "a Continue CLI session (sessions/<id>.json)", "units"),
        FileFormat("continue-index", "Continue CLI's list of sessions (sessions.json)", None, transcript=False),
    )
    places = "~/.continue/sessions"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.continue_cli.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name.endswith(".json")

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.continue_cli.reader import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.continue_cli.reader import parser

        return parser.units(paths, problems)


ADAPTER = ContinueCli()
