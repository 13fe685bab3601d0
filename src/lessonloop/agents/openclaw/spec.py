"""OpenClaw (formerly Clawdbot and Moltbot): what lessonloop knows of it before reading a line
(core/agent_spec.py). Its transcripts are the pi coding agent's format (capture/pi_format/);
lessonloop reads them and has no hooks for it."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, RulesFile

SPEC = AgentSpec(
    id="openclaw",
    folder="openclaw",
    name="OpenClaw",
    rank=170,
    environment=("OPENCLAW_STATE_DIR", "CLAWDBOT_STATE_DIR"),
    rules=RulesFile("AGENTS.md"),  # a workspace's AGENTS.md is in the context of every session
)
