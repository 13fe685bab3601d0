"""Grok Build (xAI's coding CLI, its command `grok`; `grok-build` in the store): what lessonloop
knows of it before reading a line (core/agent_spec.py). lessonloop reads its sessions; it has no
hooks for it."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, RulesFile

SPEC = AgentSpec(
    id="grok-build",
    folder="grok",
    name="Grok Build",
    rank=200,
    environment=("GROK_HOME",),
    # Its project rules (user guide, 12-project-rules.md): Agents.md, Claude.md, CLAUDE.md,
    # CLAUDE.local.md, AGENT.md and AGENTS.md in every folder from the repository's root to the
    # working folder, each one read.
    rules=RulesFile("AGENTS.md"),
)
