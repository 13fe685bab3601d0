"""The parser of `lessonloop cleanup`: delete runs, sessions and commits older than their retention
(docs/quality.md, docs/runner.md; its handler: handlers/cleanup.py). The runs' part is the runs
wing's (core/wing.py's retention), which `runs cleanup` applies alone."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from lessonloop.cli.common import DB_HELP, JSON_HELP
from lessonloop.core.arg_types import duration
from lessonloop.core.wings import wings

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
            "deleted, with its count (docs/quality.md). What would be deleted is shown and asked for first; "
            "--yes confirms (off a terminal, nothing is deleted without it)."
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
    cleanup.add_argument(
        "--yes",
        action="store_true",
        help="delete without asking (it asks on a terminal; off one, nothing is deleted without --yes)",
    )
    cleanup.add_argument("--db", metavar="PATH", help=DB_HELP)
    cleanup.add_argument("--json", action="store_true", help=JSON_HELP)
    cleanup.set_defaults(handler="lessonloop.cli.handlers.cleanup:cmd_cleanup")


def duration_value(text: str) -> tuple[str, float]:
    """The duration as written (for the report) and in seconds."""
    return text.strip(), duration(text)


def retention_parts() -> list[Any]:
    """The wings' parts of cleanup (core/wing.py's retention: modules with add_options(parser) and
    cleanup(conn or None, args, config) giving a part: to_json(), text(), deleted)."""
    return [part for wing in wings() if (part := wing.retention()) is not None]
