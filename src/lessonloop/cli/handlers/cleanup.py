"""`lessonloop cleanup`: delete the runs, sessions and commits older than their retention (the
configuration's, or the options'), the wings' parts first; what it deleted and kept (cli/cleanup_output.py)."""

from __future__ import annotations

import argparse
import functools

from lessonloop.cli.cleanup_commands import retention_parts
from lessonloop.cli.cleanup_output import cleanup_json, cleanup_report
from lessonloop.cli.common import emit_json, existing_store, open_cli_store, user_config
from lessonloop.store.removal.retention import HistoryCleanupResult, cleanup_history


def cmd_cleanup(args: argparse.Namespace) -> int:
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
