"""OpenClaw sessions (<state folder>/agents/<agent>/sessions/<session>.jsonl, and since OpenClaw
2026.8 <state folder>/agents/<agent>/agent/openclaw-agent.sqlite; the state folder is
$OPENCLAW_STATE_DIR or ~/.openclaw, or one of its former names): discovery; the entries are pi's
format, read by capture/pi_format/ (the database's rows by reader/database.py). docs/agents/openclaw.md."""

from __future__ import annotations

from typing import Any

from lessonloop.agents.openclaw.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, LineParser, PendingCall, Unit
from lessonloop.core.records import Problem

AGENT = SPEC.id
SESSION = "openclaw-session"
DATABASE = "openclaw-db"


class OpenClaw(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (
        FileFormat(SESSION, "an OpenClaw session (agents/<agent>/sessions/<id>.jsonl)", "lines"),
        FileFormat(DATABASE, "an OpenClaw session store (agents/<agent>/agent/openclaw-agent.sqlite)", "units"),
    )
    places = (
        "${OPENCLAW_STATE_DIR:-~/.openclaw}/agents/*/sessions/ and agents/*/agent/openclaw-agent.sqlite (read only)"
    )

    def paths(self) -> AgentPaths:
        from lessonloop.agents.openclaw.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        return name == "openclaw-agent.sqlite"

    # No sniffing rules: pi's format, told apart by its place alone (a file elsewhere is read as
    # pi's); its session store by its name.

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.openclaw.reader.tools import kind_of
        from lessonloop.capture.pi_format.parser import PiParser

        return PiParser(path, AGENT, kind_of, pending_calls=pending_calls, state=state)

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.openclaw.reader import database

        return database.units(paths, problems)


ADAPTER = OpenClaw()
