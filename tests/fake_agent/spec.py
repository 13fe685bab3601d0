"""Fake Agent: what lessonloop knows of it before reading a line (core/agent_spec.py)."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, RulesFile

SPEC = AgentSpec(
    id="fake-agent",
    folder="fake_agent",
    name="Fake Agent",
    rank=1000,
    environment=("FAKE_AGENT_HOME",),
    hook_events={
        "before_call": "PreToolUse",
        "after_call": "PostToolUse",
        "turn_end": "Stop",
    },
    rules=RulesFile("FAKE.md"),
)
