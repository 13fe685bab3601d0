"""Windsurf: what lessonloop knows of it (core/agent_spec.py). Neither read nor hooked: the lessons
learned from the other agents reach it through its rules file."""

from __future__ import annotations

from lessonloop.core.agent_spec import RULES_DESCRIPTION, AgentSpec, RulesFile, RulesForm

# Windsurf (Cascade) workspace rules (.windsurf/rules/*.md): trigger always_on | model_decision |
# glob | manual. A rules file is read up to 6,000 characters (12,000 per file in later versions of
# its documentation; 6,000 fits both).
WORKSPACE_RULES = RulesForm(
    "windsurf",
    ("trigger: always_on", f"description: {RULES_DESCRIPTION}"),
    max_chars=6000,
    agent_name="Windsurf",
    activation="trigger: always_on",
)

SPEC = AgentSpec(
    id="windsurf",
    folder="windsurf",
    name="Windsurf",
    rank=150,
    rules=RulesFile(".windsurf/rules/lessonloop.md", rules_folder=True, form=WORKSPACE_RULES),
)
