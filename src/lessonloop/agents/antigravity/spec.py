"""Google Antigravity (its CLI `agy`, its ACP server and its IDE; `antigravity` in the store): what
lessonloop knows of it before reading a line (core/agent_spec.py). lessonloop reads the
conversations' transcripts it mirrors under ~/.gemini, and their tokens from its conversation
databases; it has no hooks for it."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, RulesFile

SPEC = AgentSpec(
    id="antigravity",
    folder="antigravity",
    name="Antigravity",
    rank=210,
    # $GEMINI_HOME is the whole ~/.gemini folder (pond's agy adapter: the ACP server's paths.py
    # resolves <GEMINI_HOME>/antigravity-acp/). Gemini CLI's own variable is GEMINI_CLI_HOME.
    environment=("GEMINI_HOME",),
    # Antigravity reads GEMINI.md and, since 1.20.3, AGENTS.md in the workspace's root (and rules
    # in .agents/rules/); agy reads the workspace's AGENTS.md. AGENTS.md: read by both, and not
    # Gemini CLI's own file (docs/agents/antigravity.md, "Rules").
    rules=RulesFile("AGENTS.md"),
)
