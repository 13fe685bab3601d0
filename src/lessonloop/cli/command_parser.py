"""The argparse parser class of the command line, and the rule for options given to a command
that has subcommands.

Three things plain argparse gets wrong for a tree of subcommands:

- An unknown option is handed up to the top-level parser, which reports it with its own usage
  (`usage: lessonloop [-h] [-V] COMMAND ...`). `CommandParser` reports it where it was given,
  with that (sub)command's usage: `usage: lessonloop lessons list [-h] ...`.
- An option both a command and its subcommand define (`lessons --json list`) is set by the
  command, then overwritten by the subcommand's default. `keep_parent_options` makes such an
  option in the subcommand default to "not given", so the value given before the subcommand
  stays (and one given after it still wins).
- A mistyped word is refused with every choice, the old names kept for compatibility included.
  `CommandParser` says `lessonloop: unknown command 'sesions'. Did you mean 'sessions'?` and lists
  the listed commands only; a mistyped option likewise (`--jsn`: `Did you mean '--json'?`), and
  a value out of an option's choices gets the nearest one (difflib's closest match, as Python
  3.14's suggest_on_error does).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence

from lessonloop.cli.help_words import AGENT_IDS, DEFAULT_AGENT

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the reads of figures: issue 43)
if TYPE_CHECKING:
    from typing import Any, NoReturn


def help_width() -> int:
    """The width argparse's help is wrapped to, as shutil.get_terminal_size gives it ($COLUMNS,
    else the terminal's, else 80) less 2, found without importing shutil (with bz2, lzma and
    fnmatch: argparse imports it for every parser it builds, help shown or not)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def _named(text: str | None) -> str | None:
    if text is None or "{" not in text:
        return text
    if DEFAULT_AGENT in text:
        from lessonloop.core.agent_specs import default_spec

        text = text.replace(DEFAULT_AGENT, default_spec().name)
    if AGENT_IDS in text:
        from lessonloop.capture.agents import agents

        text = text.replace(AGENT_IDS, ", ".join(agents()))
    return text


class CommandParser(argparse.ArgumentParser):
    """argparse that never hands unknown arguments up: the (sub)command given them reports them
    with its own usage (exit status 2). Its subcommands' parsers are of this class too."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self._unknown_option(extras)
            self.error("unrecognized arguments: " + " ".join(extras))
        return parsed, extras

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """A word out of the choices: an unknown (sub)command said with the nearest listed one
        and the listed ones only; any other value out of its choices, with the nearest one."""
        choices = action.choices
        if choices is None or value in choices:
            return
        if isinstance(action, argparse._SubParsersAction):
            self._unknown_command(action, str(value))
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as exc:
            near = _nearest(str(value), [str(choice) for choice in choices])
            if near is None:
                raise
            raise argparse.ArgumentError(action, f"{exc.message}. Did you mean {near!r}?") from None

    def _unknown_command(self, action: argparse._SubParsersAction[Any], word: str) -> NoReturn:
        listed = [choice.dest for choice in action._choices_actions]  # those with a help: not the old names
        what = "command" if " " not in self.prog else "subcommand"
        near = _nearest(word, listed)
        message = f"unknown {what} {word!r}." + (f" Did you mean {near!r}?" if near else "")
        self._fail(f"{message}\n{what.capitalize()}s: {', '.join(listed)}")

    def _unknown_option(self, extras: list[str]) -> None:
        """The first unknown option that is close to one of this parser's: said with it."""
        options = [
            option
            for action in self._actions
            if action.help is not argparse.SUPPRESS
            for option in action.option_strings
            if option.startswith("--")
        ]
        for word in extras:
            if word == "--":
                return
            if word.startswith("--"):
                name = word.split("=", 1)[0]
                # Compared without their dashes, which every option shares: --token is not --json.
                near = _nearest(name[2:], [option[2:] for option in options])
                if near is not None:
                    self._fail(f"unknown option {name!r}. Did you mean '--{near}'?")

    def _fail(self, message: str) -> NoReturn:
        """A usage error in the form `PROG: MESSAGE` after the usage (exit status 2), redacted."""
        from lessonloop.secrets.redaction import (
            redact_shown as redact,
        )  # what is shown, exported or sent: the rules alone

        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {redact(message, 'command')[0]}\n")

    # The whole description, made when the help is shown (`describe_later`): a command's run
    # does not pay for a help text it never prints.
    description_of: Callable[[], str] | None = None

    def format_help(self) -> str:
        if self.description_of is not None:
            self.description, self.description_of = self.description_of(), None
        self.description, self.epilog = _named(self.description), _named(self.epilog)
        for action in self._actions:
            action.help = _named(action.help)
            if isinstance(action, argparse._SubParsersAction):
                for listed in action._choices_actions:
                    listed.help = _named(listed.help)
        return super().format_help()

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter: type[argparse.HelpFormatter] = self.formatter_class  # type: ignore[assignment]
        return formatter(prog=self.prog, width=help_width())

    def error(self, message: str) -> NoReturn:
        """argparse's usage error, its message redacted (it quotes the value given: `--db
        postgres://u:pw@host`, an unknown word that was a token)."""
        from lessonloop.secrets.redaction import (
            redact_shown as redact,
        )  # what is shown, exported or sent: the rules alone

        super().error(redact(message, "command")[0])


def describe_later(parser: argparse.ArgumentParser, first_line: str, make: Callable[[], str]) -> None:
    """Give `parser` the description `make()` returns, made only when its help is shown (until
    then it is `first_line`, which the description starts with)."""
    parser.description = first_line
    if isinstance(parser, CommandParser):
        parser.description_of = make
    else:
        parser.description = make()


def _nearest(word: str, choices: list[str]) -> str | None:
    """The choice closest to a mistyped `word` (difflib's ratio, at least 0.6), or None."""
    import difflib

    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return found[0] if found else None


def subcommands(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """The direct subcommands of `parser`, by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def walk(parser: argparse.ArgumentParser, name: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """`parser` and every (sub)command under it, each with its full name ("lessons list")."""
    yield name, parser
    for sub_name, sub in subcommands(parser):
        yield from walk(sub, f"{name} {sub_name}".strip())


def option_dests(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """The optional arguments of `parser` (not -h), by their destination."""
    return {
        action.dest: action
        for action in parser._actions
        if action.option_strings and not isinstance(action, argparse._HelpAction | argparse._VersionAction)
    }


def keep_parent_options(parser: argparse.ArgumentParser) -> None:
    """For every command with subcommands: an option the subcommand shares with it defaults to
    "not given" in the subcommand, so `lessons --json list` keeps the --json (argparse would
    reset it to the subcommand's default)."""
    parent_options = option_dests(parser)
    for _name, sub in subcommands(parser):
        for action in sub._actions:  # every option of the dest: --bandit and --no-bandit share one
            if action.option_strings and action.dest in parent_options:
                action.default = argparse.SUPPRESS
        keep_parent_options(sub)
