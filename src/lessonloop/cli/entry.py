"""The command line's parser and main(): build the parser, parse, run the command's handler.
No logic lives here.

argparse (standard library) keeps the start-up cost of every command, and of the hooks that
share this entry point, to a few milliseconds; rich is imported only to draw tables. The
commands live in the modules of this package; this one builds the parser and runs it. The
package's __init__ loads it on first use (`lessonloop recall` runs without it: recall_commands.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from lessonloop import __version__
from lessonloop.cli.analysis_commands import cmd_analyze, cmd_analyze_stats, cmd_report
from lessonloop.cli.command_parser import CommandParser, keep_parent_options
from lessonloop.cli.common import (
    CommandError,
    agent_option,
    common_options,
    limit_option,
    project_option,
    run_handler,
    time_options,
)
from lessonloop.cli.session_commands import cmd_ingest, cmd_sessions, cmd_show, cmd_stats
from lessonloop.core.arg_types import positive

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
    command's parser is built whole; every other command this module adds itself is registered by
    its name and help only, its options never built (issue 27: every call built all 29 commands'
    parsers). The other modules' commands are not even imported when a known command runs
    (`_register`); `--help` and a word naming no command list every one."""

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
# (tests/test_cli_registry.py checks this list against what each register() adds).
REGISTERED: dict[str, tuple[str, ...]] = {
    "lesson_commands": ("learn", "replay"),
    "review_commands": ("lessons",),
    "recall_commands": ("recall",),
    "hook_commands": ("hook", "hooks"),
    "mcp_commands": ("mcp",),
    "config_commands": ("config",),
    "forget_commands": ("forget",),
    "suggest_commands": ("suggest", "patterns"),
    "run_commands": ("runs", "feedback", "cleanup"),
    "git_commands": ("git", "commits"),
    "file_commands": ("files",),
    "dataset_commands": ("dataset", "export", "quality", "milestones"),
    "web_commands": ("serve",),
    "team_commands": ("team",),
}
_REGISTERED_NAMES = frozenset(name for names in REGISTERED.values() for name in names)
# The commands build_parser itself adds.
INLINE_COMMANDS = frozenset({"ingest", "sessions", "show", "stats", "analyze", "report", "run"})


def _register(module: str, commands: Any, only: str | None) -> None:
    """Run `module`'s register(): always when the whole parser is built (`only` None, "", or a
    word that names no command: argparse lists every choice), else only for the module of `only`."""
    if only and only in _REGISTERED_NAMES | INLINE_COMMANDS and only not in REGISTERED[module]:
        return
    # __import__, not importlib.import_module: it goes through the interpreter's own import, which
    # `-X importtime` reports (tests/test_command_imports.py counts what a command imports).
    __import__(f"lessonloop.cli.{module}", fromlist=["register"]).register(commands)


