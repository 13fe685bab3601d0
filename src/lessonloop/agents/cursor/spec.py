"""Cursor: what lessonloop knows of it before reading a line (core/agent_spec.py).

Its hooks, and a reader of the chats its editor keeps in its state databases (docs/agents/cursor.md).
preToolUse covers every tool (beforeShellExecution and beforeMCPExecution would warn a second
time), postToolUse/postToolUseFailure every result (afterFileEdit would store an edit twice); stop
has nothing to do without a transcript: neither is installed.
"""

from __future__ import annotations

from lessonloop.core.agent_spec import RULES_DESCRIPTION, AgentSpec, RulesFile, RulesForm

# Cursor project rules (.cursor/rules/*.mdc): description, globs and alwaysApply. Always applied: a
# lesson is needed before the mistake, when the agent does not know yet that it is relevant (an
# "agent requested" rule is read only when the model judges its description relevant).
CURSOR_RULES = RulesForm(
    "cursor",
    (f"description: {RULES_DESCRIPTION}", "globs:", "alwaysApply: true"),
    agent_name="Cursor",
    activation="alwaysApply: true",
)

SPEC = AgentSpec(
    id="cursor",
    folder="cursor",
    name="Cursor",
    rank=140,
    environment=("XDG_CONFIG_HOME", "APPDATA"),
    hook_events={
        "sessionStart": "SessionStart",
        "preToolUse": "PreToolUse",
        "beforeShellExecution": "PreToolUse",
        "beforeMCPExecution": "PreToolUse",
        "postToolUse": "PostToolUse",
        "postToolUseFailure": "PostToolUseFailure",
        "afterFileEdit": "PostToolUse",
        "stop": "Stop",
        "sessionEnd": "SessionEnd",
    },
    installed=("sessionStart", "preToolUse", "postToolUse", "postToolUseFailure", "sessionEnd"),
    windows_shell="powershell",
    rules=RulesFile(
        ".cursor/rules/lessonloop.mdc", rules_folder=True, form=CURSOR_RULES, endings=((".mdc", CURSOR_RULES),)
    ),
)
