"""The parsers of the commands that read and report on sessions: ingest, sessions, show, stats
(their handlers: handlers/ingest.py, sessions.py, show.py, stats.py)."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import (
    agent_option,
    bandit_options,
    common_options,
    include_empty_option,
    is_built,
    project_option,
    refresh_option,
    time_options,
)
from lessonloop.core.arg_types import positive

SESSIONS_SHOWN = 20  # rows of `sessions` without -n or --all (--json lists every one)
STATS_ROWS = 12  # rows of `stats`' tables of models and projects without --all: the busiest
STATS_PERIODS = 31  # the latest periods of `stats --by` without --all

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the reads of figures: issue 43)
if TYPE_CHECKING:
    from typing import Any

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Commands) -> None:
    """Add `ingest`, `status`, `sessions`, `show` and `stats`."""
    ingest = commands.add_parser(
        "ingest",
        help="read agent transcripts into the store (only what is new)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if is_built(ingest):  # its description reads every adapter: made only when the help is shown
        from lessonloop.cli.command_parser import describe_later

        describe_later(ingest, INGEST_FIRST_LINE, _ingest_description)
    ingest.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="transcript files, or folders to search for *.jsonl (and other agents' files); a store of its own "
        "(--db, $LESSONLOOP_DB) made from PATHs is refreshed from them only, not from your agents' folders, "
        "until an ingest without PATH adds those",
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
        "--wait",
        action="store_true",
        help="analyze and learn before returning (default: return once what was read is stored, and "
        "analyze and learn in the background; also $LESSONLOOP_INGEST_WAIT=1)",
    )
    ingest.add_argument(
        "--reread",
        action="store_true",
        help="bring back the sessions `cleanup` removed as old, reading the files that held them again whole "
        "(a session removed with `forget` stays forgotten)",
    )
    for mode in ingest_modes():  # the wings' other ways to ingest (history: --git)
        mode.add_options(ingest)
    bandit_options(ingest)
    ingest.set_defaults(handler="lessonloop.cli.handlers.ingest:cmd_ingest")

    status = commands.add_parser(
        "status",
        help="the store's background worker: whether it runs, how its last run ended, what trails",
        description=(
            "Say whether the store's background worker (the analysis and learning that follow an "
            "ingest or a read's refresh) is running, how its last run ended, how far the findings "
            "and lessons trail the captured sessions, and what the store watches: your agents' "
            "folders, the paths named to `ingest` for it."
        ),
    )
    common_options(status)
    status.set_defaults(handler="lessonloop.cli.handlers.status:cmd_status")

    sessions = commands.add_parser(
        "sessions",
        help="list sessions: start, project, model, prompts, tool calls, errors, tokens",
        description=("List sessions, oldest first. A subagent's tool calls and tokens count in its parent session."),
    )
    project_option(sessions)
    agent_option(sessions)
    sessions.add_argument(
        "-n",
        "--limit",
        type=positive,
        metavar="N",
        help=f"only the N most recent sessions (default {SESSIONS_SHOWN} in the table; --json lists all)",
    )
    sessions.add_argument("--all", action="store_true", help="every session in the table, not only the most recent")
    include_empty_option(sessions)
    time_options(sessions)
    common_options(sessions)
    refresh_option(sessions)
    sessions.set_defaults(handler="lessonloop.cli.handlers.sessions:cmd_sessions")

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
    show.add_argument(
        "--at",
        metavar="ID",
        help="open the timeline at a search hit (its `at`: a tool call's id, a message's uuid, a commit's hash; "
        "in a subagent too): the entries around it, it marked",
    )
    common_options(show)
    refresh_option(show)
    show.set_defaults(handler="lessonloop.cli.handlers.show:cmd_show")

    stats = commands.add_parser(
        "stats",
        help="totals: sessions, tool calls and errors per tool, tokens and cost per model; --by day|week|month|block",
        description=(
            'Totals over the store. "sessions" counts main sessions; subagents\' tool calls and tokens are included. '
            "Costs are at list prices from the genai-prices table (docs/costs.md). With --by day, week or month: "
            "one row per period (local time, weeks from Monday) with the tokens by kind, the cost and the models, "
            "like ccusage's daily, weekly and monthly reports; --since/--until then bound the calls' times. "
            "With --by block: each agent's 5-hour billing blocks (start, end, tokens, cost, burn rate; the active "
            "one's time left and projection), like ccusage's blocks report."
        ),
    )
    project_option(stats)
    agent_option(stats)
    stats.add_argument(
        "--by",
        choices=("day", "week", "month", "block"),
        help="one row per day, week or month (tokens, cost, models), or per 5-hour billing block",
    )
    stats.add_argument(
        "--breakdown", action="store_true", help="with --by, each period's agents and models on rows of their own"
    )
    stats.add_argument(
        "--all",
        action="store_true",
        help=f"every row in the tables (default: the {STATS_ROWS} busiest models and projects, the latest "
        f"{STATS_PERIODS} periods; --json has them all)",
    )
    time_options(stats, "sessions started (with --by: calls made)")
    common_options(stats)
    refresh_option(stats)
    stats.set_defaults(handler="lessonloop.cli.handlers.stats:cmd_stats")


INGEST_FIRST_LINE = (
    "Read agent transcripts into the store, only what is new since the last run; the store's "
    "background worker then analyzes and learns (--wait: before returning)."
)


def _ingest_description() -> str:
    """Ingest's help, with where it looks without PATHS: every adapter's places (capture/agents.py)."""
    import textwrap

    from lessonloop.capture.agents import places_in_words

    places = (
        f"Without PATHS, every agent's own places are searched: {places_in_words()}. When none holds "
        "transcripts, a bundled sample is ingested so you can try lessonloop; the first ingest of real "
        "transcripts removes it, with the lessons learned only from it."
    )
    return (
        f"{INGEST_FIRST_LINE}\n\n"
        f"{textwrap.fill(places, 80, break_long_words=False, break_on_hyphens=False)}\n\n"
        "With PATHS, each file's format is recognized by its content (so is each file listed\n"
        "in capture.paths); files of a format lessonloop does not read are listed as not\n"
        "read, and a file read wrong before is read again as what it is. --git reads git\n"
        "history instead (docs/git.md).\n\n"
        "A store of its own (--db, $LESSONLOOP_DB) made from PATHS is what it was made from:\n"
        "its reads (stats, sessions, show, report, search) refresh those paths only, never\n"
        "your agents' folders; an ingest without PATHS adds them (`lessonloop status` says\n"
        "what a store watches). The default store always watches your agents' folders.\n\n"
        "Exit status: 0, unless nothing at all could be read (1: every file failed, not one\n"
        "record of them could be read, or the files are in formats lessonloop does not read)."
    )


def ingest_modes() -> list[Any]:
    """The wings' other ways to ingest (core/wing.py's ingest_modes: modules with
    add_options(parser), chosen(args) and run(args) -> exit status): `--git`, the history wing's."""
    from lessonloop.core.wings import wings

    return [mode for wing in wings() for mode in wing.ingest_modes()]
