"""`lessonloop dataset export|quality|milestones`: the store as training data (docs/export.md,
docs/quality.md). `lessonloop lessons export` is another thing: lessons to share."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import subcommands_only
from lessonloop.dataset import export_cli, quality_cli

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


def register(commands: Commands) -> None:
    """Add `dataset` and its subcommands."""
    dataset = commands.add_parser(
        "dataset",
        help="the store as training data: export it (JSONL, CSV, Parquet, Hugging Face), its quality, milestones",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "The stored history as training data (docs/export.md, docs/quality.md):\n\n"
            "  dataset export --format F --to PATH   training records, chats, commits, sessions,\n"
            "                                        lessons or runs as a dataset file\n"
            "  dataset quality                       empty, truncated and duplicate records, unlinked\n"
            "                                        commits, redactions, lengths\n"
            "  dataset milestones                    progress toward three training-data milestones\n\n"
            "`lessonloop lessons export` is another thing: lessons as JSONL to share or import, or as\n"
            "a rules section for CLAUDE.md / AGENTS.md."
        ),
    )
    subcommands_only(dataset)
    sub = dataset.add_subparsers(
        dest="dataset_command", metavar="SUBCOMMAND", title="subcommands", help="export, quality or milestones"
    )
    export_cli.add_export(sub)
    quality_cli.add_quality(sub)
    quality_cli.add_milestones(sub)
