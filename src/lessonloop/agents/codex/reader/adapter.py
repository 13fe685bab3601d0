"""Codex CLI's adapter: its formats, places and readers, as capture/agents.py registers it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lessonloop.capture.adapters import (
    Adapter,
    AgentPaths,
    FileFormat,
    LineParser,
    PendingCall,
    Unit,
)
from lessonloop.core.records import Problem

if TYPE_CHECKING:
    from lessonloop.capture.sniffing import Sniffing

from lessonloop.agents.codex.reader import AGENT
from lessonloop.agents.codex.spec import SPEC


class Codex(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (
        FileFormat("codex-rollout", "a Codex CLI rollout", "lines"),
        FileFormat("codex-rollout-zst", "a Codex CLI rollout compressed with zstd (.jsonl.zst)", "units"),
        FileFormat("codex-rollout-json", "a rollout of the TypeScript Codex CLI (rollout-*.json)", "units"),
        FileFormat("codex-history", "Codex CLI's prompt history (history.jsonl)", None, transcript=False),
    )
    places = "${CODEX_HOME:-~/.codex}/sessions and archived_sessions"
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.agents.codex.reader import paths

        return paths

    def may_hold(self, name: str) -> bool:
        # Compressed rollouts (*.jsonl.zst), the TypeScript CLI's rollout-*.json.
        return name.endswith((".jsonl.zst", ".json"))

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.codex.reader import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.codex.reader import parser

        return parser.open_parser(path, format, pending_calls=pending_calls, state=state)

    def units(self, format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
        from lessonloop.agents.codex.reader import parser

        return parser.units(format, paths, problems)


ADAPTER = Codex()
