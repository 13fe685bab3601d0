"""The parsers of `lessonloop hooks install|uninstall|status`: lessonloop's hooks in each agent's hook
file or plugin (the agents with hooks: core/agent_specs.hook_agents); `hook EVENT`, the command they run
(their handlers: handlers/hooks.py, hooks_status.py, hook.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP, listed_help
from lessonloop.cli.help_words import DEFAULT_AGENT
from lessonloop.core.agent_names import hooks_agent
from lessonloop.core.agent_specs import HookAgentNames

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

_SCOPE_HELP = (
    "local (the default of an agent that has it: a settings file in <DIR> that is yours only, not committed), "
    "project (the other agents' default: the hook file or plugin folder in <DIR>) or user (its file in your home: "
    "every project); an agent takes the scopes its hook file has, and --dry-run names the file. A project's "
    "file is usually committed: its hook command names this machine's Python"
)
_UNINSTALL_SCOPE_HELP = (
    "the scope to remove them from (default: wherever lessonloop's hooks are: local, project, then user)"
)
_STATUS_DB_HELP = "the store to check (default: the one the installed hooks use, $LESSONLOOP_DB or the XDG data folder)"
_DIR_HELP = "the project folder (default: the git top-level of the current folder, else the current folder)"


def register(commands: Commands) -> None:
    """Add `hooks` with its subcommands (`hooks run EVENT` among them) and `hook EVENT`, the
    command the installed hooks run: left out of the command list, it is for the default agent."""
    _hook_command(commands, "hook", listed=False)
    _hooks_command(commands)
    _statusline_command(commands)


def _statusline_command(commands: Commands) -> None:
    line = commands.add_parser(
        "statusline",
        help=f"one line for {DEFAULT_AGENT}'s status line: model, costs, the billing block, lessons here, stops today",
        description=(
            f"Print the line {DEFAULT_AGENT} shows under its prompt (its statusLine command; `hooks install "
            "--statusline` sets it up): the model, the session's cost, the running 5-hour billing block's cost "
            "and time left, the lessons active in the session's project and the calls the hooks stopped today. "
            f"Reads {DEFAULT_AGENT}'s statusline JSON on stdin (model, cwd, cost, rate_limits). As fast as a "
            "hook and read-only; it always prints a line and exits 0, saying what is missing when the store "
            "cannot be read."
        ),  # served before this parser is built, like `lessonloop hook`: see __main__.py
    )
    line.add_argument("--agent", metavar="ID", help=f"whose calls make the billing block (default: {DEFAULT_AGENT}'s)")
    line.add_argument("--db", metavar="PATH", help=DB_HELP)
    line.add_argument("--json", action="store_true", help="the figures as one JSON object instead of the line")
    line.set_defaults(handler="lessonloop.cli.handlers.statusline:cmd_statusline")


def _hook_command(commands: Commands, name: str, *, listed: bool = True) -> None:
    hook = commands.add_parser(
        name,
        **listed_help(
            f"run one {DEFAULT_AGENT} hook: the event's JSON on stdin (what the installed hooks run)", listed
        ),
        description=(
            f"Handle one {DEFAULT_AGENT} hook event: the hook's JSON on stdin, the answer (if any) as JSON on "
            "stdout (so there is no --json). EVENT is SessionStart, UserPromptSubmit, PreToolUse, "
            "PostToolUse, PostToolUseFailure, Stop or SessionEnd; without it the payload's hook_event_name "
            "decides. Always exits 0: any failure means no decision, and is logged next to the store, where "
            "`lessonloop hooks status` shows it. The installed hooks use $LESSONLOOP_DB or the default store; "
            "--db is for trying a hook by hand on another one."
        ),  # `lessonloop hook` itself is served before this parser is even built: see __main__.py
    )
    hook.add_argument("event", nargs="?", metavar="EVENT", help=f"the hook event, as {DEFAULT_AGENT} names it")
    hook.add_argument(
        "--warn-only",
        action="store_true",
        help="PreToolUse: never stop a call (default: a lesson that earned it stops it once)",
    )
    hook.add_argument("--block", action="store_true", help="PreToolUse: deny a call at confidence >= 0.95")
    hook.add_argument("--ask", action="store_true", help="PreToolUse: ask the person at confidence >= 0.75")
    hook.add_argument("--db", metavar="PATH", help=DB_HELP)
    hook.set_defaults(handler="lessonloop.cli.handlers.hook:cmd_hook")


_AGENT_HELP = (
    "the agent, by its hooks' name: %(choices)s (its name in the store works too); default: every agent found "
    f"on this machine (its folder in your home or its command on PATH), {DEFAULT_AGENT} when none is"
)
_UNINSTALL_AGENT_HELP = (
    f"the agent (default: every agent whose files hold lessonloop's hooks, {DEFAULT_AGENT} when none does)"
)
_STATUS_AGENT_HELP = "the agent (default: every agent)"


def _hooks_command(commands: Commands) -> None:
    hooks = commands.add_parser(
        "hooks",
        help="install, uninstall or check lessonloop's hooks in each agent's hook file (`hooks install --help` names the agents)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "lessonloop's hooks give the lessons back to the agent while it works.\n"
            "`install` merges them into each agent's hook file, `uninstall` takes them out\n"
            "again (the original file back byte for byte when nothing else changed it),\n"
            "`status` (the default) shows where they are installed and whether they work."
        ),
    )
    hooks.add_argument(
        "--agent", type=hooks_agent, choices=HookAgentNames(), help=_STATUS_AGENT_HELP
    )  # `hooks` alone is `hooks status`
    hooks.add_argument("--project-dir", metavar="DIR", help=_DIR_HELP)
    hooks.add_argument("--db", metavar="PATH", help=_STATUS_DB_HELP)
    hooks.add_argument("--json", action="store_true", help=JSON_HELP)
    hooks.set_defaults(handler="lessonloop.cli.handlers.hooks_status:cmd_status")
    sub = hooks.add_subparsers(
        dest="hooks_command",
        metavar="SUBCOMMAND",
        title="subcommands",
        help="install, uninstall, status (the default) or run",
    )

    install = sub.add_parser(
        "install",
        help="merge lessonloop's hooks into each agent's hook file (idempotent)",
        description=(
            "Add lessonloop's hook for every event it handles to an agent's hook file (its settings, its hooks "
            "file or, for an agent with plugins, a plugin of lessonloop's own, with the node_modules/ and "
            "package-lock.json that spare the agent an npm install at start); --dry-run names the file and "
            f"the change. Without --agent: every agent found on this machine, each named ({DEFAULT_AGENT} alone when "
            "none is found, as before). Other tools' hooks and "
            "every other setting are kept, in their order; lessonloop's own entries are replaced where they "
            "are, so installing again changes nothing. A file's original bytes are kept in "
            "<file>.lessonloop-backup for `uninstall`."
        ),
    )
    install.add_argument("--agent", type=hooks_agent, choices=HookAgentNames(), help=_AGENT_HELP)
    _file_options(install)
    install.add_argument(
        "--warn-only",
        action="store_true",
        help=(
            "PreToolUse never stops a call, it only warns (default: a lesson of yours that failed in two or more "
            "sessions stops the call once, its lesson as the reason, and the same call sent again runs)"
        ),
    )
    install.add_argument(
        "--block",
        action="store_true",
        help="PreToolUse denies a call every time when a lesson is at least 95%% confident",
    )
    install.add_argument(
        "--statusline",
        action="store_true",
        help=(
            f"also set {DEFAULT_AGENT}'s status line to `lessonloop statusline` (model, costs, the billing block, "
            "lessons here, stops today); a status line of another tool is left as it is"
        ),
    )
    install.add_argument(
        "--ask", action="store_true", help="PreToolUse asks you about a call when a lesson is at least 75%% confident"
    )
    install.set_defaults(handler="lessonloop.cli.handlers.hooks:cmd_install")

    uninstall = sub.add_parser(
        "uninstall",
        help="remove lessonloop's hooks; the original file back when nothing else changed it",
        description=(
            "Remove lessonloop's hooks from an agent's hook file. When nothing else changed the file since "
            "install, its original bytes come back exactly (a file install created is deleted, with the folders "
            "it created); otherwise only lessonloop's entries are removed and your changes are kept."
        ),
    )
    uninstall.add_argument("--agent", type=hooks_agent, choices=HookAgentNames(), help=_UNINSTALL_AGENT_HELP)
    _file_options(uninstall, uninstall=True)
    uninstall.set_defaults(handler="lessonloop.cli.handlers.hooks:cmd_uninstall")

    status = sub.add_parser(
        "status",
        help="where the hooks are installed, whether they work, the hooks' failure log",
        description=(
            "For each agent (whether it was found on this machine) and each of its scopes: the hook file, "
            "lessonloop's events and options, whether their interpreter exists, other tools' hooks; then "
            "whether the hook entry point works, the store it uses, and the last failures the hooks logged. "
            "Exit status 0."
        ),
    )
    status.add_argument("--agent", type=hooks_agent, choices=HookAgentNames(), help=_STATUS_AGENT_HELP)
    status.add_argument("--project-dir", metavar="DIR", help=_DIR_HELP)
    status.add_argument("--db", metavar="PATH", help=_STATUS_DB_HELP)
    status.add_argument("--json", action="store_true", help=JSON_HELP)
    status.set_defaults(handler="lessonloop.cli.handlers.hooks_status:cmd_status")
    _hook_command(sub, "run")


def _file_options(parser: argparse.ArgumentParser, *, uninstall: bool = False) -> None:
    parser.add_argument(
        "--scope",
        choices=("project", "local", "user"),
        default=None,
        help=_UNINSTALL_SCOPE_HELP if uninstall else _SCOPE_HELP,
    )
    parser.add_argument("--project-dir", metavar="DIR", help=_DIR_HELP)
    parser.add_argument("--dry-run", action="store_true", help="print the change as a diff; write nothing")
    parser.add_argument("--json", action="store_true", help="print what was (or would be) done as JSON")
