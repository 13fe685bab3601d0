"""The command line: parse arguments, call one library function, print. No logic lives here.

The parser and main() are in cli/entry.py; the commands in the other modules of this package.
The names below are loaded on first use: `lessonloop recall` (the commonest reading command, and
what an agent's tools call) parses its own options and imports recall_commands.py alone, without
argparse and the parser's modules (issue 28).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from lessonloop.cli.common import CommandError
    from lessonloop.cli.entry import REGISTERED, build_parser, command_modules, main

__all__ = ["REGISTERED", "CommandError", "build_parser", "command_modules", "main"]


def __getattr__(name: str) -> object:
    if name == "CommandError":
        from lessonloop.cli import common

        return common.CommandError
    if name in ("REGISTERED", "build_parser", "command_modules", "main"):
        from lessonloop.cli import entry

        return getattr(entry, name)
    raise AttributeError(f"module 'lessonloop.cli' has no attribute {name!r}")
