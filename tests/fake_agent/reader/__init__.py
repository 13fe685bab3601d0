"""Fake Agent's reader: its adapter (found by the registry in agents/<agent>/reader/, or added by
`capture.agents.register`: tests/capture/test_adapter_registry.py), its paths, sniffing and parser.
Its imports of its own modules are relative: the folder is an agent's wherever it is put.

Fake Agent writes one JSONL log per session, `~/.fake-agent/logs/<session>.fakelog`:
    {"fake": 1, "event": "start", "session": "s1", "cwd": "/work/app", "at": "2025-01-02T03:04:05Z"}
    {"fake": 1, "event": "prompt", "text": "run the tests", "at": "..."}
    {"fake": 1, "event": "shell", "call": "c1", "command": "pytest -q", "exit": 1, "output": "...", "at": "..."}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.capture.adapters import Adapter, DiscoveryContext, FileFormat, Found, LineParser, PendingCall

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

AGENT = "fake-agent"
FORMAT = "fake-log"


class FakeAgent(Adapter):
    agent = AGENT
    name = "Fake Agent"
    file_formats = (FileFormat(FORMAT, "a Fake Agent log (*.fakelog)", "lines"),)
    places = "~/.fake-agent/logs"

    def discover(self, context: DiscoveryContext) -> list[Found]:
        from . import paths

        return paths.discover(context)

    def searched(self, context: DiscoveryContext) -> list[str]:
        from . import paths

        return [paths.logs_folder(context)]

    def may_hold(self, name: str) -> bool:
        return name.endswith(".fakelog")

    def sniffing(self) -> Sniffing:
        from . import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from . import parser

        return parser.FakeLogParser(path)


ADAPTER = FakeAgent()
