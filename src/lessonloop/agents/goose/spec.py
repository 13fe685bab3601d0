"""Goose: what lessonloop knows of it before reading a line (core/agent_spec.py).

Its sessions are rows of one SQLite file, `sessions.db` in its data folder (`$GOOSE_PATH_ROOT/data`,
else `${XDG_DATA_HOME:-~/.local/share}/goose`; crates/goose/src/config/paths.rs); it has no hook
commands lessonloop installs. Lessons reach it by its hints file: Goose reads `.goosehints` from the
project's folder (and the folders up to the git root) in every version (goose-mcp's
developer/goose_hints, then crates/goose/src/hints/load_hints.rs, `GOOSE_HINTS_FILENAME`); newer
versions read AGENTS.md too (`get_context_filenames`: [".goosehints", "AGENTS.md"] unless
CONTEXT_FILE_NAMES says otherwise). `.goosehints` is the one every version reads.
"""

from __future__ import annotations

from lessonloop.core.agent_spec import AgentSpec, RulesFile

SPEC = AgentSpec(
    id="goose",
    folder="goose",
    name="Goose",
    rank=220,
    environment=("GOOSE_PATH_ROOT", "XDG_DATA_HOME"),
    rules=RulesFile(".goosehints"),
)
