"""OpenCode (1.18.33): no command hooks, but JavaScript plugins, loaded from `{plugin,plugins}/*.{js,ts}`
in each of its config folders (project: every `<dir>/.opencode/` from the working folder up to the
worktree's root; user: `$XDG_CONFIG_HOME/opencode/`, else `~/.config/opencode/`). lessonloop writes a
plugin of its own there, `plugin/lessonloop.js` (opencode_plugin.js with the hook commands in it):
each of its hooks runs the command every agent's hooks run, `--agent=opencode EVENT`
(apply/hooks/agents/opencode.py).

At start, OpenCode runs npm to install `@opencode-ai/plugin` into every config folder holding a
plugin, and loads the plugins only once that is done: offline, about 71 s of npm retries. It skips
that when `<dir>/node_modules/` exists and `<dir>/package-lock.json` lists the package in
`packages[""].dependencies`: install creates both when they are missing (lessonloop's plugin needs
nothing from the package) and says so; uninstall removes them, when nothing else changed them, and
nothing else. What install created is written in the plugin itself (`created` of its CONFIG line),
so that uninstall removes only that. Checked by hand with OpenCode 1.18.33 (offline, a local model
server: the deny, the lessons in the first message, a warning after the call, the ingest at idle, no
npm wait); the real-agent harness (tests/real_agents/) is to check it end to end.
"""

from __future__ import annotations

import json
import os
import re
import sys
from importlib import resources

from lessonloop.apply.hooks.install.files import Change, HookFileError, Json, missing_folders, read_bytes
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.spec import AgentSpec, OwnFile, home

SHAPE = Shape(grouped=False, base=(("version", 1),))
PLUGIN_FOLDER = "plugin"
OTHER_PLUGIN_FOLDER = "plugins"  # OpenCode reads both
FILE_NAME = "lessonloop.js"
PACKAGE = "@opencode-ai/plugin"
PACKAGE_VERSION = "1.18.33"
LOCK_NAME = "package-lock.json"
MODULES_NAME = "node_modules"
# The lock install writes: only what OpenCode checks before it runs npm (Npm.install).
LOCK_BYTES = (
    json.dumps({"lockfileVersion": 3, "packages": {"": {"dependencies": {PACKAGE: PACKAGE_VERSION}}}}, indent=2) + "\n"
).encode()
PLACEHOLDER = "__LESSONLOOP_CONFIG__"
_CONFIG_LINE = re.compile(r"^const CONFIG = (.*)$", re.MULTILINE)

NPM_NOTE = (
    "OpenCode installs {package} with npm into every config folder holding a plugin, at each start, and "
    "waits for it (about 71 s offline) unless node_modules/ exists there and package-lock.json lists it: "
    "install creates {made} in {folder} for that (lessonloop's plugin needs nothing from the package; "
    "`lessonloop hooks uninstall --agent opencode` removes them)."
)
LOCK_NOTE = (
    "{lock} does not list {package}: OpenCode will run npm at start to install it into {folder} (offline: "
    "about 71 s of retries before the plugins load). lessonloop leaves that file as it is."
)
PROJECT_NOTE = (
    "{path} names this machine's Python ({python}) and OpenCode runs a project's plugins without asking: "
    "keep it out of git (OpenCode's own {folder}/.gitignore, written at its first start, covers node_modules/ "
    "and package-lock.json, not the plugin). `--scope user` keeps the hooks yours, in every project."
)
PURE_NOTE = "OPENCODE_PURE is set here: OpenCode run with it (or with --pure) loads no plugin, lessonloop's included."


def config_folder() -> str:
    """OpenCode's user config folder: $XDG_CONFIG_HOME/opencode, else ~/.config/opencode."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home(), ".config")
    return os.path.join(base, "opencode")


def folder() -> str:
    """OpenCode's data folder (its sessions): it exists once OpenCode was used here."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(home(), ".local", "share")
    return os.path.join(base, "opencode")


def _config_folder(scope: str, root: str) -> str:
    return config_folder() if scope == "user" else os.path.join(root, ".opencode")


def path(scope: str, root: str) -> str:
    return os.path.join(_config_folder(scope, root), PLUGIN_FOLDER, FILE_NAME)


def also_read(scope: str, root: str) -> list[str]:
    """lessonloop's plugin put by hand in `plugins/` (OpenCode would run both); a file of that name
    that is not lessonloop's is none of its business."""
    other = os.path.join(_config_folder(scope, root), OTHER_PLUGIN_FOLDER, FILE_NAME)
    try:
        return [other] if parse(read_bytes(other), other) else []
    except HookFileError:
        return []


def entry(event: str, command: str, seconds: int) -> Json:
    return {"command": command, "timeout": seconds}


def source() -> str:
    """The plugin's JavaScript, CONFIG not filled in."""
    return resources.files("lessonloop.apply.hooks.install").joinpath("opencode_plugin.js").read_text("utf-8")


def render(config: Json) -> bytes:
    """The plugin file holding `config` ({"version", "hooks", "created"}) on its CONFIG line."""
    line = json.dumps(config, sort_keys=False, ensure_ascii=True, separators=(", ", ": "))
    return source().replace(PLACEHOLDER, line, 1).encode("utf-8")


