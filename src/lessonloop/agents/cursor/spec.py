"""Cursor: what lessonloop knows of it before reading a line (core/agent_spec.py).

Hooks only (no reader yet): a first table from its documentation (docs/agents/cursor.md).
preToolUse covers every tool (beforeShellExecution and beforeMCPExecution would warn a second
time), postToolUse/postToolUseFailure every result (afterFileEdit would store an edit twice); stop
has nothing to do without a transcript: neither is installed.
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec

SPEC = AgentSpec(
    id="cursor",
    folder="cursor",
    name="Cursor",
    rank=140,
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
)
