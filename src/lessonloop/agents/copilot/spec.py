"""Copilot CLI: what lessonloop knows of it before reading a line (core/agent_spec.py).

Checked end to end in the real-agent harness (tests/real_agents/): agentStop ends a turn (Stop,
with the events.jsonl to ingest).
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin

SPEC = AgentSpec(
    id="copilot",
    folder="copilot",
    name="Copilot CLI",
    rank=60,
    environment=("COPILOT_HOME",),
    hook_events={
        "sessionStart": "SessionStart",
        "userPromptSubmitted": "UserPromptSubmit",
        "preToolUse": "PreToolUse",
        "postToolUse": "PostToolUse",
        "postToolUseFailure": "PostToolUseFailure",
        "agentStop": "Stop",
        "sessionEnd": "SessionEnd",
    },
    cli=CliPin("npm", "@github/copilot", "copilot", "1.0.102"),
    windows_shell="powershell",
)
