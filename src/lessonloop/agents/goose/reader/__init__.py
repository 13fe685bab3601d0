"""Goose sessions: the rows of its SQLite file `sessions.db` in its data folder
(`$GOOSE_PATH_ROOT/data/sessions/`, else `${XDG_DATA_HOME:-~/.local/share}/goose/sessions/`), read
only, one unit per session. docs/agents/goose.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lessonloop.agents.goose.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = SPEC.id
DATABASE = "goose-db"


class Goose(Adapter):
    agent = AGENT
    name = SPEC.name
    # One SQLite file of every session, rewritten in place: each session a unit ("<file>#<id>").
    file_formats = (FileFormat(DATABASE, "a Goose session database (sessions.db)", "units"),)
    places = "sessions/sessions.db, read only, in $GOOSE_PATH_ROOT/data or ${XDG_DATA_HOME:-~/.local/share}/goose"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.goose.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "sessions.db"

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.goose.reader import sniff

        return sniff.SNIFFING

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.goose.reader import parser

        return parser.units(paths, problems)


ADAPTER = Goose()
