"""OpenCode (1.18.33): no command hooks, but JavaScript plugins, loaded from `{plugin,plugins}/*.{js,ts}`
in each of its config folders (project: every `<dir>/.opencode/` from the working folder up to the
worktree's root; user: `$XDG_CONFIG_HOME/opencode/`, else `~/.config/opencode/`). lessonloop writes a
plugin of its own there, `plugin/lessonloop.js` (opencode_plugin.js with the hook commands in it):
each of its hooks runs the command every agent's hooks run, `--agent=opencode EVENT`
(agents/opencode/hooks.py).

At start, OpenCode runs npm to install `@opencode-ai/plugin` into every config folder holding a
plugin, and loads the plugins only once that is done: offline, about 71 s of npm retries. What
install creates to spare that, and what uninstall removes: install/plugin_file.py (shared with Kilo
Code, OpenCode's fork: install/kilo.py). Checked by hand with OpenCode 1.18.33 (offline, a local
model server: the deny, the lessons in the first message, a warning after the call, the ingest at
idle, no npm wait) and end to end in the real-agent harness (tests/real_agents/).
"""

from __future__ import annotations

from lessonloop.agents.opencode.spec import SPEC
from lessonloop.apply.hooks.install.plugin_file import (
    OTHER_PLUGIN_FOLDER,
    PLACEHOLDER,
    PLUGIN_FOLDER,
    SHAPE,
    PluginAgent,
    entry,
    render,
    source,
)

__all__ = ["OTHER_PLUGIN_FOLDER", "PLACEHOLDER", "PLUGIN_FOLDER", "SHAPE", "entry", "render", "source"]

OPENCODE = PluginAgent(
    name=SPEC.folder,
    label=SPEC.name,
    config_name="opencode",
    project_folder=".opencode",
    package="@opencode-ai/plugin",
    package_version="1.18.33",
    pure_env="OPENCODE_PURE",
    executables=("opencode",),
    docs="opencode.md",
)
PACKAGE = OPENCODE.package
PACKAGE_VERSION = OPENCODE.package_version
LOCK_BYTES = OPENCODE.lock_bytes

config_folder = OPENCODE.config_folder
folder = OPENCODE.folder
path = OPENCODE.path
also_read = OPENCODE.also_read
parse = OPENCODE.parse
lock_lists_package = OPENCODE.lock_lists_package
plan_install = OPENCODE.plan_install
plan_uninstall = OPENCODE.plan_uninstall
notes = OPENCODE.notes
readiness = OPENCODE.readiness

SETUP = OPENCODE.spec()
