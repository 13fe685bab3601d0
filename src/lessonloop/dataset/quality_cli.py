"""`lessonloop dataset quality` (the collection's quality report) and `dataset milestones` (progress
toward the origin design's training milestones): docs/quality.md. The parsers (their handlers:
handlers/quality.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP

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
    quality.set_defaults(handler="lessonloop.dataset.handlers.quality:cmd_quality")


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
    milestones.set_defaults(handler="lessonloop.dataset.handlers.quality:cmd_milestones")


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--json", action="store_true", help=JSON_HELP)
