"""OpenCode: what lessonloop knows of it before reading a line (core/agent_spec.py).

No command hooks: lessonloop's own plugin runs the command (apply/hooks/kit/plugin_hooks.py);
`session.start` is lessonloop's name for a session's first `chat.message`.
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="opencode",
    folder="opencode",
    name="OpenCode",
    rank=50,
    environment=("OPENCODE_DB", "XDG_DATA_HOME"),
    hook_events={
        "session.start": "SessionStart",
        "chat.message": "UserPromptSubmit",
        "tool.execute.before": "PreToolUse",
        "tool.execute.after": "PostToolUse",
        "session.idle": "Stop",
    },
    cli=CliPin("npm", "opencode-ai", "opencode", "1.18.33"),
    windows_shell="posix",
    rules=RulesFile("AGENTS.md"),
)
