"""`lessonloop run` (its help: the run itself starts at runs/command/entry.py) and `lessonloop runs`
(list and show what `lessonloop run` recorded, suggest, patterns, cleanup). `lessonloop feedback`,
which rates runs, sessions and chats, and `lessonloop cleanup` are the core's (cli/). docs/runner.md
explains them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import (
    DB_HELP,
    JSON_HELP,
    UsageError,
    emit_json,
    existing_store,
    is_built,
    known_agent,
    open_cli_store,
    project_named,
    run_id,
    shown,
    time_options,
    user_config,
)
from lessonloop.core.arg_types import positive
from lessonloop.runs import cleanup_part

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

    from lessonloop.runner.run_record import RunRecord
    from lessonloop.runs.store.reader import RunDetail

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
    import lessonloop.runs.command.options as run_options

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
    runs.set_defaults(handler=cmd_runs_list)
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
    listing.set_defaults(handler=cmd_runs_list)
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
    show.set_defaults(handler=cmd_runs_show)
    from lessonloop.runs import suggest_cli

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
            "alone: `lessonloop cleanup` applies their retention too. --dry-run shows what would be deleted."
        ),
    )
    cleanup_part.add_options(cleanup)
    cleanup.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    _store_options(cleanup)
    cleanup.set_defaults(handler=cmd_runs_cleanup)


# --- runs ----------------------------------------------------------------------------------------


def cmd_runs_list(args: argparse.Namespace) -> int:
    from lessonloop.runs.store.reader import list_runs

    with open_cli_store(args.db, reading=True) as conn:
        project = project_named(conn, args.project)
        agent = known_agent(conn, args.agent)
        rows = list_runs(
            conn,
            command=args.command,
            limit=args.limit,
            project=project,
            agent=agent,
            since=args.since,
            until=args.until,
        )
        left_out = 0
        if not args.json and args.limit is None and not args.all and len(rows) > RUNS_SHOWN:
            left_out, rows = len(rows) - RUNS_SHOWN, rows[:RUNS_SHOWN]  # newest first: a screenful of them
        empty = None
        if not rows and not args.json:
            filters = [
                ("--command", args.command),
                ("--project", project),
                ("--agent", agent),
                ("-n", args.limit),
                ("--since", args.since),
                ("--until", args.until),
            ]
            empty = _no_runs_text(conn, filters)
    if args.json:
        emit_json([row.to_json() for row in rows])
    elif empty is not None:
        print(empty)
    else:
        _render_list(rows)
        if left_out:
            from lessonloop.cli.common import more_hint

            print(more_hint(left_out, "older run", "-n N shows the N most recent"))
    return 0


def cmd_runs_show(args: argparse.Namespace) -> int:
    from lessonloop.runs.store.reader import get_run

    with open_cli_store(args.db, reading=True) as conn:
        detail = get_run(conn, args.run_id)
    if detail is None:
        raise UsageError(f"no run has the id {args.run_id} (`lessonloop runs` lists them)")
    if args.json:
        emit_json(detail.to_json())
    else:
        print(shown(run_detail_text(detail)))
    return 0


def seconds_text(value: float | None) -> str:
    """Seconds for people: 0.42s, 12.3s, 2m05s, 1h02m."""
    if value is None:
        return "-"
    if value < 10:
        return f"{value:.2f}s"
    if value < 60:
        return f"{value:.1f}s"
    whole = round(value)
    if whole < 3600:
        return f"{whole // 60}m{whole % 60:02d}s"
    return f"{whole // 3600}h{whole % 3600 // 60:02d}m"


def _render_list(rows: list[RunRecord]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from lessonloop.cli.common import console
    from lessonloop.report.render import local_time, one_line

    out = console()
    columns: list[tuple[str, str, list[str]]] = [
        ("ID", "right", [str(row.id) for row in rows]),
        ("STARTED", "left", [local_time(row.started_at) for row in rows]),
        ("COMMAND", "left", [one_line(row.command_norm, 80) for row in rows]),
        ("STATUS", "right", [str(row.exit_status) for row in rows]),
        ("REASON", "left", [_reason(row) for row in rows]),
        ("DURATION", "right", [seconds_text(row.duration) for row in rows]),
        ("FIRST OUT", "right", [seconds_text(row.first_output) for row in rows]),
        ("LINES OUT/ERR", "right", [f"{row.stdout_lines}/{row.stderr_lines}" for row in rows]),
        ("MATCHES", "right", [str(row.match_count) if row.match_count else "" for row in rows]),
        ("RATING", "right", [str(row.rating) if row.rating is not None else "" for row in rows]),
    ]
    from rich.cells import cell_len

    widths = {name: max(len(name), *(cell_len(cell) for cell in cells)) for name, _justify, cells in columns}
    # Each column as wide as its widest cell; the ones that do not fit are left out, the least
    # needed first, and the command takes what is left (at least 12).
    shown = [name for name, _justify, _cells in columns]
    for optional in ("FIRST OUT", "LINES OUT/ERR", "DURATION", "RATING", "MATCHES"):
        fixed = [n for n in shown if n != "COMMAND"]
        if sum(widths[n] for n in fixed) + 2 * (len(shown) - 1) + 12 <= out.width:
            break
        shown.remove(optional)
    fixed_width = sum(widths[n] for n in shown if n != "COMMAND") + 2 * (len(shown) - 1)
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name, justify, _cells in columns:
        if name not in shown:
            continue
        if name == "COMMAND":
            table.add_column(name, no_wrap=True, overflow="ellipsis", max_width=max(12, out.width - fixed_width))
        else:
            table.add_column(name, justify=justify, no_wrap=True, min_width=widths[name])  # type: ignore[arg-type]
    for index, row in enumerate(rows):
        cells = []
        for name, _justify, values in columns:
            if name not in shown:
                continue
            cell = escape(values[index])
            if name == "STATUS" and row.exit_status != 0:
                cell = f"[red]{cell}[/]"
            cells.append(cell)
        table.add_row(*cells)
    out.print(table)
    out.print(f"[dim]{len(rows)} run(s). `lessonloop runs show ID` for one run in full.[/]")


def _reason(row: RunRecord) -> str:
    return row.reason + (" (stopped)" if row.stopped and row.reason not in ("error", "success") else "")


def _end_words(run: RunRecord) -> str:
    """How the run ended, in words: why, and how the command did (its signal named, not -15)."""
    from lessonloop.runner.exit_words import exit_words

    return exit_words(
        reason=run.reason,
        stopped=run.stopped,
        child_status=run.child_status,
        profile=run.profile,
        errors=min(run.match_count, int(run.settings.get("max_count") or 1)),
    )


def _bytes_text(value: int) -> str:
    for limit, suffix in ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "kB")):
        if value >= limit:
            return f"{value / limit:.1f} {suffix}"
    return f"{value} B"


def run_detail_text(detail: RunDetail) -> str:
    """`runs show` as text."""
    from lessonloop.report.render import local_time

    run = detail.run
    lines = [f"Run {run.id}: {run.command}"]
    if run.command_norm != run.command:
        lines.append(f"  normalized     {run.command_norm}")
    lines.append(
        f"  started        {local_time(run.started_at, seconds=True)}, ended {local_time(run.ended_at, seconds=True)}"
    )
    lines.append(f"  folder         {run.cwd or '-'}" + (f"  (project {run.project})" if run.project else ""))
    lines.append(f"  ended          {run.reason}: status {run.exit_status}: {_end_words(run)}")
    lines.append(
        f"  timings        duration {seconds_text(run.duration)}, first output {seconds_text(run.first_output)}, "
        f"first match {seconds_text(run.first_match)}"
    )
    silences = f"  silences       longest {seconds_text(run.longest_idle)}, {run.idle_count} of 1 s or more"
    if run.idle_periods:
        silences += ": " + ", ".join(
            f"{seconds_text(length)} at {seconds_text(start)}" for start, length in run.idle_periods[:5]
        )
    lines.append(silences)
    lines.append(
        f"  output         stdout {run.stdout_lines:,} lines ({_bytes_text(run.stdout_bytes)}), "
        f"stderr {run.stderr_lines:,} lines ({_bytes_text(run.stderr_bytes)})"
    )
    limits = [
        f"{name} {seconds_text(value)}"
        for name, value in (
            ("timeout", run.timeout),
            ("idle timeout", run.idle_timeout),
            ("first output timeout", run.first_output_timeout),
        )
        if value is not None
    ]
    lines.append(
        f"  settings       mode {run.mode}"
        + (f", profile {run.profile}" if run.profile else "")
        + (", " + ", ".join(limits) if limits else ", no time limits")
    )
    if run.rating is not None or run.verdict or run.feedback_note:
        parts = []
        if run.rating is not None:
            parts.append(f"rating {run.rating}/5")
        if run.verdict:
            parts.append(run.verdict.replace("_", " "))
        if run.feedback_note:
            parts.append(f"note: {run.feedback_note}")
        lines.append(f"  feedback       {', '.join(parts)} ({local_time(run.feedback_at)})")
    if detail.patterns:
        lines.append("")
        lines.append("Patterns:")
        width = max(len(p.kind) for p in detail.patterns)
        for p in detail.patterns:
            lines.append(f"  {p.kind:<{width}}  {p.matches:>4} match{'es' if p.matches != 1 else ''}  {p.pattern}")
    lines.append("")
    if detail.matches:
        lines.append("Matches:")
        for m in detail.matches:
            lines.append(f"  #{m.seq} {m.kind} on {m.stream} line {m.line}, at {seconds_text(m.offset)}: /{m.pattern}/")
            numbered = [(m.line - len(m.before) + i, " ", text) for i, text in enumerate(m.before)]
            numbered.append((m.line, ">", m.text))
            numbered += [(m.line + 1 + i, " ", text) for i, text in enumerate(m.after)]
            width = len(str(max(n for n, _, _ in numbered)))
            lines.extend(f"    {mark} {n:>{width}} | {text}" for n, mark, text in numbered)
    else:
        lines.append("No matches.")
    if detail.findings:
        lines.append("")
        lines.append("Findings:")
        for f in detail.findings:
            where = f"{f.path}:{f.line}" if f.path and f.line else (f.path or "")
            lines.append(f"  #{f.id} {f.severity} {f.rule}" + (f" {where}" if where else "") + f": {f.message}")
    return "\n".join(lines)


# --- cleanup -------------------------------------------------------------------------------------


def cmd_runs_cleanup(args: argparse.Namespace) -> int:
    """`runs cleanup`: cleanup's runs part alone, the same output for it."""
    if not existing_store(args.db):
        part = cleanup_part.cleanup(None, args, user_config)
    else:
        with open_cli_store(args.db) as conn:
            part = cleanup_part.cleanup(conn, args, user_config)
    if args.json:
        emit_json(part.to_json())
    else:
        print(cleanup_part.cleanup_text(part.result, part.older_than))
    return 0


def _no_runs_text(conn: sqlite3.Connection, filters: Sequence[tuple[str, object | None]]) -> str:
    """`runs` with no run to show: none recorded yet, or none matching the filters given (named,
    with how many are recorded), as the core's listings say it (cli/empty_results.py)."""
    from lessonloop.cli.empty_results import filters_text, plural
    from lessonloop.runs.store.reader import run_count

    total = run_count(conn)
    if not total:
        return "No runs recorded yet. Run a command with `lessonloop run -- COMMAND`."
    given = [(option, value) for option, value in filters if value is not None]
    return f"No run matches {filters_text(given)}; {plural(total, 'run')} recorded (`lessonloop runs` lists them)."
