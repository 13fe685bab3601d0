"""GitHub Copilot CLI: every `*.json` of a hooks folder (project: <project>/.github/hooks/, user:
$COPILOT_HOME/hooks/, else ~/.copilot/hooks/), as docs.github.com's Copilot hooks reference
describes it: {"version": 1, "hooks": {event: [{"type": "command", "bash", "timeoutSec"}]}}.
lessonloop writes a file of its own there, `lessonloop.json`, and reads the others."""

from __future__ import annotations

import glob
import os
import sys

from lessonloop.apply.hooks.install.files import Json
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.spec import AgentSpec, home

SHAPE = Shape(grouped=False, command_key="bash", timeout_key="timeoutSec", base=(("version", 1),))
FILE_NAME = "lessonloop.json"
PROJECT_NOTE = (
    "{path} names this machine's Python ({python}): keep it out of git (add it to .gitignore). Once "
    "committed, Copilot's cloud agent and your teammates' Copilot CLI would run a command they do not "
    "have. `--scope user` keeps the hooks yours, in every project."
)


def folder() -> str:
    return os.environ.get("COPILOT_HOME") or os.path.join(home(), ".copilot")


def _hooks_folder(scope: str, root: str) -> str:
    return os.path.join(folder(), "hooks") if scope == "user" else os.path.join(root, ".github", "hooks")


def path(scope: str, root: str) -> str:
    return os.path.join(_hooks_folder(scope, root), FILE_NAME)


def also_read(scope: str, root: str) -> list[str]:
    own = path(scope, root)
    return sorted(p for p in glob.glob(os.path.join(_hooks_folder(scope, root), "*.json")) if p != own)


def entry(event: str, command: str, seconds: int) -> Json:
    return {"type": "command", "bash": command, "timeoutSec": seconds}


def notes(scope: str, file: str, data: Json) -> list[str]:
    return [PROJECT_NOTE.format(path=file, python=sys.executable)] if scope == "project" else []


SPEC = AgentSpec(
    name="copilot",
    label="Copilot CLI",
    shape=SHAPE,
    scopes=("project", "user"),
    default_scope="project",
    path=path,
    entry=entry,
    folder=folder,
    executables=("copilot",),
    also_read=also_read,
    notes=notes,
    docs="copilot.md",
)
