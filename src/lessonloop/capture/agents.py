"""Every agent lessonloop reads: the registry of adapters (capture/adapters.py), found by agent or
by format. Discovery, sniffing (capture/sniffer.py), ingest's help, the instructions files
(apply/instruction_files.py) and --agent all read it.

Adding an agent is a folder under capture/ of the same shape and one line in ADAPTERS
(docs/adding-an-agent.md).
"""

from __future__ import annotations

from lessonloop.capture.adapters import Adapter
from lessonloop.capture.aider import ADAPTER as AIDER
from lessonloop.capture.claude_code import ADAPTER as CLAUDE_CODE
from lessonloop.capture.cline import ADAPTER as CLINE
from lessonloop.capture.codex.adapter import ADAPTER as CODEX
from lessonloop.capture.continue_cli import ADAPTER as CONTINUE
from lessonloop.capture.copilot.adapter import ADAPTER as COPILOT
from lessonloop.capture.droid.adapter import ADAPTER as DROID
from lessonloop.capture.gemini.adapter import ADAPTER as GEMINI
from lessonloop.capture.kilo import ADAPTER as KILO
from lessonloop.capture.kimi_code.adapter import ADAPTER as KIMI_CODE
from lessonloop.capture.mistral_vibe.adapter import ADAPTER as MISTRAL_VIBE
from lessonloop.capture.opencode import ADAPTER as OPENCODE
from lessonloop.capture.qwen_code.adapter import ADAPTER as QWEN_CODE

# In this order discovery searches their places (and lists them in ingest's summary).
ADAPTERS: tuple[Adapter, ...] = (
    CLAUDE_CODE,
    CODEX,
    GEMINI,
    AIDER,
    OPENCODE,
    COPILOT,
    QWEN_CODE,
    DROID,
    KIMI_CODE,
    CONTINUE,
    CLINE,
    KILO,
    MISTRAL_VIBE,
)

_all: tuple[Adapter, ...] = ADAPTERS  # ADAPTERS and the ones `register` added
_by_agent = {adapter.agent: adapter for adapter in _all}
_by_format = {fmt: adapter for adapter in _all for fmt in adapter.formats}


def adapters() -> tuple[Adapter, ...]:
    """Every adapter: ADAPTERS, then those registered (one tuple until the next `register`)."""
    return _all


def register(adapter: Adapter) -> None:
    """Add an adapter after the others (an agent's folder outside lessonloop: a test's fake one).
    This process only: ingest's worker processes (pipeline/parallel_parse.py) leave its files to it."""
    _reset((*_all, adapter))


def unregister(adapter: Adapter) -> None:
    """Remove an adapter `register` added."""
    _reset(tuple(a for a in _all if a is not adapter))


def _reset(every: tuple[Adapter, ...]) -> None:
    global _all, _by_agent, _by_format
    _all = every
    _by_agent = {adapter.agent: adapter for adapter in every}
    _by_format = {fmt: adapter for adapter in every for fmt in adapter.formats}


def by_agent(agent: str) -> Adapter | None:
    return _by_agent.get(agent)


def for_format(format: str) -> Adapter | None:
    """The adapter that reads files of this format, or None (a format only recognized)."""
    return _by_format.get(format)


def agents_without_call_times() -> list[str]:
    """The agents whose records' times are spread from their session's start (Adapter.call_times)."""
    return [adapter.agent for adapter in _all if not adapter.call_times]


def agents() -> list[str]:
    """The ids of every agent read, for --agent."""
    return [adapter.agent for adapter in _all]


def places_in_words() -> str:
    """Where ingest looks without PATHS, for its help: "Claude Code (~/.claude/projects, ...), ...
    and Aider (...)", the agents whose files are in the projects' folders last."""
    listed = sorted(_all, key=lambda adapter: adapter.places_in_projects)
    named = [f"{adapter.name} ({adapter.places})" for adapter in listed]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
