"""`lessonloop dataset quality` (the collection's quality report as training data) and `dataset
milestones` (progress toward the origin design's training milestones): docs/quality.md."""

from __future__ import annotations

import argparse
from datetime import timedelta

from lessonloop.cli.common import CommandError, console, emit_json, open_cli_store
from lessonloop.cli.forget_commands import project_or_repository
from lessonloop.core.timestamps import format_timestamp, parse_timestamp, utc_now
from lessonloop.dataset.milestone_queries import collection_counts
from lessonloop.dataset.milestones import WINDOW_DAYS, progress
from lessonloop.dataset.quality import quality_report
from lessonloop.dataset.quality_render import render_milestones, render_quality
from lessonloop.store import resolve_db_path


def _existing(db: str | None) -> None:
    if not resolve_db_path(db).is_file():
        raise CommandError(f"there is no store at {resolve_db_path(db)}: run `lessonloop ingest` first")


def cmd_quality(args: argparse.Namespace) -> int:
    _existing(args.db)
    with open_cli_store(args.db, reading=True, texts=True) as conn:
        project = project_or_repository(conn, args.project) if args.project else None
        data = quality_report(conn, project).to_json()
    if args.json:
        emit_json(data)
    else:
        render_quality(console(), data)
    return 0


def cmd_milestones(args: argparse.Namespace) -> int:
    _existing(args.db)
    now = utc_now()
    since = format_timestamp(parse_timestamp(now) - timedelta(days=WINDOW_DAYS))
    with open_cli_store(args.db, reading=True, texts=True) as conn:
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
        render_milestones(console(), data)
    return 0
