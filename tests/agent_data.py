"""Each agent's recorded fixtures, in its own folder of tests: tests/agents/<agent>/data/ holds what
its real CLI wrote (transcripts, a home folder as the CLI left it) and hook_payloads/, the payloads
its hooks sent (<event>.json). <agent> is the agent's folder (agents/<agent>/ in the package)."""

from __future__ import annotations

from pathlib import Path

AGENTS_TESTS = Path(__file__).resolve().parent / "agents"


def agent_data(folder: str) -> Path:
    """tests/agents/<folder>/data/."""
    return AGENTS_TESTS / folder / "data"


def hook_payloads(folder: str) -> Path:
    """The payloads the agent's hooks sent, one <event>.json each."""
    return agent_data(folder) / "hook_payloads"


def every_hook_payload() -> list[tuple[str, Path]]:
    """(agent, payload file) of every agent's recorded hook payloads."""
    return [(path.parents[2].name, path) for path in sorted(AGENTS_TESTS.glob("*/data/hook_payloads/*.json"))]