def parse(raw: bytes | None, where: str) -> Json:
    """The CONFIG of lessonloop's plugin file ({} when there is none); HookFileError when the file
    is not lessonloop's plugin or its CONFIG line cannot be read."""
    if raw is None:
        return {}
    text = raw.decode("utf-8", "replace")
    found = _CONFIG_LINE.search(text)
    if found is None or "lessonloop" not in text[: found.start()]:
        raise HookFileError(f"{where} is not lessonloop's OpenCode plugin; nothing was changed")
    try:
        config = json.loads(found.group(1))
    except json.JSONDecodeError as exc:
        raise HookFileError(f"{where}: its CONFIG line is not JSON ({exc.msg}); nothing was changed") from exc
    if not isinstance(config, dict) or not isinstance(config.get("hooks", {}), dict):
        raise HookFileError(f"{where}: its CONFIG line is not lessonloop's; nothing was changed")
    return config


def _created(config: Json) -> Json:
    made = config.get("created")
    return made if isinstance(made, dict) else {}


def lock_lists_package(lock: str) -> bool:
    """Whether the package-lock.json at `lock` lists @opencode-ai/plugin where OpenCode looks."""
    try:
        with open(lock, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return False
    packages = data.get("packages") if isinstance(data, dict) else None
    top = packages.get("") if isinstance(packages, dict) else None
    deps = top.get("dependencies") if isinstance(top, dict) else None
    return isinstance(deps, dict) and PACKAGE in deps


def plan_install(file: str, scope: str, items: dict[str, Json]) -> Change:
    """Writing lessonloop's plugin at `file` with the hook commands `items` (event -> entry), and the
    node_modules/ and package-lock.json OpenCode needs to start without npm, where they are missing."""
    before = read_bytes(file)
    old = parse(before, file)
    made = dict(_created(old))
    config_dir = os.path.dirname(os.path.dirname(file))
    lock, modules = os.path.join(config_dir, LOCK_NAME), os.path.join(config_dir, MODULES_NAME)
    change = Change(file, scope, before, before, list(items), agent="opencode")
    if before is None:
        made["folders"] = missing_folders(file)
    if read_bytes(lock) is None:
        change.also.append(Change(lock, scope, None, LOCK_BYTES, [], agent="opencode"))
        made["lock"] = True
    if not os.path.isdir(modules):
        change.make_dirs.append(modules)
        made["node_modules"] = True
    config: Json = {"version": 1, "hooks": {event: [item] for event, item in items.items()}, "created": made}
    change.after = render(config)
    done = [name for name, new in ((f"{MODULES_NAME}/", bool(change.make_dirs)), (LOCK_NAME, bool(change.also))) if new]
    if done:
        change.notes.append(NPM_NOTE.format(package=PACKAGE, made=" and ".join(done), folder=config_dir))
    elif not lock_lists_package(lock):
        change.notes.append(LOCK_NOTE.format(lock=lock, package=PACKAGE, folder=config_dir))
    return change


def plan_uninstall(file: str, scope: str) -> Change:
    """Removing lessonloop's plugin at `file`, and what its install created beside it when nothing
    else changed it: package-lock.json (the bytes install wrote), node_modules/ (when empty), the
    folders it created for the plugin (when empty)."""
    before = read_bytes(file)
    change = Change(file, scope, before, None, [], agent="opencode")
    if before is None:
        return change
    made = _created(parse(before, file))
    config_dir = os.path.dirname(os.path.dirname(file))
    lock, modules = os.path.join(config_dir, LOCK_NAME), os.path.join(config_dir, MODULES_NAME)
    if made.get("lock"):
        now = read_bytes(lock)
        if now == LOCK_BYTES:
            change.also.append(Change(lock, scope, now, None, [], agent="opencode"))
        elif now is not None:
            change.notes.append(f"{lock} changed since install (OpenCode's npm wrote it?): it was left as it is")
    if made.get("node_modules") and os.path.isdir(modules):
        change.remove_empty_dirs.append(modules)
    folders = made.get("folders")
    change.remove_dirs = folders if isinstance(folders, int) and folders > 0 else 0
    change.restored = True
    return change


def notes(scope: str, file: str, data: Json) -> list[str]:
    said = []
    if scope == "project":
        folder = os.path.dirname(os.path.dirname(file))
        said.append(PROJECT_NOTE.format(path=file, python=sys.executable, folder=folder))
    if os.environ.get("OPENCODE_PURE"):
        said.append(PURE_NOTE)
    return said


def readiness(scope: str, root: str, file: str, data: Json) -> Json:
    """Whether OpenCode will load lessonloop's plugin at once: without npm's wait at start."""
    config_dir = os.path.dirname(os.path.dirname(file))
    why = []
    if not os.path.isdir(os.path.join(config_dir, MODULES_NAME)) or not lock_lists_package(
        os.path.join(config_dir, LOCK_NAME)
    ):
        why.append(
            f"OpenCode will run npm at start to install {PACKAGE} into {config_dir} and load the plugins only "
            "after it (offline: about 71 s): `lessonloop hooks install --agent opencode` creates what it checks"
        )
    if os.environ.get("OPENCODE_PURE"):
        why.append(PURE_NOTE)
    return {"will_run": not os.environ.get("OPENCODE_PURE"), "why": why, "hooks": []}


SPEC = AgentSpec(
    name="opencode",
    label="OpenCode",
    shape=SHAPE,
    scopes=("project", "user"),
    default_scope="project",
    path=path,
    entry=entry,
    folder=folder,
    executables=("opencode",),
    also_read=also_read,
    notes=notes,
    docs="opencode.md",
    readiness=readiness,
    own=OwnFile(parse=parse, plan_install=plan_install, plan_uninstall=plan_uninstall),
)
