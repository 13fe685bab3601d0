"""pi sessions (${PI_CODING_AGENT_DIR:-~/.pi/agent}/sessions/--<folder>--/<time>_<uuid>.jsonl):
discovery; the files are read by capture/pi_format/. docs/agents/pi-agent.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.agents.pi_agent.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, LineParser, PendingCall

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = SPEC.id
SESSION = "pi-session"


class Pi(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (FileFormat(SESSION, "a pi session (sessions/--<folder>--/<time>_<id>.jsonl)", "lines"),)
    places = "${PI_CODING_AGENT_DIR:-~/.pi/agent}/sessions/--<folder>--/, $PI_CODING_AGENT_SESSION_DIR"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.pi_agent.reader import paths

        return paths

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.pi_agent.reader import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.pi_agent.reader.tools import kind_of
        from lessonloop.capture.pi_format.parser import PiParser

        return PiParser(path, AGENT, kind_of, pending_calls=pending_calls, state=state)


ADAPTER = Pi()
