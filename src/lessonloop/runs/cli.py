"""The parsers of `lessonloop run` (its help: the run itself starts at runs/command/entry.py) and
`lessonloop runs` (list and show what `lessonloop run` recorded, suggest, patterns, cleanup; suggest
and patterns: suggest_cli.py). Their handlers: handlers/runs.py, cleanup.py, suggest.py, patterns.py.
`lessonloop feedback`, which rates runs, sessions and chats, and `lessonloop cleanup` are the core's
(cli/). docs/runner.md explains them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP, is_built, run_id, time_options
from lessonloop.core.arg_types import positive
from lessonloop.runs import cleanup_part, suggest_cli
from lessonloop.runs.command import options as run_options

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

RUNS_SHOWN = 20  # rows of `runs` without -n or --all (--json lists every one)
_RUN_ID_HELP = "the run's id (12 or #12), as `lessonloop runs` lists it"
_COMMAND_HELP = "only runs of this command: its normalized form exactly, else runs whose command contains this text"
_PROJECT_HELP = "only runs of this project (a folder, or part of its path)"


def register(commands: Commands) -> None:
    """Add `run` and `runs` (`feedback` and `cleanup`, over runs, sessions and chats, are the core's)."""
    _run_command(commands)
    _runs_command(commands)


def _run_command(commands: Commands) -> None:
    """`lessonloop run`, for `lessonloop --help` and `lessonloop run --help`. main() hands a run to
    the runner's own parser before this one is built (its errors exit with 125, as `timeout`)."""
    run = commands.add_parser(
        "run",
        help="run a command, stop it early on an error pattern or a timeout, record how it went",
        usage="lessonloop run [OPTIONS] -- COMMAND [ARGS...]",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if not is_built(run):  # another command runs
        return
    run.description = run_options.DESCRIPTION
    run.epilog = run_options.EPILOG
    run_options.add_run_arguments(run)


def _store_options(parser: argparse.ArgumentParser) -> None:
    # Given before the subcommand (`runs --json show 3`), they are kept: cli.command_parser.
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def _list_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--command", metavar="C", help=_COMMAND_HELP)
    parser.add_argument("-p", "--project", metavar="P", help=_PROJECT_HELP)
    parser.add_argument(
        "--agent",
        metavar="A",
        help="only runs started while a session of this agent was under way in the run's project",
    )
    parser.add_argument(
        "-n",
        "--limit",
        type=positive,
        metavar="N",
        help=f"only the N most recent runs (default {RUNS_SHOWN} in the table; --json lists all)",
    )
    parser.add_argument("--all", action="store_true", help="every run in the table, not only the most recent")
    time_options(parser, "runs started")
    _store_options(parser)


def _runs_command(commands: Commands) -> None:
    runs = commands.add_parser(
        "runs",
        help="the runs `lessonloop run` recorded: status, why it ended, timings, matches, feedback",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "The runs of `lessonloop run`, newest first (without a subcommand: list).\n\n"
            "  runs [list] [--command C] [-p P] [--agent A] [-n N] [--since WHEN] [--until WHEN]\n"
            "                                            a table of runs\n"
            "  runs show RUN_ID                          one run in full: settings, timings,\n"
            "                                            its matches with their context, findings\n"
            "  runs suggest COMMAND...                   the `lessonloop run` options for a command,\n"
            "                                            learned from its recorded runs\n"
            "  runs patterns [--command C]               how well each watched pattern told failures\n"
            "  runs cleanup [--older-than D] [--dry-run] delete the runs older than their retention\n"
            "                                            (`lessonloop cleanup`: sessions and commits too)\n\n"
            "STATUS is lessonloop's exit status; REASON why the run ended (exit, error, success,\n"
            "timeout, idle_timeout, first_output_timeout, max_repeat, interrupted, ...)."
        ),
    )
    _list_options(runs)
    runs.set_defaults(handler="lessonloop.runs.handlers.runs:cmd_runs_list")
    sub = runs.add_subparsers(
        dest="runs_command",
        metavar="SUBCOMMAND",
        title="subcommands",
        help="list (the default), show, suggest, patterns or cleanup",
    )
    listing = sub.add_parser(
        "list",
        help="the runs as a table, newest first",
        description=(
            "List runs, newest first: id, start, normalized command, status, reason, duration, time "
            "to the first output, lines of output, matches and rating."
        ),
    )
    _list_options(listing)
    listing.set_defaults(handler="lessonloop.runs.handlers.runs:cmd_runs_list")
    show = sub.add_parser(
        "show",
        help="one run in full: settings, timings, matches with their context, findings",
        description=(
            "Show one run: the command, where and when it ran, its settings, why and how it ended, "
            "its timings and silences, the patterns it watched for, each match with the lines around "
            "it (numbered within their stream), its findings and its feedback."
        ),
    )
    show.add_argument("run_id", type=run_id, metavar="RUN_ID", help=_RUN_ID_HELP)
    _store_options(show)
    show.set_defaults(handler="lessonloop.runs.handlers.runs:cmd_runs_show")
    suggest_cli.add_suggest(sub)
    suggest_cli.add_patterns(sub)
    _runs_cleanup_command(sub)


def _runs_cleanup_command(commands: Commands) -> None:
    cleanup = commands.add_parser(
        "cleanup",
        help="delete the runs older than their retention (90d by default), not sessions or commits",
        description=(
            "Delete the runs of `lessonloop run` that started longer ago than --older-than (default: "
            "runner.retention of the configuration, 90d), with their matches and patterns; findings "
            "made of their matches are kept, no longer tied to a run. Sessions and commits are left "
            "alone: `lessonloop cleanup` applies their retention too. --dry-run shows what would be deleted; "
            "otherwise it is shown and asked for first, --yes confirms (off a terminal, nothing is deleted "
            "without it)."
        ),
    )
    cleanup_part.add_options(cleanup)
    cleanup.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    cleanup.add_argument(
        "--yes",
        action="store_true",
        help="delete without asking (it asks on a terminal; off one, nothing is deleted without --yes)",
    )
    _store_options(cleanup)
    cleanup.set_defaults(handler="lessonloop.runs.handlers.cleanup:cmd_runs_cleanup")
