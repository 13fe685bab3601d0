"""Qwen Code: what lessonloop knows of it before reading a line (core/agent_spec.py).

A Gemini CLI fork with Claude Code's events and payloads under its own tool names, checked end to
end with the real CLI: a headless run ends with Stop only.
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="qwen-code",
    folder="qwen",
    name="Qwen Code",
    rank=70,
    environment=("QWEN_HOME", "QWEN_RUNTIME_DIR"),
    hook_events={
        "SessionStart": "SessionStart",
        "UserPromptSubmit": "UserPromptSubmit",
        "PreToolUse": "PreToolUse",
        "PostToolUse": "PostToolUse",
        "PostToolUseFailure": "PostToolUseFailure",
        "Stop": "Stop",
        "SessionEnd": "SessionEnd",
    },
    cli=CliPin("npm", "@qwen-code/qwen-code", "qwen", "0.24.4"),
    rules=RulesFile("QWEN.md"),
)
