"""What `hooks install` needs to know of one agent: its hook file in each scope, the shape of
that file, the entry it writes for one event, how to tell the agent is on this machine, and what
to tell the person who installs. One module per agent (claude.py, codex.py, ...) builds one."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from lessonloop.apply.hooks.install.files import Change, Json
from lessonloop.apply.hooks.install.hook_lists import Shape


def home() -> str:
    """$HOME (the tests and `HOME=... lessonloop` move it), else the user's home folder."""
    return os.environ.get("HOME") or os.path.expanduser("~")


def no_files(scope: str, root: str) -> list[str]:
    return []


def no_notes(scope: str, path: str, data: Json) -> list[str]:
    return []


def no_readiness(scope: str, root: str, path: str, data: Json) -> Json | None:
    return None


@dataclass(frozen=True)
class OwnFile:
    """A hook file that is lessonloop's own and not JSON (OpenCode's plugin): read into the shape of
    a flat hook file ({"hooks": {event: [entry]}}) for status, and written whole by install."""

    parse: Callable[[bytes | None, str], Json]  # (the file's bytes, its path) -> {"hooks": ...}; {} when absent
    plan_install: Callable[[str, str, dict[str, Json]], Change]  # (file, scope, event -> entry) -> the change
    plan_uninstall: Callable[[str, str], Change]  # (file, scope) -> the change


@dataclass(frozen=True)
class HookSetup:
    """One agent's hook configuration, as its documentation and source describe it."""

    name: str  # as `--agent` and apply/hooks/agents name it
    label: str  # as people know it
    shape: Shape
    scopes: tuple[str, ...]  # the order uninstall looks for lessonloop's hooks in
    default_scope: str
    path: Callable[[str, str], str]  # (scope, project folder) -> the file install writes
    entry: Callable[[str, str, int], Json]  # (the agent's event, command line, seconds) -> the hook entry
    folder: Callable[[], str]  # the agent's own folder in HOME: it exists when the agent was used here
    executables: tuple[str, ...]  # any of these on PATH means the agent is installed
    also_read: Callable[[str, str], list[str]] = no_files  # other JSON/TOML files of a scope holding hooks
    notes: Callable[[str, str, Json], list[str]] = no_notes  # (scope, file, content after install) -> notes
    docs: str = ""  # docs/agents/<page>
    # (scope, project folder, file, its content) -> whether the agent will run lessonloop's hooks of
    # that file now, by the agent's own state: {"will_run": bool, "why": [...], "hooks": [...]};
    # None for an agent that runs every hook it finds
    readiness: Callable[[str, str, str, Json], Json | None] = no_readiness
    own: OwnFile | None = None  # lessonloop's own file, not JSON: written whole, never merged into
    status_line: bool = False  # its settings take a `statusLine` command (`hooks install --statusline`)


def teammates_note(path: str, python: str) -> str:
    """Why a project's hook file that is committed does nothing for a teammate."""
    return (
        f"{path} is usually committed; its hook commands name this machine's Python ({python}), so a "
        "teammate's hooks work only with lessonloop installed at that same path (elsewhere they do nothing, "
        "silently). `--scope user` keeps them yours."
    )
