"""Gemini CLI: `hooks` in settings.json (user: ~/.gemini/settings.json, project:
<project>/.gemini/settings.json), as docs/hooks/reference.md and packages/cli/src/config/
settingsSchema.ts of google-gemini/gemini-cli describe it: each event holds matcher groups of
`{"name", "type": "command", "command", "timeout"}` entries, the timeout in milliseconds. The
`hooks` object may hold other settings of older releases (`enabled`, `disabled`): kept as they are.
Hooks run unless `hooksConfig.enabled` (or an older release's `tools.enableHooks`) is false."""

from __future__ import annotations

import os
import sys

from lessonloop.agents.gemini.spec import SPEC
from lessonloop.apply.hooks.install.files import Json
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, home, teammates_note

SHAPE = Shape(grouped=True, strict=False)
PROJECT_NOTE = "Gemini CLI reads a project's .gemini/settings.json only in a folder you trust."


def path(scope: str, root: str) -> str:
    base = home() if scope == "user" else root
    return os.path.join(base, ".gemini", "settings.json")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"name": f"lessonloop-{event}", "type": "command", "command": command, "timeout": seconds * 1000}


def turned_off(data: Json) -> str | None:
    """The setting of `data` that turns every hook off, if one does."""
    config = data.get("hooksConfig")
    if isinstance(config, dict) and config.get("enabled") is False:
        return "hooksConfig.enabled is false"
    tools = data.get("tools")
    if isinstance(tools, dict) and tools.get("enableHooks") is False:
        return "tools.enableHooks is false"
    return None


def notes(scope: str, file: str, data: Json) -> list[str]:
    said = []
    off = turned_off(data)
    if off:
        said.append(
            f"Gemini CLI's hooks are turned off in {file} ({off}): lessonloop's do not run until you turn them on."
        )
    if scope == "project":
        said += [PROJECT_NOTE, teammates_note(file, sys.executable)]
    return said


SETUP = HookSetup(
    name=SPEC.folder,
    label=SPEC.name,
    shape=SHAPE,
    scopes=("project", "user"),
    default_scope="project",
    path=path,
    entry=entry,
    folder=lambda: os.path.join(home(), ".gemini"),
    executables=("gemini",),
    notes=notes,
    docs="gemini.md",
)
