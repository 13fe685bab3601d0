"""ZCode sessions (${ZCODE_HOME:-~/.zcode}/cli/db/db.sqlite): discovery; its database has
OpenCode's tables and is read by capture/opencode_format/, with ZCode's tool names, prompt kinds
and tokens (sessions.py). docs/agents/zcode.md."""

from __future__ import annotations

from lessonloop.agents.zcode.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, Unit
from lessonloop.core.records import Problem

AGENT = SPEC.id
DATABASE = "zcode-db"


class ZCode(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (FileFormat(DATABASE, "a ZCode database (cli/db/db.sqlite)", "units"),)
    places = "cli/db/db.sqlite, read only, in ${ZCODE_HOME:-~/.zcode}"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.zcode.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "db.sqlite"  # ZCode's when at <root>/cli/db/ (paths.claims)

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.zcode.reader import sessions

        return sessions.units(paths, problems)


ADAPTER = ZCode()
