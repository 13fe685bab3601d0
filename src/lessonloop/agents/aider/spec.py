"""Aider: what lessonloop knows of it before reading a line (core/agent_spec.py)."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, RulesFile

SPEC = AgentSpec(
    id="aider",
    folder="aider",
    name="Aider",
    rank=40,
    environment=("AIDER_CHAT_HISTORY_FILE",),
    windows_shell="cmd",
    commit_tool="commit",  # its "> Commit <sha> <message>" lines, read as a `commit` call (reader/)
    rules=RulesFile(
        "CONVENTIONS.md",
        hint=(
            "Aider reads CONVENTIONS.md only when told to: add `read: CONVENTIONS.md` to .aider.conf.yml "
            "(in the repository's root or your home folder), or start it with `aider --read CONVENTIONS.md`."
        ),
    ),
)
