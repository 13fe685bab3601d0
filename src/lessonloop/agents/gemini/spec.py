"""Gemini CLI: what lessonloop knows of it before reading a line (core/agent_spec.py).

Its hooks checked against its source (docs/agents/gemini.md): AfterAgent ends a turn (Stop),
SessionEnd the session (it does not wait for the hook).
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="gemini",
    folder="gemini",
    name="Gemini CLI",
    rank=30,
    environment=("GEMINI_CLI_HOME",),
    hook_events={
        "SessionStart": "SessionStart",
        "BeforeAgent": "UserPromptSubmit",
        "BeforeTool": "PreToolUse",
        "AfterTool": "PostToolUse",
        "AfterAgent": "Stop",
        "SessionEnd": "SessionEnd",
    },
    cli=CliPin("npm", "@google/gemini-cli", "gemini", "0.61.0"),
    windows_shell="powershell",
    rules=RulesFile("GEMINI.md"),
)
