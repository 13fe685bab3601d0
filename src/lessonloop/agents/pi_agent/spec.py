"""The pi coding agent (pi-mono's `@mariozechner/pi-coding-agent`, its command `pi`; `pi-agent` in
the store): what lessonloop knows of it before reading a line (core/agent_spec.py). lessonloop reads
its sessions; it has no hooks."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="pi-agent",
    folder="pi_agent",
    name="pi coding agent",
    rank=160,
    environment=("PI_CODING_AGENT_DIR", "PI_CODING_AGENT_SESSION_DIR"),
    cli=CliPin("npm", "@mariozechner/pi-coding-agent", "pi", "0.73.1"),
    rules=RulesFile("AGENTS.md"),  # pi reads AGENTS.md (or CLAUDE.md) from the folder up to the root
)
