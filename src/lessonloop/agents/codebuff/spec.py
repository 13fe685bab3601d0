"""Codebuff (CodebuffAI/codebuff, its command `codebuff`; its data folder keeps its old name,
manicode): what lessonloop knows of it before reading a line (core/agent_spec.py). lessonloop reads
the chats Codebuff keeps on this machine; it has no hooks for it."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, RulesFile

SPEC = AgentSpec(
    id="codebuff",
    folder="codebuff",
    name="Codebuff",
    rank=230,
    # Codebuff itself has no variable that moves its folder (its build picks manicode, -dev or
    # -staging); ccusage 20 reads its chats from $CODEBUFF_DATA_DIR when set, and so does lessonloop.
    environment=("CODEBUFF_DATA_DIR",),
    # Codebuff reads one of knowledge.md > AGENTS.md > CLAUDE.md per folder, and every
    # *.knowledge.md besides (sdk/src/impl/knowledge-files.ts): a file of lessonloop's own that
    # shadows none of the project's.
    rules=RulesFile("lessonloop.knowledge.md"),
)
