"""lessonloop's JavaScript plugin (plugin.js, the hook commands on its CONFIG line) for the agents
whose hooks are OpenCode's plugins: OpenCode (install/opencode.py) and its fork Kilo Code
(install/kilo.py). One `PluginAgent` says what differs between them: the config folders the plugin
goes to, the npm package the agent installs beside a plugin at start, the variable that turns
plugins off; the plugin, its CONFIG line and what install and uninstall do are the same.

Both agents (OpenCode 1.18.33, Kilo Code 7.7.7) load plugins from `{plugin,plugins}/*.{js,ts}` in
each of their config folders, and at start run npm (Arborist, in-process) to install their plugin
package into every config folder holding a plugin, loading the plugins only once it is done:
offline, over a minute of retries (about 71 s in OpenCode, 73 s in Kilo, measured). `Npm.install` skips that when `<dir>/node_modules/` exists and
`<dir>/package-lock.json` lists the package in `packages[""].dependencies` (read in both bundles):
install creates both when they are missing (lessonloop's plugin needs nothing from the package) and
says so; uninstall removes them, when nothing else changed them, and nothing else. What install
created is written in the plugin itself (`created` of its CONFIG line), so that uninstall removes
only that.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from importlib import resources

from lessonloop.apply.hooks.install.files import Change, HookFileError, Json, missing_folders, read_bytes
from lessonloop.apply.hooks.install.hook_lists import Shape
from lessonloop.apply.hooks.install.hook_setup import HookSetup, OwnFile, home

SHAPE = Shape(grouped=False, base=(("version", 1),))
PLUGIN_FOLDER = "plugin"
OTHER_PLUGIN_FOLDER = "plugins"  # both agents read both
FILE_NAME = "lessonloop.js"
LOCK_NAME = "package-lock.json"
MODULES_NAME = "node_modules"
PLACEHOLDER = "__LESSONLOOP_CONFIG__"
_CONFIG_LINE = re.compile(r"^const CONFIG = (.*)$", re.MULTILINE)

NPM_NOTE = (
    "{label} installs {package} with npm into every config folder holding a plugin, at each start, and "
    "waits for it ({wait} offline) unless node_modules/ exists there and package-lock.json lists it: "
    "install creates {made} in {folder} for that (lessonloop's plugin needs nothing from the package; "
    "`lessonloop hooks uninstall --agent {agent}` removes them)."
)
LOCK_NOTE = (
    "{lock} does not list {package}: {label} will run npm at start to install it into {folder} (offline: "
    "{wait} of retries before the plugins load). lessonloop leaves that file as it is."
)
PROJECT_NOTE = (
    "{path} names this machine's Python ({python}) and {label} runs a project's plugins without asking: "
    "keep it out of git ({label}'s own {folder}/.gitignore, written at its first start, covers node_modules/ "
    "and package-lock.json, not the plugin). `--scope user` keeps the hooks yours, in every project."
)
PURE_NOTE = "{env} is set here: {label} run with it (or with --pure) loads no plugin, lessonloop's included."
NO_PROJECT_NOTE = "{env} is set here: {label} run with it reads no project config folder, {folder} included."


def source() -> str:
    """The plugin's JavaScript, CONFIG not filled in."""
    return resources.files("lessonloop.apply.hooks.install").joinpath("opencode_plugin.js").read_text("utf-8")


def render(config: Json) -> bytes:
    """The plugin file holding `config` ({"version", "hooks", "created"}) on its CONFIG line."""
    line = json.dumps(config, sort_keys=False, ensure_ascii=True, separators=(", ", ": "))
    return source().replace(PLACEHOLDER, line, 1).encode("utf-8")


def entry(event: str, command: str, seconds: int) -> Json:
    return {"command": command, "timeout": seconds}


def _created(config: Json) -> Json:
    made = config.get("created")
    return made if isinstance(made, dict) else {}


def _config_dir(file: str) -> str:
    """The config folder of the plugin file `<dir>/plugin/lessonloop.js`."""
    return os.path.dirname(os.path.dirname(file))


