"""`lessonloop dataset quality` (the collection's quality report) and `dataset milestones` (progress
toward the origin design's training milestones): docs/quality.md."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP, CommandError, console, emit_json, open_cli_store
from lessonloop.cli.forget_commands import project_or_repository
from lessonloop.core.timestamps import format_timestamp, parse_timestamp, utc_now
from lessonloop.dataset.milestone_queries import collection_counts
from lessonloop.dataset.milestones import WINDOW_DAYS, progress
from lessonloop.dataset.quality import quality_report
from lessonloop.store import resolve_db_path

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def add_quality(commands: Commands) -> None:
    """Add `quality` to `commands` (`dataset quality`, dataset/cli.py)."""
    quality = commands.add_parser(
        "quality",
        help="the collection's quality: empty, truncated and duplicate records, unlinked commits, redactions, lengths",
        description=(
            "A report on the stored collection as training data: empty prompts and replies, sessions "
            "without calls, clipped texts and ingest problems; repeated prompts, repeated commit "
            "messages and duplicate sessions; commits linked to no session; the secrets redacted "
            "(markers per column and kind); length percentiles of prompts, replies, commit messages "
            "and diffs; the same per agent (docs/quality.md)."
        ),
    )
    quality.add_argument(
        "-p",
        "--project",
        metavar="P",
        help="only this project's sessions and the repositories in its folder (a folder, or part of its path)",
    )
    _store_options(quality)
    quality.set_defaults(handler=cmd_quality)


def add_milestones(commands: Commands) -> None:
    """Add `milestones` to `commands` (`dataset milestones`)."""
    milestones = commands.add_parser(
        "milestones",
        help="progress toward three training-data milestones (enough history to train models), and when each is reached",
        description=(
            "Commits, sessions and chats stored against three training-data milestones: enough history "
            "to train a model (File Prediction 500/100/200, Commit Messages 2,000/500/1,000, Code "
            "Suggestions 5,000/2,000/5,000), with the date each is reached at the rate of the last "
            "30 days (docs/quality.md)."
        ),
    )
    _store_options(milestones)
    milestones.set_defaults(handler=cmd_milestones)


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def _existing(db: str | None) -> None:
    if not resolve_db_path(db).is_file():
        raise CommandError(f"there is no store at {resolve_db_path(db)}: run `lessonloop ingest` first")


def cmd_quality(args: argparse.Namespace) -> int:
    _existing(args.db)
    with open_cli_store(args.db, reading=True) as conn:
        project = project_or_repository(conn, args.project) if args.project else None
        data = quality_report(conn, project).to_json()
    if args.json:
        emit_json(data)
    else:
        from lessonloop.dataset.quality_render import render_quality

        render_quality(console(), data)
    return 0


def cmd_milestones(args: argparse.Namespace) -> int:
    _existing(args.db)
    now = utc_now()
    since = format_timestamp(parse_timestamp(now) - timedelta(days=WINDOW_DAYS))
    with open_cli_store(args.db, reading=True) as conn:
        counts = collection_counts(conn)
        recent = collection_counts(conn, since)
    data = {
        "now": now,
        "window_days": WINDOW_DAYS,
        "since": since,
        "counts": counts,
        "recent": recent,
        "milestones": [p.to_json() for p in progress(counts, recent, now)],
    }
    if args.json:
        emit_json(data)
    else:
        from lessonloop.dataset.quality_render import render_milestones

        render_milestones(console(), data)
    return 0
