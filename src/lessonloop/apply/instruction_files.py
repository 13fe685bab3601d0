"""The file each agent reads its project instructions from, where `lessons export --format md`
puts the lessons section, and what else the person must do for the agent to read it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True, slots=True)
class InstructionFile:
    agents: tuple[str, ...]  # the agents (capture/agents.py ids) that read it
    name: str  # its file name, in the project's root folder
    hint: str | None = None  # a step the person must take before the agent reads it


AIDER_HINT = (
    "Aider reads CONVENTIONS.md only when told to: add `read: CONVENTIONS.md` to .aider.conf.yml "
    "(in the repository's root or your home folder), or start it with `aider --read CONVENTIONS.md`."
)

INSTRUCTION_FILES = (
    InstructionFile(("claude-code",), "CLAUDE.md"),
    InstructionFile(("codex", "opencode"), "AGENTS.md"),
    InstructionFile(("gemini",), "GEMINI.md"),
    InstructionFile(("aider",), "CONVENTIONS.md", AIDER_HINT),
)


def for_agent(agent: str) -> InstructionFile | None:
    """The instructions file `agent` reads, or None for an agent without one."""
    return next((file for file in INSTRUCTION_FILES if agent in file.agents), None)


def for_path(path: str) -> InstructionFile | None:
    """The agents' instructions file a path names (by its file name, case as the agents spell it)."""
    name = PurePath(path).name
    return next((file for file in INSTRUCTION_FILES if file.name == name), None)


def delivery_agents() -> list[str]:
    """Every agent an instructions file is known for, for --agent of `lessons export`."""
    return [agent for file in INSTRUCTION_FILES for agent in file.agents]
