"""Factory Droid: what lessonloop knows of it before reading a line (core/agent_spec.py).

Claude Code's events and answers under its own tool names: no PostToolUseFailure (a failed call
has no post-call hook), no UserPromptSubmit in `droid exec`.
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="droid",
    folder="droid",
    name="Factory Droid",
    rank=80,
    hook_events={
        "SessionStart": "SessionStart",
        "UserPromptSubmit": "UserPromptSubmit",
        "PreToolUse": "PreToolUse",
        "PostToolUse": "PostToolUse",
        "Stop": "Stop",
        "SessionEnd": "SessionEnd",
    },
    cli=CliPin("npm", "droid", "droid", "0.215.0"),
    rules=RulesFile("AGENTS.md"),
)
