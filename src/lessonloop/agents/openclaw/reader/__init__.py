"""OpenClaw sessions (<state folder>/agents/<agent>/sessions/<session>.jsonl; the state folder is
$OPENCLAW_STATE_DIR or ~/.openclaw, or one of its former names): discovery; the files are pi's
format, read by capture/pi_format/. docs/agents/openclaw.md."""

from __future__ import annotations

from typing import Any

from lessonloop.agents.openclaw.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, LineParser, PendingCall

AGENT = SPEC.id
SESSION = "openclaw-session"


class OpenClaw(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (FileFormat(SESSION, "an OpenClaw session (agents/<agent>/sessions/<id>.jsonl)", "lines"),)
    places = "${OPENCLAW_STATE_DIR:-~/.openclaw}/agents/*/sessions/"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.openclaw.reader import paths

        return paths

    # No sniffing rules: pi's format, told apart by its place alone (a file elsewhere is read as pi's).

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.openclaw.reader.tools import kind_of
        from lessonloop.capture.pi_format.parser import PiParser

        return PiParser(path, AGENT, kind_of, pending_calls=pending_calls, state=state)


ADAPTER = OpenClaw()
