"""Every agent lessonloop reads: its adapter (capture/adapters.py), found by agent or by format.

Adding an agent is a folder under capture/ of the same shape and one line here.
"""

from __future__ import annotations

from lessonloop.capture.adapters import Adapter
from lessonloop.capture.aider import ADAPTER as AIDER
from lessonloop.capture.claude_code import ADAPTER as CLAUDE_CODE
from lessonloop.capture.codex import ADAPTER as CODEX
from lessonloop.capture.gemini import ADAPTER as GEMINI
from lessonloop.capture.opencode import ADAPTER as OPENCODE

ADAPTERS: tuple[Adapter, ...] = (CLAUDE_CODE, CODEX, GEMINI, AIDER, OPENCODE)

_BY_AGENT = {adapter.agent: adapter for adapter in ADAPTERS}
_BY_FORMAT = {fmt: adapter for adapter in ADAPTERS for fmt in adapter.formats}


def by_agent(agent: str) -> Adapter | None:
    return _BY_AGENT.get(agent)


def for_format(format: str) -> Adapter | None:
    """The adapter that reads files of this format, or None (a format only recognized)."""
    return _BY_FORMAT.get(format)


def agents_without_call_times() -> list[str]:
    """The agents whose records' times are spread from their session's start (Adapter.call_times)."""
    return [adapter.agent for adapter in ADAPTERS if not adapter.call_times]


def agents() -> list[str]:
    """The ids of every agent read, for --agent."""
    return [adapter.agent for adapter in ADAPTERS]