@dataclass(frozen=True)
class PluginAgent:
    """An agent that runs lessonloop's plugin, and where (each checked in its own bundle)."""

    name: str  # as `--agent` names it
    label: str
    config_name: str  # its folder in $XDG_CONFIG_HOME (user config) and $XDG_DATA_HOME (sessions)
    project_folder: str  # the project's config folder install writes to
    package: str  # the package it installs with npm beside a plugin at start
    package_version: str  # the version it asks npm for (its own)
    pure_env: str  # set, no plugin is loaded
    executables: tuple[str, ...]
    docs: str
    other_project_folders: tuple[str, ...] = ()  # other project config folders it reads plugins from
    other_user_folders: tuple[str, ...] = ()  # folders in HOME it reads plugins from too
    npm_wait: str = "about 71 s"  # offline, before the plugins load (measured)
    no_project_env: str = ""  # set, the agent reads no project config folder (its plugins included)

    @property
    def lock_bytes(self) -> bytes:
        """The lock install writes: only what the agent checks before it runs npm (Npm.install)."""
        lock = {"lockfileVersion": 3, "packages": {"": {"dependencies": {self.package: self.package_version}}}}
        return (json.dumps(lock, indent=2) + "\n").encode()

    def config_folder(self) -> str:
        """The user config folder: $XDG_CONFIG_HOME/<name>, else ~/.config/<name>."""
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home(), ".config")
        return os.path.join(base, self.config_name)

    def folder(self) -> str:
        """The agent's data folder (its sessions): it exists once the agent was used here."""
        base = os.environ.get("XDG_DATA_HOME") or os.path.join(home(), ".local", "share")
        return os.path.join(base, self.config_name)

    def scope_folder(self, scope: str, root: str) -> str:
        return self.config_folder() if scope == "user" else os.path.join(root, self.project_folder)

    def path(self, scope: str, root: str) -> str:
        return os.path.join(self.scope_folder(scope, root), PLUGIN_FOLDER, FILE_NAME)

    def also_read(self, scope: str, root: str) -> list[str]:
        """lessonloop's plugin put by hand where the agent loads plugins from too (it would run both):
        `plugins/` beside `plugin/`, the scope's other config folders. A file of that name that is
        not lessonloop's is none of its business."""
        if scope == "user":
            folders = [self.config_folder(), *(os.path.join(home(), name) for name in self.other_user_folders)]
        else:
            folders = [os.path.join(root, name) for name in (self.project_folder, *self.other_project_folders)]
        mine = self.path(scope, root)
        found = []
        for folder in folders:
            for plugins in (PLUGIN_FOLDER, OTHER_PLUGIN_FOLDER):
                other = os.path.join(folder, plugins, FILE_NAME)
                try:
                    if other != mine and self.parse(read_bytes(other), other):
                        found.append(other)
                except HookFileError:
                    continue
        return found

    def parse(self, raw: bytes | None, where: str) -> Json:
        """The CONFIG of lessonloop's plugin file ({} when there is none); HookFileError when the file
        is not lessonloop's plugin or its CONFIG line cannot be read."""
        if raw is None:
            return {}
        text = raw.decode("utf-8", "replace")
        found = _CONFIG_LINE.search(text)
        if found is None or "lessonloop" not in text[: found.start()]:
            raise HookFileError(f"{where} is not lessonloop's {self.label} plugin; nothing was changed")
        try:
            config = json.loads(found.group(1))
        except json.JSONDecodeError as exc:
            raise HookFileError(f"{where}: its CONFIG line is not JSON ({exc.msg}); nothing was changed") from exc
        if not isinstance(config, dict) or not isinstance(config.get("hooks", {}), dict):
            raise HookFileError(f"{where}: its CONFIG line is not lessonloop's; nothing was changed")
        return config

    def lock_lists_package(self, lock: str) -> bool:
        """Whether the package-lock.json at `lock` lists the agent's package where it looks."""
        try:
            with open(lock, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            return False
        packages = data.get("packages") if isinstance(data, dict) else None
        top = packages.get("") if isinstance(packages, dict) else None
        deps = top.get("dependencies") if isinstance(top, dict) else None
        return isinstance(deps, dict) and self.package in deps

    def plan_install(self, file: str, scope: str, items: dict[str, Json]) -> Change:
        """Writing lessonloop's plugin at `file` with the hook commands `items` (event -> entry), and the
        node_modules/ and package-lock.json the agent needs to start without npm, where they are missing."""
        before = read_bytes(file)
        old = self.parse(before, file)
        made = dict(_created(old))
        config_dir = _config_dir(file)
        lock, modules = os.path.join(config_dir, LOCK_NAME), os.path.join(config_dir, MODULES_NAME)
        change = Change(file, scope, before, before, list(items), agent=self.name)
        if before is None:
            made["folders"] = missing_folders(file)
        if read_bytes(lock) is None:
            change.also.append(Change(lock, scope, None, self.lock_bytes, [], agent=self.name))
            made["lock"] = True
        if not os.path.isdir(modules):
            change.make_dirs.append(modules)
            made["node_modules"] = True
        config: Json = {"version": 1, "hooks": {event: [item] for event, item in items.items()}, "created": made}
        change.after = render(config)
        done = [n for n, new in ((f"{MODULES_NAME}/", bool(change.make_dirs)), (LOCK_NAME, bool(change.also))) if new]
        said = {
            "label": self.label,
            "package": self.package,
            "folder": config_dir,
            "agent": self.name,
            "wait": self.npm_wait,
        }
        if done:
            change.notes.append(NPM_NOTE.format(made=" and ".join(done), **said))
        elif not self.lock_lists_package(lock):
            change.notes.append(LOCK_NOTE.format(lock=lock, **said))
        return change

    def plan_uninstall(self, file: str, scope: str) -> Change:
        """Removing lessonloop's plugin at `file`, and what its install created beside it when nothing
        else changed it: package-lock.json (the bytes install wrote), node_modules/ (when empty), the
        folders it created for the plugin (when empty)."""
        before = read_bytes(file)
        change = Change(file, scope, before, None, [], agent=self.name)
        if before is None:
            return change
        made = _created(self.parse(before, file))
        config_dir = _config_dir(file)
        lock, modules = os.path.join(config_dir, LOCK_NAME), os.path.join(config_dir, MODULES_NAME)
        if made.get("lock"):
            now = read_bytes(lock)
            if now == self.lock_bytes:
                change.also.append(Change(lock, scope, now, None, [], agent=self.name))
            elif now is not None:
                change.notes.append(
                    f"{lock} changed since install ({self.label}'s npm wrote it?): it was left as it is"
                )
        if made.get("node_modules") and os.path.isdir(modules):
            change.remove_empty_dirs.append(modules)
        folders = made.get("folders")
        change.remove_dirs = folders if isinstance(folders, int) and folders > 0 else 0
        change.restored = True
        return change

    def _turned_off(self, scope: str, file: str) -> list[str]:
        """What in this environment keeps the agent from loading the plugin at `file`."""
        said = []
        if os.environ.get(self.pure_env):
            said.append(PURE_NOTE.format(env=self.pure_env, label=self.label))
        if scope == "project" and self.no_project_env and os.environ.get(self.no_project_env):
            said.append(NO_PROJECT_NOTE.format(env=self.no_project_env, label=self.label, folder=_config_dir(file)))
        return said

    def notes(self, scope: str, file: str, data: Json) -> list[str]:
        said = []
        if scope == "project":
            said.append(
                PROJECT_NOTE.format(path=file, python=sys.executable, folder=_config_dir(file), label=self.label)
            )
        return said + self._turned_off(scope, file)

    def readiness(self, scope: str, root: str, file: str, data: Json) -> Json:
        """Whether the agent will load lessonloop's plugin at once: without npm's wait at start."""
        config_dir = _config_dir(file)
        why = []
        if not os.path.isdir(os.path.join(config_dir, MODULES_NAME)) or not self.lock_lists_package(
            os.path.join(config_dir, LOCK_NAME)
        ):
            why.append(
                f"{self.label} will run npm at start to install {self.package} into {config_dir} and load the "
                f"plugins only after it (offline: {self.npm_wait}): `lessonloop hooks install --agent {self.name}` "
                "creates what it checks"
            )
        off = self._turned_off(scope, file)
        return {"will_run": not off, "why": why + off, "hooks": []}

    def spec(self) -> HookSetup:
        return HookSetup(
            name=self.name,
            label=self.label,
            shape=SHAPE,
            scopes=("project", "user"),
            default_scope="project",
            path=self.path,
            entry=entry,
            folder=self.folder,
            executables=self.executables,
            also_read=self.also_read,
            notes=self.notes,
            docs=self.docs,
            readiness=self.readiness,
            own=OwnFile(parse=self.parse, plan_install=self.plan_install, plan_uninstall=self.plan_uninstall),
        )
