"""Claude Code: what lessonloop knows of it before reading a line (core/agent_spec.py)."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="claude-code",
    folder="claude",
    name="Claude Code",
    rank=10,
    environment=("CLAUDE_CONFIG_DIR",),
    hook_events={
        "SessionStart": "SessionStart",
        "UserPromptSubmit": "UserPromptSubmit",
        "PreToolUse": "PreToolUse",
        "PostToolUse": "PostToolUse",
        "PostToolUseFailure": "PostToolUseFailure",
        "Stop": "Stop",
        "SessionEnd": "SessionEnd",
    },
    cli=CliPin("npm", "@anthropic-ai/claude-code", "claude", "2.1.328"),
    windows_shell="posix",  # Git Bash
    default=True,
    edit_needs_read=True,  # "File has not been read yet. Read it first before writing to it."
    worktrees=(".claude/worktrees",),  # `claude --worktree NAME`, on branch worktree-NAME,
    rules=RulesFile("CLAUDE.md"),
)
