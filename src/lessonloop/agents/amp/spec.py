"""Amp (Sourcegraph's coding agent, its command `amp`): what lessonloop knows of it before reading a
line (core/agent_spec.py). lessonloop reads the threads Amp keeps on this machine; it has no hooks
for it."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, RulesFile

SPEC = AgentSpec(
    id="amp",
    folder="amp",
    name="Amp",
    rank=180,
    environment=("XDG_DATA_HOME",),
    rules=RulesFile("AGENTS.md"),  # Amp reads AGENTS.md from the folder up to the root
)
