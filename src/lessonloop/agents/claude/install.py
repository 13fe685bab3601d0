"""Claude Code: `hooks` in its settings files. local: <project>/.claude/settings.local.json (not
committed), project: <project>/.claude/settings.json, user: ~/.claude/settings.json. Each event
holds matcher groups of `{"type": "command", "command", "timeout"}` entries (seconds)."""

from __future__ import annotations

import os
import sys

from lessonloop.agents.claude.spec import SPEC
from lessonloop.apply.hooks.install.files import Json
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, home

SHAPE = Shape(grouped=True)
PROJECT_SCOPE_NOTE = (
    "the project's .claude/settings.json is usually committed; its hook command names this machine's "
    "Python ({python}), so a teammate's hooks work only with lessonloop installed at that same path "
    "(elsewhere they do nothing, silently). `--scope local` keeps them yours."
)


def path(scope: str, root: str) -> str:
    if scope == "user":
        return os.path.join(home(), ".claude", "settings.json")
    return os.path.join(root, ".claude", "settings.local.json" if scope == "local" else "settings.json")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"type": "command", "command": command, "timeout": seconds}


def notes(scope: str, file: str, data: Json) -> list[str]:
    return [PROJECT_SCOPE_NOTE.format(python=sys.executable)] if scope == "project" else []


SETUP = HookSetup(
    name=SPEC.folder,
    label=SPEC.name,
    shape=SHAPE,
    scopes=("local", "project", "user"),
    default_scope="local",
    path=path,
    entry=entry,
    folder=lambda: os.path.join(home(), ".claude"),
    executables=("claude",),
    notes=notes,
    docs="claude-code.md",
    status_line=True,
)
