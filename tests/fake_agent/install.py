"""Fake Agent's hook file: <project>/.fake-agent/hooks.json (user: ~/.fake-agent/hooks.json),
{"hooks": {event: [{"command", "timeout"}]}}."""

from __future__ import annotations

import os

from lessonloop.apply.hooks.install.files import Json
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, home

from .spec import SPEC

SHAPE = Shape(grouped=False)


def path(scope: str, root: str) -> str:
    return os.path.join(home() if scope == "user" else root, ".fake-agent", "hooks.json")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"command": command, "timeout": seconds}


SETUP = HookSetup(
    name=SPEC.folder,
    label=SPEC.name,
    shape=SHAPE,
    scopes=("project", "user"),
    default_scope="project",
    path=path,
    entry=entry,
    folder=lambda: os.path.join(home(), ".fake-agent"),
    executables=("fake-agent",),
)
