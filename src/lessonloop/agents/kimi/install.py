"""Kimi Code (2.1.0): `[[hooks]]` tables of its config.toml ($KIMI_CODE_HOME/config.toml, else
~/.kimi-code/config.toml), each `{event, matcher?, command, timeout?}` (the timeout in seconds, 1 to
600; an empty or missing matcher, a regular expression, matches every call): its
externalHooks/configSection.ts HookDefSchema, which refuses any other key. Kimi Code has no project
config holding hooks (a project's .kimi-code/local.toml holds its extra folders only): the hooks are
the user's, for every project. It reads the file at start and again when it changes.

lessonloop's entries are `[[hooks]]` tables (`event` beside each entry), installed and taken out by
toml_hooks.py, every other setting of the file kept as it is.
"""

from __future__ import annotations

import os

from lessonloop.agents.kimi.spec import SPEC
from lessonloop.apply.hooks.install import toml_hooks
from lessonloop.apply.hooks.install.files import Change, Json
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, OwnFile, home

SHAPE = Shape(grouped=False)
NOTE = (
    "Kimi Code's hooks are the user's, in every project (it has no project file for them). It gives a hook "
    "no way to warn before a call: lessonloop's lessons reach the model with your prompt, and a lesson that "
    "earned it stops a call once (docs/hooks.md, Kimi Code)."
)


def folder() -> str:
    return os.path.expanduser(os.environ.get("KIMI_CODE_HOME") or os.path.join(home(), ".kimi-code"))


def path(scope: str, root: str) -> str:
    return os.path.join(folder(), "config.toml")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"command": command, "timeout": max(1, min(600, seconds))}


def parse(raw: bytes | None, where: str) -> Json:
    return toml_hooks.parse(raw, where, "event")


def plan_install(file: str, scope: str, items: dict[str, Json]) -> Change:
    return toml_hooks.plan_install(file, scope, items, key="event", agent="kimi", leading=())


def plan_uninstall(file: str, scope: str) -> Change:
    return toml_hooks.plan_uninstall(file, scope, agent="kimi")


def notes(scope: str, file: str, data: Json) -> list[str]:
    return [NOTE]


SETUP = HookSetup(
    name=SPEC.folder,
    label=SPEC.name,
    shape=SHAPE,
    scopes=("user",),
    default_scope="user",
    path=path,
    entry=entry,
    folder=folder,
    executables=("kimi",),
    notes=notes,
    docs="kimi-code.md",
    own=OwnFile(parse=parse, plan_install=plan_install, plan_uninstall=plan_uninstall),
)
