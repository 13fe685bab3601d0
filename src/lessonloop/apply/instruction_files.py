"""The file each agent reads its project instructions from, where `lessons export --format md`
puts the lessons section, and what else the person must do for the agent to read it: each
adapter's `instructions` and `instructions_hint` (capture/agents.py), one entry per file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from lessonloop.capture import agents


@dataclass(frozen=True, slots=True)
class InstructionFile:
    agents: tuple[str, ...]  # the agents (capture/agents.py ids) that read it
    name: str  # its file name, in the project's root folder
    hint: str | None = None  # a step the person must take before the agent reads it


def instruction_files() -> tuple[InstructionFile, ...]:
    """One entry per file, in the order of the first agent reading it in the registry; a file's
    hint is the first one its agents give."""
    readers: dict[str, list[str]] = {}
    hints: dict[str, str | None] = {}
    for adapter in agents.adapters():
        if adapter.instructions is not None:
            readers.setdefault(adapter.instructions, []).append(adapter.agent)
            hints[adapter.instructions] = hints.get(adapter.instructions) or adapter.instructions_hint
    return tuple(InstructionFile(tuple(agent_ids), name, hints[name]) for name, agent_ids in readers.items())


def for_agent(agent: str) -> InstructionFile | None:
    """The instructions file `agent` reads, or None for an agent without one."""
    return next((file for file in instruction_files() if agent in file.agents), None)


def for_path(path: str) -> InstructionFile | None:
    """The agents' instructions file a path names (by its file name, case as the agents spell it)."""
    name = PurePath(path).name
    return next((file for file in instruction_files() if file.name == name), None)


def delivery_agents() -> list[str]:
    """Every agent an instructions file is known for, for --agent of `lessons export`."""
    return [agent for file in instruction_files() for agent in file.agents]
