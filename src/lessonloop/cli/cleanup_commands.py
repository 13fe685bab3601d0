"""`lessonloop cleanup`: delete runs, sessions and commits older than their retention (docs/quality.md,
docs/runner.md); `runs cleanup` (the runs wing) applies the runs' part alone."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP, emit_json, existing_store, open_cli_store, user_config

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Commands) -> None:
    """Add `cleanup`."""
    _cleanup_command(commands)


def _cleanup_command(commands: Commands) -> None:
    cleanup = commands.add_parser(
        "cleanup",
        help="delete runs, sessions and commits older than their retention (90d, 730d, 730d by default)",
        description=(
            "Delete the runs of `lessonloop run` that started longer ago than --older-than (default: "
            "runner.retention of the configuration, 90d), with their matches and patterns; findings "
            "made of their matches are kept, no longer tied to a run. Delete the sessions whose last "
            "activity is older than --sessions-older-than (retention.sessions, 730d), with every row "
            "tied to them as `forget` deletes them, and the commits of `ingest --git` committed "
            "longer ago than --commits-older-than (retention.commits, 730d), with their files, hunks, "
            "links and rollbacks. What something learned still needs is kept, and said: the commits a "
            "file model learned or a session that stays is linked to, the sessions a file model may have "
            "learned from or that hold a learned lesson's last evidence; --include-needed deletes them "
            "too, with those lessons and file models. --dry-run lists every kind of row that would be "
            "deleted, with its count (docs/quality.md)."
        ),
    )
    older_than_option(cleanup)
    cleanup.add_argument(
        "--sessions-older-than",
        type=duration_value,
        metavar="DURATION",
        help="delete sessions whose last activity is older than this (default: retention.sessions, 730d)",
    )
    cleanup.add_argument(
        "--commits-older-than",
        type=duration_value,
        metavar="DURATION",
        help="delete commits committed longer ago than this (default: retention.commits, 730d)",
    )
    cleanup.add_argument(
        "--include-needed",
        action="store_true",
        help="also delete the old sessions and commits a file model, a learned lesson or a link still needs "
        "(those models and lessons go with them)",
    )
    cleanup.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    cleanup.add_argument("--db", metavar="PATH", help=DB_HELP)
    cleanup.add_argument("--json", action="store_true", help=JSON_HELP)
    cleanup.set_defaults(handler=cmd_cleanup)


def older_than_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--older-than",
        type=duration_value,
        metavar="DURATION",
        help="delete runs older than this: 30d, 12h, 90m, 45s (default: runner.retention, 90d)",
    )


def duration_value(text: str) -> tuple[str, float]:
    """The duration as written (for the report) and in seconds."""
    from lessonloop.core.arg_types import duration

    return text.strip(), duration(text)


def cmd_cleanup(args: argparse.Namespace) -> int:
    from lessonloop.cli.cleanup_output import cleanup_json, cleanup_report, cleanup_text
    from lessonloop.store.history_retention import HistoryCleanupResult, cleanup_history
    from lessonloop.store.run_retention import CleanupResult, cleanup_runs

    given: list[tuple[str, float]] = [args.older_than, args.sessions_older_than, args.commits_older_than]
    if None in given:
        config = user_config()
        defaults = (
            (config.runner.retention, config.runner.retention_seconds),
            (config.retention.sessions, config.retention.sessions_seconds),
            (config.retention.commits, config.retention.commits_seconds),
        )
        given = [value if value is not None else default for value, default in zip(given, defaults, strict=True)]
    (text, seconds), (sessions_text, sessions_seconds), (commits_text, commits_seconds) = given
    if not existing_store(args.db):
        result = CleanupResult("", seconds, 0, 0, 0, 0, args.dry_run)
        history = HistoryCleanupResult("", "", dry_run=args.dry_run)
    else:
        with open_cli_store(args.db) as conn:
            result = cleanup_runs(conn, seconds, dry_run=args.dry_run)
            history = cleanup_history(
                conn, sessions_seconds, commits_seconds, dry_run=args.dry_run, include_needed=args.include_needed
            )
    older_than = (text, sessions_text, commits_text)
    if args.json:
        emit_json(cleanup_json(result, history, older_than))
    else:
        print(cleanup_report(cleanup_text(result, text, note=False), result, history, older_than))
    return 0
