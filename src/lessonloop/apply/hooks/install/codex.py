"""Codex CLI: `hooks.json` next to a config layer (user: $CODEX_HOME, else ~/.codex; project:
<project>/.codex/), the shape codex-rs/config/src/hook_config.rs reads: {"hooks": {event: [matcher
groups of {"type": "command", "command", "timeout"} (seconds)]}}. Codex also reads `[hooks]`
tables of the same layer's config.toml: lessonloop reads them (status, "already installed") and
writes hooks.json only (Codex merges both, with a warning when both hold hooks)."""

from __future__ import annotations

import os
import sys

from lessonloop.apply.hooks.install.files import Json
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.spec import AgentSpec, home, teammates_note

SHAPE = Shape(grouped=True)
TRUST_NOTE = (
    "Codex runs a new or changed hook only once you have reviewed and trusted it: open /hooks in Codex "
    "and trust lessonloop's."
)
PROJECT_NOTE = "Codex loads a project's .codex/ hooks only when the project is trusted."


def folder() -> str:
    return os.environ.get("CODEX_HOME") or os.path.join(home(), ".codex")


def _layer(scope: str, root: str) -> str:
    return folder() if scope == "user" else os.path.join(root, ".codex")


def path(scope: str, root: str) -> str:
    return os.path.join(_layer(scope, root), "hooks.json")


def also_read(scope: str, root: str) -> list[str]:
    return [os.path.join(_layer(scope, root), "config.toml")]


def entry(event: str, command: str, seconds: int) -> Json:
    return {"type": "command", "command": command, "timeout": seconds}


def notes(scope: str, file: str, data: Json) -> list[str]:
    if scope == "user":
        return [TRUST_NOTE]
    return [TRUST_NOTE, PROJECT_NOTE, teammates_note(file, sys.executable)]


SPEC = AgentSpec(
    name="codex",
    label="Codex CLI",
    shape=SHAPE,
    scopes=("project", "user"),
    default_scope="project",
    path=path,
    entry=entry,
    folder=folder,
    executables=("codex",),
    also_read=also_read,
    notes=notes,
    docs="codex.md",
)
