"""Kilo Code: what lessonloop knows of it before reading a line (core/agent_spec.py).

An OpenCode fork: the same plugin, its hooks the same as OpenCode's, checked end to end in the
real-agent harness: only the database a turn's end queues differs (hooks.py).
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="kilo",
    folder="kilo",
    name="Kilo Code",
    rank=120,
    environment=("KILO_DB", "XDG_DATA_HOME"),
    hook_events={
        "session.start": "SessionStart",
        "chat.message": "UserPromptSubmit",
        "tool.execute.before": "PreToolUse",
        "tool.execute.after": "PostToolUse",
        "session.idle": "Stop",
    },
    cli=CliPin("npm", "@kilocode/cli", "kilo", "7.7.7"),
    rules=RulesFile("AGENTS.md"),
)
