"""Codex CLI: what lessonloop knows of it before reading a line (core/agent_spec.py).

Its hooks checked against its source (docs/agents/codex.md: the commits read): no session-end
event (Stop, after every turn, queues the rollout for ingest); PreToolUse and PostToolUse cover its
shell tools (`Bash`), apply_patch and MCP tools.
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="codex",
    folder="codex",
    name="Codex CLI",
    rank=20,
    environment=("CODEX_HOME",),
    hook_events={
        "SessionStart": "SessionStart",
        "UserPromptSubmit": "UserPromptSubmit",
        "PreToolUse": "PreToolUse",
        "PostToolUse": "PostToolUse",
        "Stop": "Stop",
    },
    cli=CliPin("npm", "@openai/codex", "codex", "0.169.0"),
    windows_shell="powershell",
    rules=RulesFile("AGENTS.md"),
)
