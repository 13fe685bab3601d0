"""The command line: parse arguments, call one library function, print. No logic lives here.

argparse (standard library) keeps the start-up cost of every command, and of the hooks that
share this entry point, to a few milliseconds; rich is imported only to draw tables.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from lessonloop import __version__

if TYPE_CHECKING:
    from rich.console import Console

DB_HELP = (
    "the store, a SQLite file (default: $LESSONLOOP_DB, else "
    "$XDG_DATA_HOME/lessonloop/lessonloop.db, ~/.local/share when XDG_DATA_HOME is unset)"
)
JSON_HELP = "print JSON instead of a table"


class CommandError(Exception):
    """A failure to report as `Error: ...` with exit status 1."""


def _console() -> Console:
    from rich.console import Console

    # Piped output is read in files and pagers: do not wrap it at 80 columns.
    width = None if sys.stdout.isatty() else 160
    return Console(highlight=False, soft_wrap=False, width=width, file=sys.stdout)


def _emit_json(data: Any) -> None:
    from lessonloop.json_codec import dumps

    sys.stdout.write(dumps(data, indent=True) + "\n")


@contextmanager
def _store(db: str | None) -> Iterator[sqlite3.Connection]:
    """Open the store, turning its failures into one clear message naming the file."""
    from lessonloop.store import StoreError, open_store, resolve_db_path
    from lessonloop.store.connection import ENV_BUSY_TIMEOUT, busy_timeout_ms

    path = resolve_db_path(db)
    try:
        conn = open_store(path)
    except StoreError as exc:
        raise CommandError(str(exc)) from exc
    try:
        yield conn
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise CommandError(
                f"the store {path} is locked by another process (waited {busy_timeout_ms() / 1000:g} s; "
                f"${ENV_BUSY_TIMEOUT} sets the wait); what was stored so far is kept"
            ) from exc
        raise CommandError(f"the store {path} failed: {exc}") from exc
    except sqlite3.DatabaseError as exc:
        raise CommandError(f"the store {path} is damaged or not a lessonloop store: {exc}") from exc
    finally:
        conn.close()


# ---------------------------------------------------------------------------- commands


def cmd_ingest(args: argparse.Namespace) -> int:
    from lessonloop.capture.ingest import discover
    from lessonloop.capture.ingest import ingest as run_ingest

    sources, summary = discover(list(args.paths) or None)
    with _store(args.db) as conn:
        progress = None
        if not args.no_progress and sys.stderr.isatty():
            from lessonloop.report.progress import TerminalProgress

            progress = TerminalProgress()
        run_ingest(conn, sources, summary, progress=progress)
        stats_data = None
        if summary.used_sample:
            from lessonloop.report.queries import stats

            stats_data = stats(conn)
    if args.json:
        data = summary.to_json()
        if stats_data is not None:
            data["stats"] = stats_data
        _emit_json(data)
    else:
        from lessonloop.report.render import ingest_summary_text

        print(ingest_summary_text(summary))
        if stats_data is not None:
            from lessonloop.report.render import render_stats

            console = _console()
            console.print()
            render_stats(console, stats_data)
            console.print(
                "\nNext: [bold]lessonloop sessions[/] lists the sessions, "
                "[bold]lessonloop show ID[/] shows one, [bold]lessonloop stats[/] sums them up."
            )
    if summary.nothing_readable:
        if not args.json:
            where = ", ".join(summary.searched) or "the given paths"
            print(f"Error: nothing could be read from {where}.", file=sys.stderr)
        return 1
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    from lessonloop.report.queries import list_sessions

    with _store(args.db) as conn:
        rows = list_sessions(conn, args.project, args.limit)
    if args.json:
        _emit_json([row.to_json() for row in rows])
    else:
        from lessonloop.report.render import render_sessions

        render_sessions(_console(), rows)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from lessonloop.report.queries import SessionNotFound, resolve_session, session_timeline

    with _store(args.db) as conn:
        try:
            timeline = session_timeline(conn, resolve_session(conn, args.session_id))
        except SessionNotFound as exc:
            raise CommandError(str(exc)) from exc
    if args.json:
        _emit_json(timeline.to_json())
    else:
        from lessonloop.report.render import render_timeline

        render_timeline(_console(), timeline, show_all=args.all)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from lessonloop.report.queries import stats

    with _store(args.db) as conn:
        data = stats(conn, args.project)
    if args.json:
        _emit_json(data)
    else:
        from lessonloop.report.render import render_stats

        render_stats(_console(), data)
    return 0


# ---------------------------------------------------------------------------- parser


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {value}")
    return value


def _project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p", "--project", metavar="P", help="only sessions of this project (a folder, or part of its path)"
    )


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every command, option and help text."""
    parser = argparse.ArgumentParser(
        prog="lessonloop",
        description=(
            "Learn from coding agents' mistakes: read their transcripts into a local store, find "
            "what goes wrong, and give the lessons back. Start with `lessonloop ingest`."
        ),
    )
    parser.add_argument("-V", "--version", action="version", version=f"lessonloop {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    ingest = commands.add_parser(
        "ingest",
        help="read agent transcripts into the store (only what is new)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Read agent transcripts into the store, only what is new since the last run.\n\n"
            "Without PATHS, Claude Code's folders are searched (~/.claude/projects,\n"
            "$CLAUDE_CONFIG_DIR/projects, ~/.config/claude/projects); when they hold no\n"
            "transcripts, a bundled sample is ingested so you can try lessonloop.\n\n"
            "Exit status: 0, unless nothing at all could be read."
        ),
    )
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="transcript files, or folders to search for *.jsonl")
    _common(ingest)
    ingest.add_argument(
        "--no-progress", action="store_true", help="no progress bar (it is shown only on a terminal anyway)"
    )
    ingest.set_defaults(handler=cmd_ingest)

    sessions = commands.add_parser(
        "sessions",
        help="list sessions: start, project, model, prompts, tool calls, errors, tokens",
        description=("List sessions, oldest first. A subagent's tool calls and tokens count in its parent session."),
    )
    _project_option(sessions)
    sessions.add_argument("-n", "--limit", type=_non_negative, metavar="N", help="only the N most recent sessions")
    _common(sessions)
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
    _common(show)
    show.set_defaults(handler=cmd_show)

    stats = commands.add_parser(
        "stats",
        help="totals: sessions, tool calls and errors per tool, tokens per model",
        description=(
            'Totals over the store. "sessions" counts main sessions; subagents\' tool calls and tokens are included.'
        ),
    )
    _project_option(stats)
    _common(stats)
    stats.set_defaults(handler=cmd_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with `argv` (default: sys.argv[1:]); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except CommandError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("Interrupted; what was stored so far is kept.", file=sys.stderr)
        return 130
