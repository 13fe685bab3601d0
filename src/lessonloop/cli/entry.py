"""The command line's parser and main(): build the parser, parse, run the command's handler.
No logic lives here.

argparse (standard library) keeps the start-up cost of every command, and of the hooks that
share this entry point, to a few milliseconds; rich is imported only to draw tables. The
commands' parsers live in the modules of this package (and the wings' cli.py), their handlers in
handlers/, imported when their command runs (common.resolve_handler); this one builds the parser
and runs it. The package's __init__ loads it on first use (`lessonloop recall` runs without it:
recall_commands.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from lessonloop import __version__
from lessonloop.cli.command_parser import CommandParser, keep_parent_options
from lessonloop.cli.common import (
    CommandError,
    run_handler,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the reads of figures: issue 43)
if TYPE_CHECKING:
    from typing import Any

__all__ = ["CommandError", "build_parser", "main"]


class _Sink:
    """A stand-in for the parser of a command that is not run: every call on it (add_argument,
    set_defaults, add_subparsers, ...) does nothing and gives another stand-in."""

    def __getattr__(self, _name: str) -> Any:
        return self

    def __call__(self, *_args: Any, **_kwargs: Any) -> Any:
        return self

    def __getitem__(self, _key: Any) -> Any:
        return self

    def __setitem__(self, _key: Any, _value: Any) -> None:
        pass

    def __iter__(self) -> Any:
        return iter(())


class _OnlyOne:
    """The subcommands of the top-level parser when one command runs, or none (`--help`): that
    command's parser is built whole; every other command its module adds is registered by its name
    and help only, its options never built (issue 27: every call built all 29 commands' parsers).
    The other modules are not even imported when a known command runs (`_register`); `--help` and
    a word naming no command list every one."""

    def __init__(self, commands: argparse._SubParsersAction[argparse.ArgumentParser], only: str) -> None:
        self._commands = commands
        self._only = only

    def add_parser(self, name: str, **kwargs: Any) -> Any:
        if name == self._only:
            return self._commands.add_parser(name, **kwargs)
        listed = {"help": kwargs["help"]} if "help" in kwargs else {}  # an old name stays out of the list
        self._commands.add_parser(name, **listed, add_help=False)
        return _Sink()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._commands, name)


# The commands each module of this package registers (`register(commands)`), in the order
# build_parser registers them, so that running one command imports and builds only its module
# (tests/cli/test_cli_registry.py checks this list against what each register() adds). The wings'
# command modules follow (core/wings.py): command_modules() names them all.
REGISTERED: dict[str, tuple[str, ...]] = {
    "session_commands": ("ingest", "status", "sessions", "show", "stats"),
    "analysis_commands": ("analyze", "report"),
    "lesson_commands": ("learn", "replay"),
    "review_commands": ("lessons",),
    "recall_commands": ("recall",),
    "search_commands": ("search",),
    "hook_commands": ("hook", "hooks", "statusline"),
    "mcp_commands": ("mcp",),
    "config_commands": ("config",),
    "forget_commands": ("forget",),
    "feedback_commands": ("feedback",),
    "cleanup_commands": ("cleanup",),
    "web_commands": ("serve",),
    "glossary_commands": ("glossary",),
    "rules_commands": ("rules",),
}


def command_modules() -> dict[str, tuple[str, ...]]:
    """Every command module by its full name, this package's then the wings', with its commands."""
    from lessonloop.core.wings import commands

    return {**{f"lessonloop.cli.{module}": names for module, names in REGISTERED.items()}, **commands()}


def _register(module: str, names: tuple[str, ...], commands: Any, only: str | None, known: frozenset[str]) -> None:
    """Run `module`'s register(): always when the whole parser is built (`only` None, "", or a
    word that names no command: argparse lists every choice), else only for the module of `only`."""
    if only and only in known and only not in names:
        return
    # __import__, not importlib.import_module: it goes through the interpreter's own import, which
    # `-X importtime` reports (tests/cli/test_command_imports.py counts what a command imports).
    __import__(module, fromlist=["register"]).register(commands)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line: every command, option and help text. `only`: the command about to
    run (its parser alone is built whole; "" builds none: `--version`, `--help`)."""
    parser: argparse.ArgumentParser = CommandParser(  # its subcommands are CommandParsers too
        prog="lessonloop",
        description=(
            "Learn from coding agents' mistakes: read their transcripts into a local store, find "
            "what goes wrong, and give the lessons back. Start with `lessonloop ingest`."
        ),
        epilog="What a figure or class means (compliance, INCORRECT_PARAMETER, confidence, MRR, ...): "
        "`lessonloop glossary`.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"lessonloop {__version__}")
    commands: Any = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    if only is not None:
        commands = _OnlyOne(commands, only)

    modules = command_modules()
    known = frozenset(name for names in modules.values() for name in names)
    for module, names in modules.items():  # in --help's order
        _register(module, names, commands, only, known)
    keep_parent_options(parser)  # `lessons --json list` keeps its --json
    return parser


def _command_word(arguments: Sequence[str]) -> str:
    """The command named by `arguments` (the first word that is not an option: the top-level
    parser's options, -h and -V, take no value), or "" when there is none."""
    for word in arguments:
        if word == "--":
            break
        if not word.startswith("-"):
            return word
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]); return the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    if arguments:  # a wing's command with its own parser (`run`: status 125 for bad options, the command after --)
        from lessonloop.core.wings import entry_point

        own = entry_point(arguments[0])
        if own is not None:
            return int(own(arguments[1:]))
    parser = build_parser(only=_command_word(arguments))
    args = parser.parse_args(arguments)
    handler: Callable[[argparse.Namespace], int] | str | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return run_handler(handler, args)
