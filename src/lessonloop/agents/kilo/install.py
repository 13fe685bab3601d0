"""Kilo Code (CLI 7.7.7, a fork of OpenCode): no command hooks, but OpenCode's JavaScript plugins, so
lessonloop installs the plugin it writes for OpenCode (install/plugin_file.py), its hooks running
`--agent=kilo EVENT` (agents/kilo/hooks.py). Read in Kilo's bundle (the binary of
`@kilocode/cli-linux-x64` 7.7.7) and checked by running it:

- Plugins are loaded from `{plugin,plugins}/*.{ts,js}` of each config folder (ConfigPlugin.load):
  `$XDG_CONFIG_HOME/kilo/` (else `~/.config/kilo/`: the user's), every `.kilo/` and `.kilocode/` (the
  older name) from the working folder up to the worktree's root (the project's; none with
  `KILO_DISABLE_PROJECT_CONFIG`), `~/.kilo/` and `~/.kilocode/`, and `$KILO_CONFIG_DIR`. `.opencode/`
  is not read. A project's plugin runs with no trust step. `KILO_PURE` (`kilo --pure`) loads none.
- At start, for each config folder holding a plugin, Kilo runs npm to install `@kilocode/plugin`
  (its own version, 7.7.7) there and waits for it before it loads the plugins (Config.waitForDependencies):
  about 73 s offline (measured: 95 s for `kilo run` against 23 s), skipped when `node_modules/` exists
  there and `package-lock.json` lists the package (the same `Npm.install` as OpenCode's): install
  creates both when they are missing. Kilo writes the folder's `.gitignore` itself (node_modules,
  package.json, package-lock.json, ...; not the plugin).
"""

from __future__ import annotations

from lessonloop.agents.kilo.spec import SPEC
from lessonloop.apply.hooks.install.plugin_file import PluginAgent

KILO = PluginAgent(
    name=SPEC.folder,
    label=SPEC.name,
    config_name="kilo",
    project_folder=".kilo",
    package="@kilocode/plugin",
    package_version="7.7.7",
    pure_env="KILO_PURE",
    executables=("kilo", "kilocode"),
    docs="kilo.md",
    other_project_folders=(".kilocode",),
    other_user_folders=(".kilo", ".kilocode"),
    npm_wait="about 73 s",
    no_project_env="KILO_DISABLE_PROJECT_CONFIG",
)

path = KILO.path
parse = KILO.parse

SETUP = KILO.spec()
