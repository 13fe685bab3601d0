"""Claude Code transcripts (~/.claude/projects/**/*.jsonl): discovery and parsing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lessonloop.agents.claude.spec import SPEC
from lessonloop.capture.adapters import (
    Adapter,
    AgentPaths,
    FileFormat,
    LineParser,
    PendingCall,
)

if TYPE_CHECKING:
    from pathlib import Path

    from lessonloop.capture.sniffing import Sniffing
    from lessonloop.core.records import Problem

AGENT = SPEC.id


class ClaudeCode(Adapter):
    agent = AGENT
    name = SPEC.name
    file_formats = (
        FileFormat("claude-code", "a Claude Code transcript", "lines"),
        FileFormat("claude-code-history", "Claude Code's prompt history (history.jsonl)", None, transcript=False),
    )
    places = "~/.claude/projects, $CLAUDE_CONFIG_DIR/projects, ~/.config/claude/projects"
    hooks = SPEC.folder  # its name for `lessonloop hooks install --agent`

    def paths(self) -> AgentPaths:
        from lessonloop.agents.claude.reader import paths

        return paths

    def files_under(
        self,
        folders: list[Path],
        problems: list[Problem],
        *,
        others: list[str] | None = None,
        other_agents_file: Callable[[str], bool] | None = None,
    ) -> list[str]:
        from lessonloop.agents.claude.reader.paths import find_transcripts

        return find_transcripts(folders, problems, others=others, other_agents_file=other_agents_file)

    def sniffing(self) -> Sniffing:
        from lessonloop.agents.claude.reader import sniff

        return sniff.SNIFFING

    def open_parser(
        self, path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None
    ) -> LineParser:
        from lessonloop.agents.claude.reader import parser

        return parser.open_parser(path, format, pending_calls=pending_calls, state=state)


ADAPTER = ClaudeCode()
