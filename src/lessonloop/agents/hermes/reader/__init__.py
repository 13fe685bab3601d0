"""Hermes Agent sessions: the rows of its SQLite file `$HERMES_HOME/state.db` (default
~/.hermes/state.db, and one per profile in ~/.hermes/profiles/<name>/), read only, one unit per
session. docs/agents/hermes.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.agents.hermes.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = SPEC.id
DATABASE = "hermes-db"


class Hermes(Adapter):
    agent = AGENT
    name = SPEC.name
    # One SQLite file of every session, rewritten in place: each session a unit ("<file>#<id>").
    file_formats = (FileFormat(DATABASE, "a Hermes Agent database (state.db)", "units"),)
    places = "state.db, read only, in ${HERMES_HOME:-~/.hermes} and ~/.hermes/profiles/*"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.hermes.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "state.db"

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.hermes.reader import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.hermes.reader import parser

        return parser.units(paths, problems)


ADAPTER = Hermes()
