"""Claude Code settings files: lessonloop's hooks merged in, taken out again, and their status.

Claude Code's part of `hooks install|uninstall|status`, kept with the names it had before the
other agents (install/ holds the code every agent shares: files.py, hook_lists.py, plan.py;
install/claude.py is Claude Code's file and entry). Installing never touches another tool's hooks
or any other key, and keeps their order. Before the first write that changes a file, its original
bytes are kept in a sidecar (`<file>.lessonloop-backup`, or a marker when the file did not exist),
so uninstalling gives the original back byte for byte when nothing else changed it meanwhile.
Files are written atomically (a temporary file in the same folder, then os.replace) with their
permission bits kept. `check_entry` runs the hook entry point's --check (every agent's).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from typing import Any

from lessonloop.agents.claude.install import SHAPE
from lessonloop.apply.hooks.command import check_command
from lessonloop.apply.hooks.install import hook_lists, plan
from lessonloop.apply.hooks.install.files import (
    ABSENT_MARKER,
    BACKUP_SUFFIX,
    DIR_MARKER,
    Change,
    HookFileError,
    apply,
    dump,
    read_bytes,
)
from lessonloop.apply.hooks.install.plan import TOOL_EVENTS, project_root

__all__ = [
    "ABSENT_MARKER",
    "BACKUP_SUFFIX",
    "DIR_MARKER",
    "SCOPES",
    "TOOL_EVENTS",
    "Change",
    "SettingsError",
    "apply",
    "check_entry",
    "dump",
    "installed",
    "merge",
    "other_hooks",
    "parse",
    "plan_install",
    "plan_uninstall",
    "project_root",
    "read_bytes",
    "scope_status",
    "settings_path",
    "unmerge",
]

SCOPES = ("project", "local", "user")
SettingsError = HookFileError  # the name the commands and tests know
Json = dict[str, Any]


def settings_path(scope: str, project_dir: str | None = None) -> str:
    """project: <DIR>/.claude/settings.json; local: <DIR>/.claude/settings.local.json; user:
    $HOME/.claude/settings.json. DIR is `project_dir`, else the git top-level of the current folder."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    return plan.hook_file("claude", scope, "" if scope == "user" else plan.resolve_root(project_dir))


def parse(raw: bytes | None, path: str) -> Json:
    """A settings file's content; empty or missing is {}. Raises SettingsError naming the file
    (and the line and column of invalid JSON)."""
    return plan.read_raw(raw, path, "claude") if raw is not None else {}


def merge(data: Json, options: dict[str, tuple[str, ...]]) -> Json:
    """`data` with lessonloop's matcher group for every Claude Code event: an existing one is
    replaced where it is, else the group is appended. Everything else is kept, in its order."""
    return hook_lists.merge(data, plan.wanted("claude", options.get("PreToolUse", ())), SHAPE)


def unmerge(data: Json, original: Json | None) -> Json:
    """`data` without lessonloop's hooks. An event list (and the "hooks" object) emptied by that
    is removed when `original` (the file before install; None: unknown) did not have it."""
    return hook_lists.unmerge(data, original, SHAPE)


def installed(data: Json) -> list[Json]:
    """lessonloop's hooks in `data` (hook_lists.installed)."""
    return hook_lists.installed(data, SHAPE)


def other_hooks(data: Json) -> int:
    """How many hook entries in `data` are not lessonloop's."""
    return hook_lists.other_hooks(data, SHAPE)


def plan_install(path: str, scope: str, options: dict[str, tuple[str, ...]]) -> Change:
    """Installing lessonloop's hooks in the settings file at `path` (nothing is written)."""
    return plan.plan_install_file("claude", path, scope, options.get("PreToolUse", ()), [])


def plan_uninstall(path: str, scope: str) -> Change:
    """Removing lessonloop's hooks from the settings file at `path` (nothing is written)."""
    return plan.plan_uninstall_file("claude", path, scope)


def scope_status(scope: str, path: str) -> Json:
    """One settings file: whether it exists, lessonloop's hooks in it, other tools' hook count."""
    return plan.scope_status("claude", scope, "", path=path)


def check_entry(timeout: float = 10.0, db: str | None = None) -> Json:
    """Run the entry point's --check as an agent would run a hook: {"ok", "db", "lessons",
    "problem", "server", "command"} (server: the hook server's state, entry._server_state); a failure to run or to answer is reported, never raised. `db`: the
    store to check (as $LESSONLOOP_DB), else the one the environment gives the hooks."""
    argv = check_command()
    env = None if db is None else {**os.environ, "LESSONLOOP_DB": db}
    result: Json = {
        "ok": False,
        "db": None,
        "lessons": None,
        "problem": None,
        "server": None,
        "command": shlex.join(argv),
    }
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        result["problem"] = f"no answer within {timeout:g} s"
        return result
    except OSError as exc:
        result["problem"] = f"cannot run {argv[0]}: {exc.strerror or exc}"
        return result
    try:
        answer = json.loads(proc.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        said = (proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or ["no output"])[-1]
        result["problem"] = f"exit status {proc.returncode}, no JSON answer: {said}"
        return result
    result.update({key: answer.get(key) for key in ("db", "lessons", "problem", "server")})
    result["ok"] = answer.get("ok") is True
    if not result["ok"] and not result["problem"]:
        result["problem"] = "the entry point reported a failure without a reason"
    return result
