"""Continue CLI: what lessonloop knows of it before reading a line (core/agent_spec.py)."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="continue",
    folder="continue_cli",
    name="Continue CLI",
    rank=100,
    environment=("CONTINUE_GLOBAL_DIR",),
    cli=CliPin("npm", "@continuedev/cli", "cn", "1.5.47"),
    rules=RulesFile("AGENTS.md"),
)
