"""Qwen Code: `hooks` in settings.json (user: $QWEN_HOME/settings.json, else
~/.qwen/settings.json; project: <project>/.qwen/settings.json), Claude Code's shape: each event
holds matcher groups of `{"name", "type": "command", "command", "timeout"}` entries, the timeout in
seconds (0.24.4: packages/core/src/hooks/hookRegistry.ts, hook-timeout.ts; a value of 1000 or more
is read as milliseconds). The `hooks` object may also hold `enabled`, `disabled` and
`notifications` (kept as they are). Qwen Code writes `"$version": 4` into a settings file that
lacks it whenever it reads it: a file lessonloop creates starts with it, so Qwen Code leaves it
alone.

Hooks run unless `disableAllHooks` is true (or Qwen Code runs with --bare or --safe-mode). A
project's file is read only for the folder Qwen Code starts in and, when folder trust is on
(`security.folderTrust.enabled`, off by default), only when that folder is trusted:
trustedFolders.json beside the user settings ($QWEN_CODE_TRUSTED_FOLDERS_PATH when set) maps
folders to TRUST_FOLDER, TRUST_PARENT or DO_NOT_TRUST, the deepest rule covering the folder wins
(packages/cli/src/config/trustedFolders.ts, trust-precedence.ts).
"""

from __future__ import annotations

import os
import sys

from lessonloop.agents.qwen.spec import SPEC
from lessonloop.apply.hooks.install.files import HookFileError, Json, parse_json, read_bytes
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, home, teammates_note

SETTINGS_VERSION = 4  # the `$version` Qwen Code 0.24.4 writes into its settings files
SHAPE = Shape(grouped=True, strict=False, base=(("$version", SETTINGS_VERSION),))
PROJECT_NOTE = (
    "Qwen Code reads a project's .qwen/settings.json when it starts in that folder and, with folder trust "
    "turned on (security.folderTrust.enabled), only once the folder is trusted."
)


def folder() -> str:
    return os.environ.get("QWEN_HOME") or os.path.join(home(), ".qwen")


def path(scope: str, root: str) -> str:
    return os.path.join(folder() if scope == "user" else os.path.join(root, ".qwen"), "settings.json")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"name": f"lessonloop-{event}", "type": "command", "command": command, "timeout": seconds}


def turned_off(data: Json) -> str | None:
    """The setting of `data` that turns every hook off, if one does."""
    return "disableAllHooks is true" if data.get("disableAllHooks") is True else None


def notes(scope: str, file: str, data: Json) -> list[str]:
    said = []
    off = turned_off(data)
    if off:
        said.append(
            f"Qwen Code's hooks are turned off in {file} ({off}): lessonloop's do not run until you turn them on."
        )
    if scope == "project":
        said += [PROJECT_NOTE, teammates_note(file, sys.executable)]
    return said


def _read(file: str) -> Json:
    """A settings file of Qwen Code's ({} when absent); HookFileError when it cannot be read."""
    return parse_json(read_bytes(file), file)


def trusted(root: str, rules: Json) -> bool | None:
    """Whether trustedFolders.json's `rules` trust the folder `root`: the deepest rule whose folder
    holds it (TRUST_PARENT: its parent folder's) wins, DO_NOT_TRUST over a trust as deep; None
    when no rule covers it."""
    where = os.path.abspath(root)
    winner: tuple[int, bool] | None = None
    for rule_path, level in rules.items():
        if level not in ("TRUST_FOLDER", "TRUST_PARENT", "DO_NOT_TRUST") or not isinstance(rule_path, str):
            continue
        covered = os.path.abspath(os.path.expanduser(rule_path))
        if level == "TRUST_PARENT":
            covered = os.path.dirname(covered)
        if where != covered and not where.startswith(covered.rstrip(os.sep) + os.sep):
            continue
        depth = len([part for part in covered.split(os.sep) if part])
        ok = level != "DO_NOT_TRUST"
        if winner is None or depth > winner[0] or (depth == winner[0] and not ok):
            winner = (depth, ok)
    return None if winner is None else winner[1]


def readiness(scope: str, root: str, file: str, data: Json) -> Json:
    """Whether Qwen Code will run lessonloop's hooks in `file` now: every hook turned off, or a
    project's folder not trusted while folder trust is on."""
    user_file = path("user", root)
    why: list[str] = []
    try:
        user = data if file == user_file else _read(user_file)
    except HookFileError as exc:
        return {"will_run": False, "why": [f"Qwen Code's user settings cannot be read: {exc}"], "hooks": []}
    for where, settings in {file: data, user_file: user}.items():
        off = turned_off(settings)
        if off:
            why.append(f"Qwen Code runs no hook: {off} in {where}")
    security = user.get("security")
    trust = security.get("folderTrust") if isinstance(security, dict) else None
    if scope == "project" and isinstance(trust, dict) and trust.get("enabled") is True:
        rules_file = os.environ.get("QWEN_CODE_TRUSTED_FOLDERS_PATH") or os.path.join(folder(), "trustedFolders.json")
        try:
            rules = _read(rules_file)
        except HookFileError as exc:
            rules = {}
            why.append(f"Qwen Code's trusted folders cannot be read: {exc}")
        if not trusted(root, rules):
            why.append(
                f"Qwen Code skips this project's .qwen/settings.json: folder trust is on in {user_file} and {root} "
                f"is not trusted in {rules_file} (Qwen Code asks when you first open the folder; trusting it "
                f'writes {{"{os.path.abspath(root)}": "TRUST_FOLDER"}} there)'
            )
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
    executables=("qwen",),
    notes=notes,
    docs="qwen-code.md",
    readiness=readiness,
)
