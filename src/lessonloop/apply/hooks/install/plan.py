"""What `hooks install`, `hooks uninstall` and `hooks status` do for one agent in one scope.

The events installed are the agent's spec's `installed` (agents/<agent>/spec.py); each runs `command.hook_command`
with `--agent=AGENT` (none for Claude Code), the PreToolUse handler's events with the person's
`--block` / `--ask`. Tool events get the matcher "*" in the agents whose hooks have matcher
groups; time limits are command.TIMEOUTS of the handler's event.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from lessonloop.apply.hooks.command import TIMEOUTS, hook_command, is_status_line_command, status_line_command
from lessonloop.apply.hooks.install import files, hook_lists
from lessonloop.apply.hooks.install.files import Change, HookFileError, Json
from lessonloop.apply.hooks.install.hook_setup import HookSetup
from lessonloop.core.agent_spec import AgentSpec
from lessonloop.core.agent_specs import hook_agents, part, spec_of

TOOL_EVENTS = frozenset({"PreToolUse", "PostToolUse", "PostToolUseFailure"})  # matcher "*"; others none


def spec(agent: str) -> HookSetup:
    """The HookSetup of `agent` (one of core/agent_specs.hook_agents())."""
    found: HookSetup = part(hooks_spec(agent), "install").SETUP
    return found


def hooks_spec(agent: str) -> AgentSpec:
    """The spec of `agent`, an agent lessonloop has hooks for (by its hooks' name)."""
    found = spec_of(agent)
    if found is None or agent not in hook_agents():
        raise ValueError(f"unknown agent {agent!r}")
    return found


def project_root(cwd: str | None = None) -> str:
    """The git top-level of `cwd` (default: the current folder), else `cwd` itself."""
    folder = os.path.abspath(cwd or os.getcwd())
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return folder
    top = proc.stdout.strip()
    return top if proc.returncode == 0 and top else folder


def resolve_root(project_dir: str | None = None) -> str:
    """The project: `project_dir`, else the git top-level of the current folder, else the current
    folder."""
    return os.path.abspath(os.path.expanduser(project_dir)) if project_dir else project_root()


def hook_file(agent: str, scope: str, root: str) -> str:
    """The file `hooks install --agent AGENT --scope SCOPE` writes for the project at `root`."""
    setup = spec(agent)
    if scope not in setup.scopes:
        raise ValueError(f"{setup.label} has no {scope!r} scope (it has {', '.join(setup.scopes)})")
    return setup.path(scope, root)


def other_files(agent: str, scope: str, root: str) -> list[str]:
    """The other files of that scope that the agent reads hooks from (read, never written)."""
    return spec(agent).also_read(scope, root)


def wanted(agent: str, options: tuple[str, ...] = ()) -> dict[str, Json]:
    """lessonloop's item (a matcher group, or an entry) for each event of the agent's `installed`."""
    setup = spec(agent)
    items: dict[str, Json] = {}
    declared = hooks_spec(agent)
    for event in declared.installed:
        handler = declared.hook_events[event]
        command = hook_command(event, options if handler == "PreToolUse" else (), agent=agent)
        item = setup.entry(event, command, TIMEOUTS[handler])
        if setup.shape.grouped:
            group: Json = {"matcher": "*"} if handler in TOOL_EVENTS else {}
            group["hooks"] = [item]
            item = group
        items[event] = item
    return items


def read(path: str, agent: str, strict: bool = True) -> Json:
    """The hook file at `path` of `agent`; `strict`: checked that its hooks can be merged into
    (HookFileError naming the file otherwise). A .toml file (Codex's config.toml) is read as TOML."""
    raw = files.read_bytes(path)
    own = spec(agent).own
    if own is not None:  # lessonloop's own file (OpenCode's plugin)
        return own.parse(raw, path)
    if path.endswith(".toml"):
        return files.parse_toml(raw, path)
    data = files.parse_json(raw, path)
    return hook_lists.check(data, path, spec(agent).shape, hooks_spec(agent).installed) if strict else data


def events_in(data: Json, agent: str) -> list[str]:
    """lessonloop's events in `data`, in the order of the agent's `installed`, then any others."""
    found = {h["event"] for h in hook_lists.installed(data, spec(agent).shape)}
    order = list(hooks_spec(agent).installed)
    return [e for e in order if e in found] + sorted(found - set(order))


def plan_install_file(
    agent: str, path: str, scope: str, options: tuple[str, ...], others: list[str], *, status_line: bool = False
) -> Change:
    """Installing `agent`'s hooks in the file at `path` (nothing is written). When another file
    of the scope (`others`) already holds them, nothing changes: the agent would run both.
    `status_line`: lessonloop's status line too, where the agent has one and none of another's is
    set."""
    setup = spec(agent)
    before = files.read_bytes(path)
    data = read(path, agent)
    for other in others:
        if os.path.isfile(other) and hook_lists.installed(read(other, agent, strict=False), setup.shape):
            change = Change(path, scope, before, before, events_in(data, agent), agent=agent)
            change.notes.append(
                f"lessonloop's {setup.label} hooks are already in {other}, which {setup.label} reads too: "
                f"{path} was left as it is (installing there as well would run each hook twice)"
            )
            return change
    if setup.own is not None:  # lessonloop's own file, written whole
        change = setup.own.plan_install(path, scope, wanted(agent, options))
        change.notes += setup.notes(scope, path, data)
        return change
    merged = hook_lists.merge(data, wanted(agent, options), setup.shape)
    line_notes = _with_status_line(merged, setup, path) if status_line else []
    after = before if merged == data else files.dump(merged, before)
    change = Change(path, scope, before, after, events_in(merged, agent), agent=agent)
    files.keep_original(change)
    change.notes += setup.notes(scope, path, merged) + line_notes
    return change


def _spec_of_setup(setup: HookSetup) -> AgentSpec:
    """The spec of the agent a HookSetup installs for (its `name` is the agent's folder)."""
    return hooks_spec(setup.name)


def _with_status_line(data: Json, setup: HookSetup, path: str) -> list[str]:
    """lessonloop's status line set in the settings `data` (in place); notes when it cannot be."""
    if not setup.status_line:
        return [f"{setup.label} has no status line command: --statusline changed nothing there"]
    current = data.get("statusLine")
    if isinstance(current, dict) and current and not is_status_line_command(current.get("command")):
        return [
            f"{path} sets a status line of its own ({current.get('command')!r}): left as it is; remove it "
            "and install again for lessonloop's"
        ]
    data["statusLine"] = {"type": "command", "command": status_line_command(_spec_of_setup(setup).id), "padding": 0}
    return []


def plan_uninstall_file(agent: str, path: str, scope: str) -> Change:
    """Removing `agent`'s hooks from the file at `path`, restoring its original bytes when
    nothing else changed it since install (nothing is written)."""
    setup = spec(agent)
    if setup.own is not None:  # lessonloop's own file: removed with what install made beside it
        return setup.own.plan_uninstall(path, scope)
    before = files.read_bytes(path)
    data = read(path, agent)
    backup, original, notes = files.read_original(path, lambda raw, where: read_raw(raw, where, agent))
    cleaned = hook_lists.unmerge(data, original, setup.shape)
    line = cleaned.get("statusLine")
    ours = setup.status_line and isinstance(line, dict) and is_status_line_command(line.get("command"))
    if ours and (original is None or original.get("statusLine") != line):  # not the file's before install
        del cleaned["statusLine"]
    change = Change(path, scope, before, before, [], notes=notes, agent=agent)
    files.plan_restore(change, cleaned, data, backup, original)
    change.events = events_in(files.parse_json(change.after, path), agent)
    return change


def read_raw(raw: bytes, where: str, agent: str) -> Json:
    return hook_lists.check(files.parse_json(raw, where), where, spec(agent).shape, hooks_spec(agent).installed)


def plan_install(agent: str, scope: str, root: str, options: tuple[str, ...], *, status_line: bool = False) -> Change:
    """Installing `agent`'s hooks in its file of `scope` for the project at `root` (`status_line`:
    and its status line)."""
    path = hook_file(agent, scope, root)
    return plan_install_file(agent, path, scope, options, other_files(agent, scope, root), status_line=status_line)


def plan_uninstall(agent: str, scope: str, root: str) -> Change:
    """Removing `agent`'s hooks from its file of `scope` for the project at `root`; a note names
    the other files of the scope that still hold them (lessonloop writes only its own file)."""
    change = plan_uninstall_file(agent, hook_file(agent, scope, root), scope)
    for other in other_files(agent, scope, root):
        try:
            left = (
                hook_lists.installed(read(other, agent, strict=False), spec(agent).shape)
                if os.path.isfile(other)
                else []
            )
        except HookFileError:
            continue
        if left:
            change.notes.append(
                f"lessonloop's hooks are also in {other}, which lessonloop does not write: remove them there by hand"
            )
    return change


def _file_status(agent: str, path: str, strict: bool = True) -> Json:
    shape = spec(agent).shape
    out: Json = {"file": path, "exists": os.path.exists(path), "error": None, "events": [], "other_hooks": 0}
    try:
        data = read(path, agent, strict)
    except HookFileError as exc:
        out["error"] = str(exc)
        return out
    out["events"] = hook_lists.installed(data, shape)
    out["other_hooks"] = hook_lists.other_hooks(data, shape)
    out["data"] = data
    return out


def scope_status(agent: str, scope: str, root: str, path: str | None = None) -> Json:
    """One scope of `agent`: its file, whether it exists (or the error reading it), lessonloop's
    hooks in it, other tools' hook count, the sidecar; the other files of the scope the agent reads
    hooks from (`other_files`), and notes (hooks turned off, ...)."""
    own = hook_file(agent, scope, root)
    path = path or own
    main = _file_status(agent, path)
    data = main.pop("data", {})
    backup = path + files.BACKUP_SUFFIX
    out: Json = {"scope": scope, **main, "backup": backup if os.path.lexists(backup) else None}
    others = []
    for other in other_files(agent, scope, root) if path == own else []:
        if os.path.exists(other):
            found = _file_status(agent, other, strict=False)
            found.pop("data", None)
            others.append(found)
    out["other_files"] = others
    notes: list[str] = []
    if agent == "gemini":
        from lessonloop.agents.gemini.install import turned_off

        off = turned_off(data)
        if off:
            notes.append(f"hooks are turned off in this file: {off}")
    ready = spec(agent).readiness(scope, root, path, data) if main["events"] else None
    if ready is not None:
        out["agent_runs_them"] = ready
        notes += ready["why"]
    out["notes"] = notes
    return out


def installed_scopes(agent: str, root: str) -> list[str]:
    """The scopes of `agent` whose file holds lessonloop's hooks or cannot be read, in the order
    uninstall looks (Claude Code: local, project, user; the others: project, user)."""
    found = []
    for scope in spec(agent).scopes:
        status = scope_status(agent, scope, root)
        if status["events"] or status["error"]:
            found.append(scope)
    return found


def found(agent: str) -> str | None:
    """How `agent` was found on this machine: its folder in HOME, or its executable on PATH; None."""
    setup = spec(agent)
    folder = setup.folder()
    if os.path.isdir(folder):
        return f"{folder} exists"
    for name in setup.executables:
        where = shutil.which(name)
        if where:
            return f"`{name}` is on PATH ({where})"
    return None


def agent_status(agent: str, root: str) -> dict[str, Any]:
    """`agent` for `hooks status`: found how, and each scope (user first)."""
    setup = spec(agent)
    return {
        "agent": agent,
        "label": setup.label,
        "found": found(agent),
        "scopes": [scope_status(agent, scope, root) for scope in reversed(setup.scopes)],
    }
