"""`lessonloop cleanup`: delete the runs, sessions and commits older than their retention (the
configuration's, or the options'), the wings' parts first; what it deleted and kept (cli/cleanup_output.py).

It deletes for good, so it asks first (issue 82): what would go is counted by a dry run and shown,
then confirmed on a terminal, or by --yes (off a terminal, without --yes, nothing is deleted).
Nothing to delete: nothing is asked."""

from __future__ import annotations

import argparse
import functools
import sys
from typing import Any

from lessonloop.cli.cleanup_commands import retention_parts
from lessonloop.cli.cleanup_output import cleanup_json, cleanup_report, deleted_rows
from lessonloop.cli.common import emit_json, existing_store, open_cli_store, user_config
from lessonloop.cli.confirmation import confirmed
from lessonloop.core.timestamps import utc_now
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
    older_than = (sessions_text, commits_text)
    parts: list[Any]
    if not existing_store(args.db):
        parts = [part.cleanup(None, args, config) for part in retention_parts()]
        history = HistoryCleanupResult("", "", dry_run=args.dry_run)
    else:
        moment = utc_now()  # one cutoff for what is shown and what is deleted
        with open_cli_store(args.db) as conn:

            def run(dry_run: bool) -> tuple[list[Any], HistoryCleanupResult]:
                options = argparse.Namespace(**{**vars(args), "dry_run": dry_run})
                found = [part.cleanup(conn, options, config) for part in retention_parts()]
                return found, cleanup_history(
                    conn,
                    sessions_seconds,
                    commits_seconds,
                    dry_run=dry_run,
                    now=moment,
                    include_needed=args.include_needed,
                )

            parts, history = run(True)
            if not args.dry_run and deleted_rows(parts, history):
                if not args.yes and not confirmed(cleanup_report(parts, history, older_than), "cleanup"):
                    print("Nothing was deleted.", file=sys.stderr)
                    return 1
                parts, history = run(False)
    if args.json:
        emit_json(cleanup_json(parts, history, older_than))
    else:
        print(cleanup_report(parts, history, older_than))
    return 0
