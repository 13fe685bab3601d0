"""One name per agent on the command line: the store's names (an agent's spec's `id`: claude-code,
qwen-code, kimi-code, mistral-vibe, ...) and the hooks' (its folder: claude, qwen, kimi, vibe, ...)
differ for some agents; each command takes either (core/agent_specs.py)."""

from __future__ import annotations

from lessonloop.core.agent_specs import hooks_names


def hooks_agent(given: str) -> str:
    """`--agent` of `hooks install|uninstall|status`: the store's name taken too."""
    value = given.strip()
    return hooks_names().get(value, value)


def store_agent(given: str) -> str:
    """`--agent` of the commands that read sessions: the hooks' name taken too."""
    value = given.strip()
    store = {hooks: store for store, hooks in hooks_names().items()}
    return store.get(value, value)
