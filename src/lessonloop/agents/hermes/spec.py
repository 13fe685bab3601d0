"""Hermes Agent: what lessonloop knows of it before reading a line (core/agent_spec.py).

Its sessions are rows of one SQLite file, `$HERMES_HOME/state.db` (default `~/.hermes`); it has no
hook commands lessonloop installs (its shell hooks run scripts per event, not checked here): lessons
reach it by the AGENTS.md it reads in the project's folder (agent/prompt_builder.py: `.hermes.md`
or `HERMES.md` first when there is one, then AGENTS.md, CLAUDE.md, .cursorrules).
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, CliPin, RulesFile

SPEC = AgentSpec(
    id="hermes",
    folder="hermes",
    name="Hermes Agent",
    rank=190,
    environment=("HERMES_HOME",),
    cli=CliPin("pypi", "hermes-agent", "hermes", "0.19.0"),
    rules=RulesFile("AGENTS.md"),
)
