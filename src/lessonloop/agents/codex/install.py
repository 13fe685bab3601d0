"""Codex CLI: `hooks.json` next to a config layer (user: $CODEX_HOME, else ~/.codex; project:
<project>/.codex/), the shape codex-rs/config/src/hook_config.rs reads: {"hooks": {event: [matcher
groups of {"type": "command", "command", "timeout"} (seconds)]}}. Codex also reads `[hooks]`
tables of the same layer's config.toml: lessonloop reads them (status, "already installed") and
writes hooks.json only (Codex merges both, with a warning when both hold hooks)."""

from __future__ import annotations

import os
import sys

from lessonloop.agents.codex import install_trust as codex_trust
from lessonloop.agents.codex.spec import SPEC
from lessonloop.apply.hooks.command import is_lessonloop_command
from lessonloop.apply.hooks.install.files import HookFileError, Json
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, home, teammates_note

SHAPE = Shape(grouped=True)
TRUST_NOTE = (
    "Codex runs a new or changed hook only once you have reviewed and trusted it: open /hooks in Codex "
    "and trust lessonloop's."
)
PROJECT_NOTE = "Codex loads a project's .codex/ hooks only when the project is trusted."


def folder() -> str:
    return os.environ.get("CODEX_HOME") or os.path.join(home(), ".codex")


def _layer(scope: str, root: str) -> str:
    return folder() if scope == "user" else os.path.join(root, ".codex")


def path(scope: str, root: str) -> str:
    return os.path.join(_layer(scope, root), "hooks.json")


def also_read(scope: str, root: str) -> list[str]:
    return [os.path.join(_layer(scope, root), "config.toml")]


def entry(event: str, command: str, seconds: int) -> Json:
    return {"type": "command", "command": command, "timeout": seconds}


def notes(scope: str, file: str, data: Json) -> list[str]:
    if scope == "user":
        return [TRUST_NOTE]
    return [TRUST_NOTE, PROJECT_NOTE, teammates_note(file, sys.executable)]


def readiness(scope: str, root: str, path: str, data: Json) -> Json:
    """Whether Codex will run lessonloop's hooks in `path` now, by the trust in its config.toml."""
    config_file = os.path.join(folder(), "config.toml")
    why: list[str] = []
    try:
        config = codex_trust.read_config(config_file)
    except HookFileError as exc:  # it names the file and what is wrong with it
        return {"will_run": False, "why": [f"Codex's config cannot be read: {exc}"], "hooks": []}
    if scope == "project" and not codex_trust.project_trusted(config, root):
        why.append(
            f"Codex skips this project's .codex/ hooks: {root} is not a trusted project in {config_file} "
            "(Codex asks when you first open the project; `codex exec --trust` also trusts it)"
        )
    hooks = data.get("hooks")
    hooks = hooks if isinstance(hooks, dict) else {}
    ours = [
        hook
        for hook in codex_trust.hook_states(config, os.path.abspath(path), hooks)
        if is_lessonloop_command(hook.command)
    ]
    for status, said in (
        ("untrusted", "not trusted yet"),
        ("modified", "changed since you trusted them"),
        ("disabled", "turned off"),
    ):
        events = [hook.event for hook in ours if hook.status == status]
        if events:
            why.append(
                f"Codex will not run lessonloop's {', '.join(events)} hook{'s' if len(events) > 1 else ''}: {said} "
                "(it skips them without a word); open /hooks in Codex and trust them"
            )
    return {
        "will_run": not why,
        "why": why,
        "hooks": [{"event": hook.event, "key": hook.key, "status": hook.status} for hook in ours],
    }


SETUP = HookSetup(
    name=SPEC.folder,
    label=SPEC.name,
    shape=SHAPE,
    scopes=("project", "user"),
    default_scope="project",
    path=path,
    entry=entry,
    folder=folder,
    executables=("codex",),
    also_read=also_read,
    notes=notes,
    docs="codex.md",
    readiness=readiness,
)
