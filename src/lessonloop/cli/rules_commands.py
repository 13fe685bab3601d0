"""The parser of `lessonloop rules [show|approve|withdraw] [FOLDER]` (its handler: handlers/rules.py):
the workflow rules in force for a project at the call, and this person's approval of the project's
rules file (`.lessonloop/workflow.toml`), which lets its `never` rules stop a call once
(analyze/declared_rules.py, store/approved_rules.py; docs/workflow-rules.md)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import common_options

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

_FOLDER_HELP = "the project's folder (default: the current one) or its rules file"


def register(commands: Commands) -> None:
    """Add `rules`."""
    rules = commands.add_parser(
        "rules",
        help="the workflow rules that act at the call, and your approval of a project's rules file",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "The `never` workflow rules checked before a call runs: lessonloop's own (no force push to\n"
            "main or master, no --no-verify) stop the call once; a project's .lessonloop/workflow.toml\n"
            "is a repository's text (a cloned repository may hold one), so its rules only warn until\n"
            "you approve the file as it is. An approval is of the file's bytes: a change to the file\n"
            "makes its rules warn again until you approve it anew.\n\n"
            "  lessonloop rules                  what acts here, and whether the file is approved\n"
            "  lessonloop rules approve          approve ./.lessonloop/workflow.toml as it is now\n"
            "  lessonloop rules withdraw ~/repo  its rules warn again\n\n"
            "See docs/workflow-rules.md."
        ),
    )
    common_options(rules)
    rules.set_defaults(handler="lessonloop.cli.handlers.rules:cmd_show", folder=None)
    sub = rules.add_subparsers(
        dest="rules_command", metavar="SUBCOMMAND", title="subcommands", help="what to do (default: show)"
    )
    for name, handler, text in (
        ("show", "cmd_show", "the rules that act at the call here, and whether the rules file is approved (default)"),
        ("approve", "cmd_approve", "approve the project's rules file as it is now: its never rules stop once"),
        ("withdraw", "cmd_withdraw", "withdraw your approval of the project's rules file: its rules warn again"),
    ):
        command = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        command.add_argument("folder", nargs="?", metavar="FOLDER", help=_FOLDER_HELP)
        common_options(command)
        command.set_defaults(handler=f"lessonloop.cli.handlers.rules:{handler}")
