"""The commands that read and report on sessions: ingest, sessions, show, stats."""

from __future__ import annotations

import argparse
import sys

from lessonloop.cli.common import (
    CommandError,
    UsageError,
    agent_option,
    bandit_options,
    common_options,
    console,
    emit_json,
    include_empty_option,
    is_built,
    known_agent,
    more_hint,
    open_cli_store,
    project_option,
    shown,
    time_options,
    user_config,
)
from lessonloop.cli.empty_results import no_sessions_text
from lessonloop.core.arg_types import positive

SESSIONS_SHOWN = 20  # rows of `sessions` without -n or --all (--json lists every one)
STATS_ROWS = 12  # rows of `stats`' tables of models and projects without --all: the busiest
STATS_PERIODS = 31  # the latest periods of `stats --by` without --all

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the reads of figures: issue 43)
if TYPE_CHECKING:
    from typing import Any

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

    import sqlite3

    from lessonloop.pipeline.ingest_job import IngestProgress, IngestReport
    from lessonloop.report.ingest_overview_queries import IngestOverview


def register(commands: Commands) -> None:
    """Add `ingest`, `sessions`, `show` and `stats`."""
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
    for mode in ingest_modes():  # the wings' other ways to ingest (history: --git)
        mode.add_options(ingest)
    bandit_options(ingest)
    ingest.set_defaults(handler=cmd_ingest)

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
    show.add_argument(
        "--at",
        metavar="ID",
        help="open the timeline at a search hit (its `at`: a tool call's id, a message's uuid, a commit's hash; "
        "in a subagent too): the entries around it, it marked",
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
    stats.add_argument(
        "--all",
        action="store_true",
        help=f"every row in the tables (default: the {STATS_ROWS} busiest models and projects, the latest "
        f"{STATS_PERIODS} periods; --json has them all)",
    )
    time_options(stats, "sessions started (with --by: calls made)")
    common_options(stats)
    stats.set_defaults(handler=cmd_stats)


INGEST_FIRST_LINE = "Read agent transcripts into the store, only what is new since the last run."


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
        "With PATHS, each file's format is recognized by its content; files of a format\n"
        "lessonloop does not read are listed as not read. --git reads git history instead\n"
        "(docs/git.md).\n\n"
        "Exit status: 0, unless nothing at all could be read (1: every file failed, not one\n"
        "record of them could be read, or the files are in formats lessonloop does not read)."
    )


def ingest_modes() -> list[Any]:
    """The wings' other ways to ingest (core/wings.py's INGEST_MODES: modules with
    add_options(parser), chosen(args) and run(args) -> exit status): `--git`, the history wing's."""
    from lessonloop.core.wings import modules

    return modules("INGEST_MODES")


def cmd_ingest(args: argparse.Namespace) -> int:
    for mode in ingest_modes():
        if mode.chosen(args):
            status: int = mode.run(args)
            return status
    from lessonloop.pipeline.ingest_job import IngestRequest, ResultsFileError, run_ingest_job
    from lessonloop.store import resolve_db_path

    request = IngestRequest(
        paths=tuple(args.paths) or None,
        sarif=tuple(args.sarif or ()),
        junit=tuple(args.junit or ()),
        analyze=not args.no_analyze,
        learn=not args.no_learn,
        bandit=args.bandit,
        store_file=resolve_db_path(args.db),  # the wings' steps after ingest: a team sync (docs/team.md)
        progress=_ingest_progress(args),
    )
    config = user_config() if not request.results_only else None  # its [projects] place the sessions read
    with open_cli_store(args.db) as conn:
        from lessonloop.core.timestamps import utc_now
        from lessonloop.store.counts import main_sessions

        before, started = main_sessions(conn), utc_now()
        try:
            report = run_ingest_job(conn, request, config)
        except ResultsFileError as exc:
            raise CommandError(str(exc)) from exc
        overview = None if args.json else _overview(conn, report, before, started)
    if args.json:
        emit_json(report.to_json())
    else:
        _print_ingest(report, overview)
    summary = report.summary
    if report.nothing_readable:
        if not args.json and summary is not None:  # nothing readable: sessions were looked for
            where = ", ".join(summary.searched) or "the given paths"
            message = f"nothing could be read from {where}: {summary.nothing_read_reason()}."
            print(f"Error: {shown(message, 'command')}", file=sys.stderr)
        return 1
    if report.nothing_imported:
        if not args.json:
            where = ", ".join(result.path for result in report.imports)
            message = f"nothing could be imported from {where} (the problems above say why)."
            print(f"Error: {shown(message, 'command')}", file=sys.stderr)
        return 1
    return 0


