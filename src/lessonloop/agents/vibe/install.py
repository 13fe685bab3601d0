"""Mistral Vibe (3.0.2): `[[hooks]]` tables of a hooks.toml, each `{name, type, command, match?,
timeout?, strict?, description?}` (`type` pre_tool, post_tool or post_agent; the name unique;
mistralai_vibe_local_harness/vibe/_hook_config.py, vibe/core/hooks/models.py). The user's file is
$VIBE_HOME/hooks.toml (~/.vibe/hooks.toml); a project's is <project>/.vibe/hooks.toml, which Vibe
reads only in a folder the person trusted: `trusted_folders.toml` in $VIBE_HOME lists `trusted`
and `untrusted` folders, and the closest one holding the project decides (vibe/core/
trusted_folders.py). Vibe asks when the interactive UI first opens an untrusted folder; a headless
run (`vibe -p`) never asks and leaves the project's hooks out, without a word, unless it runs with
`--trust`.

lessonloop's entries are `[[hooks]]` tables named `lessonloop-<type>`, installed and taken out by
toml_hooks.py (as Kimi Code's), every other hook of the file kept as it is.
"""

from __future__ import annotations

import os
import sys

from lessonloop.agents.vibe.spec import SPEC
from lessonloop.apply.hooks.install import files, toml_hooks
from lessonloop.apply.hooks.install.files import Change, HookFileError, Json, read_bytes
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, OwnFile, home, teammates_note

SHAPE = Shape(grouped=False)
NOTE = (
    "Mistral Vibe has no hook at a session's start or at a prompt: lessonloop's lessons reach the model when a "
    "lesson stops a call, and after a call. `lessonloop lessons export --agent mistral-vibe` puts them in "
    "AGENTS.md, which Vibe reads at the start (docs/agents/mistral-vibe.md)."
)


def folder() -> str:
    return os.path.expanduser(os.environ.get("VIBE_HOME") or os.path.join(home(), ".vibe"))


def path(scope: str, root: str) -> str:
    return os.path.join(folder() if scope == "user" else os.path.join(root, ".vibe"), "hooks.toml")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"name": f"lessonloop-{event}", "command": command, "timeout": max(1, seconds)}


def parse(raw: bytes | None, where: str) -> Json:
    return toml_hooks.parse(raw, where, "type")


def plan_install(file: str, scope: str, items: dict[str, Json]) -> Change:
    return toml_hooks.plan_install(file, scope, items, key="type", agent="vibe", leading=("name",))


def plan_uninstall(file: str, scope: str) -> Change:
    return toml_hooks.plan_uninstall(file, scope, agent="vibe")


def trusted(root: str, trust: Json) -> bool | None:
    """Whether trusted_folders.toml's lists trust the folder `root`: the closest folder holding it
    that either list names decides (trusted first, as Vibe reads them); None when none does."""
    lists = {
        verdict: {os.path.abspath(os.path.expanduser(p)) for p in trust.get(key, []) if isinstance(p, str)}
        for key, verdict in (("trusted", True), ("untrusted", False))
        if isinstance(trust.get(key), list)
    }
    current = os.path.realpath(root)
    while True:
        for verdict in (True, False):
            if current in lists.get(verdict, set()):
                return verdict
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def readiness(scope: str, root: str, file: str, data: Json) -> Json | None:
    """Whether Vibe will run the hooks of a project's hooks.toml: only in a folder trusted in its
    trusted_folders.toml (the user's hooks.toml always runs)."""
    if scope != "project":
        return None
    trust_file = os.path.join(folder(), "trusted_folders.toml")
    try:
        trust = files.parse_toml(read_bytes(trust_file), trust_file)
    except HookFileError as exc:
        return {"will_run": False, "why": [f"Vibe's trusted folders cannot be read: {exc}"], "hooks": []}
    if trusted(root, trust):
        return {"will_run": True, "why": [], "hooks": []}
    why = (
        f"Vibe skips this project's .vibe/hooks.toml, without a word: {os.path.realpath(root)} is not trusted in "
        f"{trust_file} (the interactive `vibe` asks when it first opens the folder; `vibe -p` runs with `--trust` "
        "for one run; or add the folder to `trusted` there)"
    )
    return {"will_run": False, "why": [why], "hooks": []}


def notes(scope: str, file: str, data: Json) -> list[str]:
    said = [NOTE]
    if scope == "project":
        said.append(teammates_note(file, sys.executable))
    return said


SETUP = HookSetup(
    name=SPEC.folder,
    label=SPEC.name,
    shape=SHAPE,
    scopes=("project", "user"),
    default_scope="project",
    path=path,
    entry=entry,
    folder=folder,
    executables=("vibe",),
    notes=notes,
    docs="mistral-vibe.md",
    readiness=readiness,
    own=OwnFile(parse=parse, plan_install=plan_install, plan_uninstall=plan_uninstall),
)
