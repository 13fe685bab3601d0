"""GitHub Copilot CLI: every `*.json` of a hooks folder (project: <project>/.github/hooks/, user:
$COPILOT_HOME/hooks/, else ~/.copilot/hooks/), as docs.github.com's Copilot hooks reference
describes it: {"version": 1, "hooks": {event: [{"type": "command", "bash", "timeoutSec"}]}}.
lessonloop writes a file of its own there, `lessonloop.json`, and reads the others.

Copilot CLI (1.0.102) runs a project's hooks only in a trusted folder (`trustedFolders` of
$COPILOT_HOME/config.json, a folder covering the folders under it; Copilot asks when it first runs
in a folder, `--trust-folder` trusts for one run): otherwise it skips them without a word. The user's
hooks folder runs without that step. Checked in the real-agent harness (tests/real_agents/)."""

from __future__ import annotations

import glob
import json
import os
import re
import sys

from lessonloop.agents.copilot.spec import SPEC
from lessonloop.apply.hooks.install.files import Json
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, home

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


TRUST_NOTE = (
    "Copilot CLI runs a project's hooks only in a folder you trust: answer yes when it asks on its first "
    "run in {root}, or add the folder to trustedFolders in {config}. `--scope user` needs no trust."
)


def notes(scope: str, file: str, data: Json) -> list[str]:
    if scope != "project":
        return []
    root = os.path.dirname(os.path.dirname(os.path.dirname(file)))
    said = [PROJECT_NOTE.format(path=file, python=sys.executable)]
    try:
        folders = _trusted_folders()
    except (OSError, ValueError):
        folders = []  # Copilot's config unreadable: say what trust it needs (status says why)
    if not trusted(folders, root):
        said.append(TRUST_NOTE.format(root=root, config=config_path()))
    return said


def config_path() -> str:
    return os.path.join(folder(), "config.json")


_LINE_COMMENT = re.compile(r"^\s*//.*$", re.MULTILINE)


def _trusted_folders() -> list[str]:
    """`trustedFolders` of Copilot's config.json (JSON with `//` comment lines); raises OSError or
    ValueError when the file cannot be read."""
    try:
        with open(config_path(), encoding="utf-8") as file:
            text = file.read()
    except FileNotFoundError:
        return []
    data = json.loads(_LINE_COMMENT.sub("", text)) if text.strip() else {}
    folders = data.get("trustedFolders") if isinstance(data, dict) else None
    return [f for f in folders if isinstance(f, str)] if isinstance(folders, list) else []


def trusted(folders: list[str], root: str) -> bool:
    """Whether `root` is one of `folders` or under one of them."""
    root = os.path.abspath(root)
    for given in folders:
        base = os.path.abspath(os.path.expanduser(given))
        if root == base or root.startswith(base.rstrip(os.sep) + os.sep):
            return True
    return False


def readiness(scope: str, root: str, path: str, data: Json) -> Json:
    """Whether Copilot CLI will run lessonloop's hooks in `path` now: a project's only in a
    trusted folder."""
    if scope != "project":
        return {"will_run": True, "why": [], "hooks": []}
    try:
        folders = _trusted_folders()
    except (OSError, ValueError) as exc:
        return {"will_run": False, "why": [f"Copilot's config cannot be read ({config_path()}: {exc})"], "hooks": []}
    if trusted(folders, root):
        return {"will_run": True, "why": [], "hooks": []}
    why = (
        f"Copilot CLI skips this project's hooks without a word: {root} is not a trusted folder in "
        f"{config_path()} (answer yes when Copilot asks on its first run there)"
    )
    return {"will_run": False, "why": [why], "hooks": []}


SETUP = HookSetup(
    name=SPEC.folder,
    label=SPEC.name,
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
    readiness=readiness,
)
