"""ZCode (Z.ai's desktop coding app and its bundled CLI, GLM models): what lessonloop knows of it
before reading a line (core/agent_spec.py).

Its sessions are read from its one SQLite database (reader/). No hooks: ZCode has Claude Code-like
hooks, not checked here. Rules file: AGENTS.md, on third-party evidence only (ZCode's own docs
were not found): ZCode's agent definitions (`.zcode/agents/*.md`, seen in public repositories)
carry an `injectAgentsMd` flag that makes an agent read the project's AGENTS.md.
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, RulesFile

SPEC = AgentSpec(
    id="zcode",
    folder="zcode",
    name="ZCode",
    rank=240,
    environment=("ZCODE_HOME",),
    rules=RulesFile("AGENTS.md"),
)
