"""Factory Droid (0.215.0): `hooks` in its settings.json (user: ~/.factory/settings.json, the home
being $FACTORY_HOME_OVERRIDE when set; project: <project>/.factory/settings.json; Droid layers both,
with their settings.local.json and the organization's managed settings), Claude Code's shape: each
event holds matcher groups of `{"type": "command", "command", "timeout"}` entries, the timeout in
seconds. The `hooks` object may also hold `hooksDisabled` (kept as it is).

Droid runs no hook when `hooks.hooksDisabled` is true (`/hooks` turns it on), nor, when the
organization's settings set `allowManagedHooksOnly`, any hook but the organization's. Its interactive
UI runs no hook at all (the user's included) in a folder not yet trusted (it asks when it first
opens one: `general.trustedFolders` of the user settings holds the trusted folders); `droid exec`
does not ask and runs them.
"""

from __future__ import annotations

import os
import sys

from lessonloop.agents.droid.spec import SPEC
from lessonloop.apply.hooks.install.files import HookFileError, Json, parse_json, read_bytes
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, home, teammates_note

SHAPE = Shape(grouped=True, strict=False)
TRUST_NOTE = (
    "Droid's interactive UI runs no hook in a folder you have not trusted yet (it asks when it first opens "
    "one); `droid exec` runs them."
)
EXEC_NOTE = (
    "`droid exec` sends no UserPromptSubmit: a headless run gets the lessons at the session's start, "
    "and a call that fails sends no PostToolUse (docs/hooks.md, Factory Droid)."
)


def user_home() -> str:
    return os.environ.get("FACTORY_HOME_OVERRIDE") or home()


def folder() -> str:
    return os.path.join(user_home(), ".factory")


def path(scope: str, root: str) -> str:
    return os.path.join(folder() if scope == "user" else os.path.join(root, ".factory"), "settings.json")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"type": "command", "command": command, "timeout": seconds}


def turned_off(data: Json) -> str | None:
    """The setting of `data` that turns every hook off, if one does."""
    hooks = data.get("hooks")
    return "hooks.hooksDisabled is true" if isinstance(hooks, dict) and hooks.get("hooksDisabled") is True else None


def notes(scope: str, file: str, data: Json) -> list[str]:
    said = []
    off = turned_off(data)
    if off:
        said.append(f"Droid's hooks are turned off in {file} ({off}): lessonloop's do not run until you turn them on.")
    said += [TRUST_NOTE, EXEC_NOTE]
    if scope == "project":
        said.append(teammates_note(file, sys.executable))
    return said


def readiness(scope: str, root: str, file: str, data: Json) -> Json:
    """Whether Droid will run lessonloop's hooks in `file` now: every hook turned off in this file or
    the user's settings. (The interactive UI's folder trust is said at install: `droid exec` does not
    ask for it.)"""
    user_file = path("user", root)
    try:
        user = data if file == user_file else parse_json(read_bytes(user_file), user_file)
    except HookFileError as exc:
        return {"will_run": False, "why": [f"Droid's user settings cannot be read: {exc}"], "hooks": []}
    why = [
        f"Droid runs no hook: {off} in {where}"
        for where, settings in {file: data, user_file: user}.items()
        if (off := turned_off(settings))
    ]
    return {"will_run": not why, "why": why, "hooks": []}


SETUP = HookSetup(
    name=SPEC.folder,
    label=SPEC.name,
    shape=SHAPE,
    scopes=("project", "user"),
    default_scope="project",
    path=path,
    entry=entry,
    folder=folder,
    executables=("droid",),
    notes=notes,
    docs="droid.md",
    readiness=readiness,
)