def _ingest_places() -> str:
    """Ingest's help on where it looks without PATHS: every adapter's places (capture/agents.py)."""
    import textwrap

    from lessonloop.capture.agents import places_in_words

    text = (
        f"Without PATHS, every agent's own places are searched: {places_in_words()}. When none holds "
        "transcripts, a bundled sample is ingested so you can try lessonloop; the first ingest of real "
        "transcripts removes it, with the lessons learned only from it."
    )
    return textwrap.fill(text, 80, break_long_words=False, break_on_hyphens=False)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line: every command, option and help text. `only`: the command about to
    run (its parser alone is built whole; "" builds none: `--version`, `--help`)."""
    parser: argparse.ArgumentParser = CommandParser(  # its subcommands are CommandParsers too
        prog="lessonloop",
        description=(
            "Learn from coding agents' mistakes: read their transcripts into a local store, find "
            "what goes wrong, and give the lessons back. Start with `lessonloop ingest`."
        ),
    )
    parser.add_argument("-V", "--version", action="version", version=f"lessonloop {__version__}")
    commands: Any = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    if only is not None:
        commands = _OnlyOne(commands, only)

    ingest = commands.add_parser(
        "ingest",
        help="read agent transcripts into the store (only what is new)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Read agent transcripts into the store, only what is new since the last run.\n\n"
            f"{_ingest_places() if only in (None, 'ingest') else ''}\n\n"
            "With PATHS, each file's format is recognized by its content; files of a format\n"
            "lessonloop does not read are listed as not read. --git reads git history instead\n"
            "(docs/git.md).\n\n"
            "Exit status: 0, unless nothing at all could be read (1: every file failed, not one\n"
            "record of them could be read, or the files are in formats lessonloop does not read)."
        ),
    )
    ingest.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="transcript files, or folders to search for *.jsonl (and other agents' files)",
    )
    common_options(ingest)
    ingest.add_argument(
        "--no-progress", action="store_true", help="no progress bar (it is shown only on a terminal anyway)"
    )
    ingest.add_argument(
        "--sarif",
        action="append",
        metavar="FILE",
        help="also import a scanner's SARIF results, matched to the session edits they concern (repeatable)",
    )
    ingest.add_argument(
        "--junit",
        action="append",
        metavar="FILE",
        help="also import JUnit XML test results, matched to sessions by file and time (repeatable)",
    )
    ingest.add_argument(
        "--no-analyze", action="store_true", help="only store what was read; do not analyze the sessions or learn"
    )
    ingest.add_argument("--no-learn", action="store_true", help="analyze, but do not learn lessons from the sessions")
    ingest.add_argument(
        "--git",
        action="store_true",
        help="read git history instead: PATHS are repositories (default: those of the projects the store knows); "
        "only commits not stored yet (docs/git.md)",
    )
    _bandit_options(ingest)
    ingest.set_defaults(handler=cmd_ingest)

    sessions = commands.add_parser(
        "sessions",
        help="list sessions: start, project, model, prompts, tool calls, errors, tokens",
        description=("List sessions, oldest first. A subagent's tool calls and tokens count in its parent session."),
    )
    project_option(sessions)
    agent_option(sessions)
    sessions.add_argument("-n", "--limit", type=positive, metavar="N", help="only the N most recent sessions")
    include_empty_option(sessions)
    time_options(sessions)
    common_options(sessions)
    sessions.set_defaults(handler=cmd_sessions)

    show = commands.add_parser(
        "show",
        help="one session's timeline",
        description=(
            "Show one session's timeline: typed prompts, tool calls with their result or error, "
            "corrections, subagents. SESSION_ID may be a unique prefix; subagents are PARENT_ID/AGENT_ID."
        ),
    )
    show.add_argument("session_id", metavar="SESSION_ID", help="the session's id or a unique prefix of it")
    show.add_argument(
        "--all", action="store_true", help="also show system texts (reminders, notifications, command output)"
    )
    common_options(show)
    show.set_defaults(handler=cmd_show)

    stats = commands.add_parser(
        "stats",
        help="totals: sessions, tool calls and errors per tool, tokens and cost per model; --by day|week|month",
        description=(
            'Totals over the store. "sessions" counts main sessions; subagents\' tool calls and tokens are included. '
            "Costs are at list prices from the genai-prices table (docs/costs.md). With --by day, week or month: "
            "one row per period (local time, weeks from Monday) with the tokens by kind, the cost and the models, "
            "like ccusage's daily, weekly and monthly reports; --since/--until then bound the calls' times."
        ),
    )
    project_option(stats)
    agent_option(stats)
    stats.add_argument(
        "--by", choices=("day", "week", "month"), help="one row per day, week or month (tokens, cost, models)"
    )
    stats.add_argument(
        "--breakdown", action="store_true", help="with --by, each period's agents and models on rows of their own"
    )
    time_options(stats, "sessions started (with --by: calls made)")
    common_options(stats)
    stats.set_defaults(handler=cmd_stats)
    _analysis_commands(commands)
    for module in REGISTERED:  # in --help's order, `run` (built here) before suggest
        if module == "suggest_commands":
            _run_command(commands, only)
        _register(module, commands, only)
    keep_parent_options(parser)  # `lessons --json list` keeps its --json
    return parser


def _run_command(commands: argparse._SubParsersAction[argparse.ArgumentParser], only: str | None) -> None:
    """`lessonloop run`, for `lessonloop --help` and `lessonloop run --help`. main() hands a run to
    the runner's own parser before this one is built (its errors exit with 125, as `timeout`)."""
    if only and only in _REGISTERED_NAMES | INLINE_COMMANDS and only != "run":
        return  # another command runs: `run` is not even listed
    import lessonloop.run_command.options as run_options

    run = commands.add_parser(
        "run",
        help="run a command, stop it early on an error pattern or a timeout, record how it went",
        usage="lessonloop run [OPTIONS] -- COMMAND [ARGS...]",
        description=run_options.DESCRIPTION,
        epilog=run_options.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run_options.add_run_arguments(run)


def _bandit_options(parser: argparse.ArgumentParser) -> None:
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--bandit",
        dest="bandit",
        action="store_const",
        const=True,
        default=None,
        help="run bandit on the Python edits of the sessions analyzed (one process; off by default, "
        "or as `[analysis] bandit` says; needs lessonloop[scanners])",
    )
    choice.add_argument(
        "--no-bandit",
        dest="bandit",
        action="store_const",
        const=False,
        help="do not run bandit even when `[analysis] bandit = true` (sessions bandit scanned keep its findings)",
    )


