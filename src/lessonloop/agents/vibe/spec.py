"""Mistral Vibe: what lessonloop knows of it before reading a line (core/agent_spec.py).

Three events in its hooks.toml: pre_tool, post_tool (a failed call's too) and post_agent (a
turn's end); none at a session's start or a prompt.
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="mistral-vibe",
    folder="vibe",
    name="Mistral Vibe",
    rank=130,
    environment=("VIBE_HOME", "VIBE_SESSION_LOGGING__SAVE_DIR"),
    hook_events={
        "pre_tool": "PreToolUse",
        "post_tool": "PostToolUse",
        "post_agent": "Stop",
    },
    cli=CliPin("pypi", "mistral-vibe", "vibe", "3.0.2"),
    rules=RulesFile("AGENTS.md"),  # read in a folder the person trusted (docs/agents/mistral-vibe.md)
)
