"""Cursor: hooks.json (user: ~/.cursor/hooks.json, project: <project>/.cursor/hooks.json), as
cursor.com/docs/agent/hooks describes it: {"version": 1, "hooks": {event: [{"command",
"timeout"}]}}, the timeout in seconds, no matcher groups."""

from __future__ import annotations

import os
import sys

from lessonloop.agents.cursor.spec import SPEC
from lessonloop.apply.hooks.install.files import Json
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, home, teammates_note

SHAPE = Shape(grouped=False, base=(("version", 1),))


def path(scope: str, root: str) -> str:
    base = home() if scope == "user" else root
    return os.path.join(base, ".cursor", "hooks.json")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"command": command, "timeout": seconds}


def notes(scope: str, file: str, data: Json) -> list[str]:
    return [teammates_note(file, sys.executable)] if scope == "project" else []


SETUP = HookSetup(
    name=SPEC.folder,
    label=SPEC.name,
    shape=SHAPE,
    scopes=("project", "user"),
    default_scope="project",
    path=path,
    entry=entry,
    folder=lambda: os.path.join(home(), ".cursor"),
    executables=("cursor-agent", "cursor"),
    notes=notes,
    docs="cursor.md",
)
