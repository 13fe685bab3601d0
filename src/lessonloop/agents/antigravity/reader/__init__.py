"""Antigravity conversations: the transcripts it mirrors in
${GEMINI_HOME:-~/.gemini}/<lane>/brain/<uuid>/.system_generated/logs/ (lines), and the tokens of
its conversation databases <lane>/conversations/<uuid>.db (a unit each, read only): discovery and
parsing. docs/agents/antigravity.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.agents.antigravity.spec import SPEC
from lessonloop.capture.adapters import Adapter, AgentPaths, FileFormat, LineParser, PendingCall, Unit

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing
    from lessonloop.core.records import Problem

AGENT = SPEC.id
TRANSCRIPT = "antigravity-transcript"
DATABASE = "antigravity-db"


class Antigravity(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (
        FileFormat(
            TRANSCRIPT,
            "an Antigravity conversation's transcript (brain/<uuid>/.system_generated/logs/transcript_full.jsonl)",
            "lines",
        ),
        FileFormat(
            "antigravity-transcript-copy",
            "a copy of an Antigravity transcript read from its other file (transcript.jsonl beside transcript_full)",
            None,
            transcript=False,
        ),
        FileFormat("antigravity-history", "Antigravity's prompt history (history.jsonl)", None, transcript=False),
        # A conversation's database, rewritten in place: its tokens, a unit ("<file>#<uuid>").
        FileFormat(DATABASE, "an Antigravity conversation database (conversations/<uuid>.db)", "units"),
    )
    places = "${GEMINI_HOME:-~/.gemini}/antigravity{-cli,-acp,}/brain/* and conversations/*.db (read only)"

    def paths(self) -> AgentPaths:
        from lessonloop.agents.antigravity.reader import paths

        return paths

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.antigravity.reader import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.antigravity.reader import parser

        return parser.TranscriptParser(path, pending_calls=pending_calls, state=state)

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.antigravity.reader import usage

        return usage.units(paths, problems)


ADAPTER = Antigravity()
