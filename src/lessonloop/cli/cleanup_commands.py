"""`lessonloop cleanup`: delete runs, sessions and commits older than their retention (docs/quality.md,
docs/runner.md). The runs' part is the runs wing's (core/wings.py's RETENTION), which `runs
cleanup` applies alone."""

from __future__ import annotations

import argparse
import functools
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP, emit_json, existing_store, open_cli_store, user_config

if TYPE_CHECKING:
    from typing import Any

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
    for part in retention_parts():  # the wings' options first (the runs': --older-than)
        part.add_options(cleanup)
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


def duration_value(text: str) -> tuple[str, float]:
    """The duration as written (for the report) and in seconds."""
    from lessonloop.core.arg_types import duration

    return text.strip(), duration(text)


def retention_parts() -> list[Any]:
    """The wings' parts of cleanup (core/wings.py's RETENTION: modules with add_options(parser) and
    cleanup(conn or None, args, config) giving a part: to_json(), text(), deleted)."""
    from lessonloop.core.wings import modules

    return modules("RETENTION")


def cmd_cleanup(args: argparse.Namespace) -> int:
    from lessonloop.cli.cleanup_output import cleanup_json, cleanup_report
    from lessonloop.store.removal.retention import HistoryCleanupResult, cleanup_history

    given: list[tuple[str, float]] = [args.sessions_older_than, args.commits_older_than]
    config = functools.cache(user_config)  # read once, and only when a default is needed
    if None in given:
        defaults = (
            (config().retention.sessions, config().retention.sessions_seconds),
            (config().retention.commits, config().retention.commits_seconds),
        )
        given = [value if value is not None else default for value, default in zip(given, defaults, strict=True)]
    (sessions_text, sessions_seconds), (commits_text, commits_seconds) = given
    if not existing_store(args.db):
        parts = [part.cleanup(None, args, config) for part in retention_parts()]
        history = HistoryCleanupResult("", "", dry_run=args.dry_run)
    else:
        with open_cli_store(args.db) as conn:
            parts = [part.cleanup(conn, args, config) for part in retention_parts()]
            history = cleanup_history(
                conn, sessions_seconds, commits_seconds, dry_run=args.dry_run, include_needed=args.include_needed
            )
    older_than = (sessions_text, commits_text)
    if args.json:
        emit_json(cleanup_json(parts, history, older_than))
    else:
        print(cleanup_report(parts, history, older_than))
    return 0
