"""The command line: parse arguments, call one library function, print. No logic lives here.

argparse (standard library) keeps the start-up cost of every command, and of the hooks that
share this entry point, to a few milliseconds; rich is imported only to draw tables. The
commands live in the modules of this package; this one builds the parser and runs it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from lessonloop import __version__
from lessonloop.cli.common import CommandError, common_options, non_negative, project_option
from lessonloop.cli.session_commands import cmd_ingest, cmd_sessions, cmd_show, cmd_stats

__all__ = ["CommandError", "build_parser", "main"]


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
    common_options(ingest)
    ingest.add_argument(
        "--no-progress", action="store_true", help="no progress bar (it is shown only on a terminal anyway)"
    )
    ingest.set_defaults(handler=cmd_ingest)

    sessions = commands.add_parser(
        "sessions",
        help="list sessions: start, project, model, prompts, tool calls, errors, tokens",
        description=("List sessions, oldest first. A subagent's tool calls and tokens count in its parent session."),
    )
    project_option(sessions)
    sessions.add_argument("-n", "--limit", type=non_negative, metavar="N", help="only the N most recent sessions")
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
        help="totals: sessions, tool calls and errors per tool, tokens per model",
        description=(
            'Totals over the store. "sessions" counts main sessions; subagents\' tool calls and tokens are included.'
        ),
    )
    project_option(stats)
    common_options(stats)
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
