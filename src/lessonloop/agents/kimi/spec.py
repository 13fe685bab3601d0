"""Kimi Code: what lessonloop knows of it before reading a line (core/agent_spec.py).

Claude Code's event names in `[[hooks]]` of its config.toml, but it reads a context only from
UserPromptSubmit and a deny from PreToolUse; its PostToolUseFailure's `error` is the failed call's
text.
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="kimi-code",
    folder="kimi",
    name="Kimi Code",
    rank=90,
    environment=("KIMI_CODE_HOME",),
    hook_events={
        "SessionStart": "SessionStart",
        "UserPromptSubmit": "UserPromptSubmit",
        "PreToolUse": "PreToolUse",
        "PostToolUse": "PostToolUse",
        "PostToolUseFailure": "PostToolUseFailure",
        "Stop": "Stop",
        "SessionEnd": "SessionEnd",
    },
    cli=CliPin("npm", "@moonshot-ai/kimi-code", "kimi", "2.1.0"),
    rules=RulesFile("AGENTS.md"),
)
