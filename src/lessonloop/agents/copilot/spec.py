"""Copilot CLI: what lessonloop knows of it before reading a line (core/agent_spec.py).

Checked end to end in the real-agent harness (tests/real_agents/): agentStop ends a turn (Stop,
with the events.jsonl to ingest).
"""

from __future__ import annotations

from lessonloop.core.agent_spec import RULES_DESCRIPTION, AgentSpec, CliPin, RulesFile, RulesForm

# GitHub Copilot path-specific instructions (.github/instructions/NAME.instructions.md): applyTo
# globs ("**": every file), an optional description.
PATH_INSTRUCTIONS = RulesForm(
    "copilot-path",
    ('applyTo: "**"', f"description: {RULES_DESCRIPTION}"),
    agent_name="Copilot",
    activation='applyTo: "**"',
)

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
    rules=RulesFile(
        ".github/copilot-instructions.md",
        hint=(
            "Copilot reads .github/copilot-instructions.md in every request of the repository (VS Code, "
            "JetBrains, Visual Studio, github.com, Copilot CLI). For a file of its own instead, with front matter "
            'applyTo: "**": --to .github/instructions/lessonloop.instructions.md'
        ),
        endings=((".instructions.md", PATH_INSTRUCTIONS),),
    ),
)