def _ingest_progress(args: argparse.Namespace) -> IngestProgress:
    """The progress bars and spinner of `ingest` (stderr, on a terminal, unless --no-progress):
    the bytes read even with --json, the sessions analyzed and the learning without it."""
    from lessonloop.pipeline.ingest_job import IngestProgress

    if args.no_progress or not sys.stderr.isatty():
        return IngestProgress()
    from lessonloop.report.progress import Busy, CountProgress, TerminalProgress

    busy = not args.json
    learning = None
    if not args.no_analyze and not args.no_learn:
        learning = Busy("learning lessons...", enabled=busy)
    return IngestProgress(
        reading=TerminalProgress(),
        analyzing=CountProgress("analyzing", "sessions") if busy else None,  # sessions done of all, time left
        learning=learning,
    )


def _overview(conn: sqlite3.Connection, report: IngestReport, before: int, started: str) -> IngestOverview | None:
    """What the ingest brought, for its next steps (report/ingest_overview_queries.py); None when
    it read no sessions (results files only)."""
    summary = report.summary
    if summary is None:
        return None
    from lessonloop.report.ingest_overview_queries import ingest_overview

    learned = report.learning is not None and not report.learning.skipped
    first = before == 0 or summary.sample_removed is not None  # nothing of the person's was stored before
    return ingest_overview(conn, summary.main_sessions, started if learned else None, first=first)


def _print_ingest(report: IngestReport, overview: IngestOverview | None) -> None:
    """The ingest's report as text (cli/ingest_summary.py), its analysis' warnings on stderr."""
    from lessonloop.cli.command_parser import help_width
    from lessonloop.cli.ingest_summary import ingest_report_text

    width = help_width() + 2 if sys.stdout.isatty() else 160  # piped: not cut at 80 (as common.console)
    text = ingest_report_text(report, overview, width)
    if text:
        print(shown(text))  # problems may quote a line of a transcript
    if report.analysis is not None:
        for problem in report.analysis.problems:
            print(f"Warning: {problem}", file=sys.stderr)


def cmd_sessions(args: argparse.Namespace) -> int:
    from lessonloop.report.queries import list_sessions
    from lessonloop.store.sessions.ids import short_ids

    with open_cli_store(args.db, reading=True) as conn:
        rows = list_sessions(
            conn,
            args.project,
            args.limit,
            known_agent(conn, args.agent),
            since=args.since,
            until=args.until,
            include_empty=args.include_empty,
        )
        left_out = 0
        if not args.json and args.limit is None and not args.all and len(rows) > SESSIONS_SHOWN:
            left_out = len(rows) - SESSIONS_SHOWN  # a screenful by default: the most recent
            rows = rows[-SESSIONS_SHOWN:]
        empty = None if rows or args.json else no_sessions_text(conn, _filters(args), "sessions")
        shown = {} if args.json else short_ids(conn, [row.id for row in rows])
    if args.json:
        emit_json([row.to_json() for row in rows])
    elif empty is not None:
        print(empty)
    else:
        from lessonloop.report.render import render_sessions

        render_sessions(console(), rows, shown)
        if left_out:
            print(more_hint(left_out, "older session", "-n N shows the N most recent"))
    return 0


