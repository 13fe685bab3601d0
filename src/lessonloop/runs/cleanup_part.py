"""The runs' part of `lessonloop cleanup` (core/wing.py's retention; cli/handlers/cleanup.py runs
it before the sessions and commits), and what `runs cleanup` says of it: the runs older than
--older-than (runner.retention, 90d by default) deleted with their matches and patterns."""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lessonloop.cli.cleanup_commands import duration_value
from lessonloop.report.render import local_time
from lessonloop.runs.store.retention import CleanupResult, cleanup_runs

if TYPE_CHECKING:
    from lessonloop.settings.config import Config


def add_options(parser: argparse.ArgumentParser) -> None:
    """cleanup's options for the runs (`runs cleanup` has the same): --older-than."""
    parser.add_argument(
        "--older-than",
        type=duration_value,
        metavar="DURATION",
        help="delete runs older than this: 30d, 12h, 90m, 45s (default: runner.retention, 90d)",
    )


class RunsCleanup:
    """What cleanup did to the runs, as cleanup shows it."""

    def __init__(self, older_than: str, result: CleanupResult) -> None:
        self.older_than = older_than
        self.result = result

    @property
    def deleted(self) -> dict[str, int]:
        return self.result.deleted

    def to_json(self) -> dict[str, Any]:
        return {"older_than": self.older_than, **self.result.to_json()}

    def text(self) -> str:
        return cleanup_text(self.result, self.older_than, note=False)


def retention(args: argparse.Namespace, config: Callable[[], Config]) -> tuple[str, float]:
    """--older-than as written and in seconds, else runner.retention of the configuration."""
    if args.older_than is not None:
        given: tuple[str, float] = args.older_than
        return given
    runner = config().runner
    return runner.retention, runner.retention_seconds


def cleanup(conn: sqlite3.Connection | None, args: argparse.Namespace, config: Callable[[], Config]) -> RunsCleanup:
    """Delete the old runs (`conn` None: there is no store, nothing to delete)."""
    text, seconds = retention(args, config)
    if conn is None:
        return RunsCleanup(text, CleanupResult("", seconds, 0, 0, 0, 0, args.dry_run))
    return RunsCleanup(text, cleanup_runs(conn, seconds, dry_run=args.dry_run))


def cleanup_text(result: CleanupResult, older_than: str, *, note: bool = True) -> str:
    """The runs deleted; `note`: with the dry run's last line (cleanup says it after its rows)."""
    since = f" (started before {local_time(result.cutoff)})" if result.cutoff else ""
    if not result.runs:
        return f"No runs older than {older_than}{since}: nothing to delete."
    verb = "Would delete" if result.dry_run else "Deleted"
    text = (
        f"{verb} {result.runs} run(s) older than {older_than}{since}, with {result.matches} match(es) "
        f"and {result.patterns} pattern row(s)."
    )
    if result.findings_unlinked:
        text += f" {result.findings_unlinked} finding(s) of theirs " + (
            "would be kept" if result.dry_run else "were kept"
        )
        text += ", no longer tied to a run."
    if result.dry_run and note:
        text += "\nDry run: nothing was deleted."
    return text