def _analysis_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    analyze = commands.add_parser(
        "analyze",
        help="find blind edits, workflow violations, error classes, corrections, risky diffs, outcomes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Analyze stored sessions: file operations and blind edits, workflow rules\n"
            "(.lessonloop/workflow.toml in the project, else the defaults), tool-error classes,\n"
            "user corrections, the risk of each diff, and how each session ended.\n\n"
            "Sessions unchanged since their last analysis are skipped (--force redoes them).\n"
            "`lessonloop ingest` runs this on what it read. `lessonloop analyze stats` compares\n"
            "habits with outcomes.\n\n"
            "bandit is off unless `[analysis] bandit = true` or --bandit: it scans the sessions\n"
            "analyzed from then on; `analyze --force --bandit` scans the whole history."
        ),
    )
    analyze.add_argument(
        "--session", metavar="ID", help="analyze this session (id or unique prefix) and print its signals"
    )
    analyze.add_argument("--force", action="store_true", help="re-analyze sessions even when unchanged")
    _bandit_options(analyze)
    analyze.add_argument("--no-progress", action="store_true", help="no progress bar")
    project_option(analyze)
    agent_option(analyze)
    common_options(analyze)
    analyze.set_defaults(handler=cmd_analyze)
    sub = analyze.add_subparsers(
        dest="analyze_command", metavar="stats", title="subcommands", help="habits against outcomes (see below)"
    )
    stats = sub.add_parser(
        "stats",
        help="workflow habits against outcomes: counts, rates, Fisher's exact test, effect sizes",
        description=(
            "Compare sessions with and without each habit (not fully compliant, each rule violated, "
            "blind edits, search loops) on each outcome (errors unresolved, tests failing at the end, "
            "corrections needed, changes reverted): counts, rates, Fisher's exact test p-value, "
            "odds ratio with its 95%% interval, and risk difference."
        ),
    )
    project_option(stats)
    agent_option(stats)
    _bandit_options(stats)
    common_options(stats)
    stats.set_defaults(handler=cmd_analyze_stats)

    report = commands.add_parser(
        "report",
        help="per session compliance, blind edits, errors by class, corrections, risk, cost; per project the worst habits",
        description="A report over analyzed sessions (analyzing what changed first).",
    )
    project_option(report)
    agent_option(report)
    limit_option(report, "habits shown per project (default 5; 0: none)", default=5, minimum=0)
    report.add_argument(
        "--html",
        metavar="FILE",
        help="write one self-contained HTML file instead (dashboards and lessons; scripts, styles and data inside, "
        "nothing fetched when viewed; needs the web extra; docs/web.md)",
    )
    report.add_argument(
        "--no-replay",
        action="store_true",
        help="with --html, leave the replay out (it re-runs learning over the history)",
    )
    time_options(report)
    _bandit_options(report)
    include_empty_option(report)
    common_options(report)
    report.set_defaults(handler=cmd_report)


def include_empty_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--include-empty",
        action="store_true",
        help="also list sessions with no typed prompt and no tool call (an agent opened and closed): left out by default",
    )


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
    if arguments[:1] == ["run"]:  # its own parser: status 125 for bad options, the command after --
        from lessonloop.run_command.entry import main as run_main

        return run_main(arguments[1:])
    parser = build_parser(only=_command_word(arguments))
    args = parser.parse_args(arguments)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return run_handler(handler, args)
