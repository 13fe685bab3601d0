"""Every agent lessonloop reads: the registry of adapters (capture/adapters.py), found by agent or
by format. Discovery, sniffing (capture/sniffer.py), ingest's help, the instructions files
(apply/instruction_files.py) and --agent all read it.

An agent's reader is the reader/ of its folder (agents/<agent>/), found by its spec
(core/agent_specs.py): nothing here names one (docs/adding-an-agent.md).
"""

from __future__ import annotations

from lessonloop.capture.adapters import Adapter
from lessonloop.core.agent_spec import AgentSpec
from lessonloop.core.agent_specs import default_spec, has_part, part, specs


def _adapter(spec: AgentSpec) -> Adapter:
    """The adapter of an agent's reader (agents/<agent>/reader/): its ADAPTER, in the reader's
    __init__ or, for a reader whose __init__ the hooks read (names only), in its adapter.py."""
    reader = part(spec, "reader")
    found = getattr(reader, "ADAPTER", None)
    if found is None:
        found = getattr(part(spec, "reader.adapter"), "ADAPTER", None)
    if not isinstance(found, Adapter):
        raise TypeError(f"{reader.__name__}: no ADAPTER, an Adapter, in the reader or its adapter.py")
    if found.agent != spec.id:
        raise TypeError(f"{reader.__name__}: its adapter reads {found.agent!r}, its spec is {spec.id!r}'s")
    return found


# Every agent with a reader, in its spec's rank: the order discovery searches their places in (and
# ingest's summary lists them).
ADAPTERS: tuple[Adapter, ...] = tuple(_adapter(spec) for spec in specs() if has_part(spec, "reader"))

# The default agent's (its spec's `default`): it walks folders given to ingest, and its first
# format is a *.jsonl's when nothing else tells (sniffing claims it for no agent).
DEFAULT: Adapter = next(adapter for adapter in ADAPTERS if adapter.agent == default_spec().id)
DEFAULT_FORMAT: str = next(iter(DEFAULT.formats))

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