def _filters(args: argparse.Namespace) -> list[tuple[str, object | None]]:
    """The session filters given, as options (for the message when nothing matches)."""
    return [
        ("--project", args.project),
        ("--agent", args.agent),
        ("-n", getattr(args, "limit", None)),
        ("--since", getattr(args, "since", None)),
        ("--until", getattr(args, "until", None)),
    ]


def cmd_show(args: argparse.Namespace) -> int:
    from lessonloop.report.queries import item_index, place_of, session_timeline
    from lessonloop.store.sessions.ids import SessionNotFound, resolve_session

    at: int | None = None
    with open_cli_store(args.db, reading=True) as conn:
        try:
            session_id = resolve_session(conn, args.session_id)
            key: str | None = None
            if args.at is not None:
                place = place_of(conn, session_id, args.at)
                if place is None:
                    raise UsageError(
                        f"--at {args.at!r}: no tool call, message or linked commit of session {session_id} "
                        "or its subagents has this id (`lessonloop search --json` gives each hit's `at`)"
                    )
                session_id, key = place
            timeline = session_timeline(conn, session_id)
            at = item_index(timeline, key)
        except SessionNotFound as exc:
            raise UsageError(str(exc)) from exc
    if args.json:
        data = timeline.to_json()
        if args.at is not None:
            data["at"] = {"session": session_id, "index": at}
        emit_json(data)
    else:
        from lessonloop.report.render import render_timeline

        render_timeline(console(), timeline, show_all=args.all, at=at)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    if args.by:
        return _stats_by_period(args)
    if args.breakdown:
        raise UsageError("--breakdown goes with --by day, week or month")
    from lessonloop.report.queries import stats

    with open_cli_store(args.db, reading=True) as conn:
        data = stats(conn, args.project, known_agent(conn, args.agent), since=args.since, until=args.until)
        empty = None
        if not args.json and not data.get("sessions") and not data.get("subagent_sessions"):
            empty = no_sessions_text(conn, _filters(args), "sessions")
    if args.json:
        emit_json(data)
    elif empty is not None:
        print(empty)
    else:
        from lessonloop.report.render import render_stats

        shown_data, left_out = data, list[str]()
        if not args.all:
            shown_data, left_out = _first_rows(data)
        render_stats(console(), shown_data)
        if left_out:
            print(f"Not shown: {', '.join(left_out)} (the least used); --all shows every row.")
    return 0


def _first_rows(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`stats`' figures with at most STATS_ROWS models and projects (the first: the busiest), and
    what was left out, in words."""
    shown = dict(data)
    left_out = []
    for key, what in (("by_agent_model", "model"), ("by_project", "project")):
        rows = data.get(key)
        if rows is None or len(rows) <= STATS_ROWS:
            continue
        more = len(rows) - STATS_ROWS
        shown[key] = dict(list(rows.items())[:STATS_ROWS]) if isinstance(rows, dict) else rows[:STATS_ROWS]
        left_out.append(f"{more:,} {what}{'' if more == 1 else 's'}")
    return shown, left_out


def _stats_by_period(args: argparse.Namespace) -> int:
    """`stats --by day|week|month` (report/usage_queries.py)."""
    from lessonloop.report.usage_queries import usage_periods

    with open_cli_store(args.db, reading=True) as conn:
        data = usage_periods(conn, args.by, args.project, known_agent(conn, args.agent), args.since, args.until)
        empty = None
        if not args.json and not data["periods"]:
            empty = no_sessions_text(conn, _filters(args), "token usage")
    if args.json:
        emit_json(data)
    elif empty is not None:
        print(empty)
    else:
        from lessonloop.report.usage_render import render_usage_periods

        periods = data["periods"]
        earlier = 0 if args.all else max(0, len(periods) - STATS_PERIODS)
        render_usage_periods(console(), {**data, "periods": periods[earlier:]}, breakdown=args.breakdown)
        if earlier:
            print(more_hint(earlier, f"earlier {args.by}", "in the total; --since WHEN starts later"))
    return 0
