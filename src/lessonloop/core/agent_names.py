"""One name per agent on the command line: the store's names (capture/agents.py: claude-code,
codex, gemini, copilot, opencode, aider, qwen-code, droid, kimi-code, mistral-vibe) and the hooks' (apply/hooks/agents:
claude, codex, gemini, cursor, copilot, opencode, qwen, droid, kimi) differ for Claude Code, Qwen Code
and Kimi Code; each command takes either. Stdlib only, no imports: the command line's parsers read it."""

from __future__ import annotations

# the store's name -> the hooks' name, where they differ
HOOKS_NAME = {"claude-code": "claude", "qwen-code": "qwen", "kimi-code": "kimi", "mistral-vibe": "vibe"}
# the hooks' name -> the store's name, where they differ
STORE_NAME = {hooks: store for store, hooks in HOOKS_NAME.items()}


def hooks_agent(given: str) -> str:
    """`--agent` of `hooks install|uninstall|status`: the store's name taken too."""
    value = given.strip()
    return HOOKS_NAME.get(value, value)


def store_agent(given: str) -> str:
    """`--agent` of the commands that read sessions: the hooks' name taken too."""
    value = given.strip()
    return STORE_NAME.get(value, value)
