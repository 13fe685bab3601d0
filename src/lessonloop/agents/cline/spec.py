"""Cline CLI: what lessonloop knows of it before reading a line (core/agent_spec.py)."""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="cline",
    folder="cline",
    name="Cline CLI",
    rank=110,
    environment=("CLINE_DATA_DIR", "CLINE_DIR", "CLINE_SESSION_DATA_DIR"),
    cli=CliPin("npm", "cline", "cline", "3.0.65"),
    rules=RulesFile(".clinerules/lessonloop.md", rules_folder=True, folder_may_be_file=True),
)
