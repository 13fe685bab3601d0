"""`lessonloop dataset export`: the store as a dataset for training or analysis (dataset/export/,
docs/export.md). Not `lessonloop lessons export`, which writes lessons to share, back up or give
to an agent as a rules file (CLAUDE.md, AGENTS.md). The parser (its handler:
handlers/export.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, rating, time_options
from lessonloop.core.install_hints import extra_help
from lessonloop.dataset.export.kinds import kind_names

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

FORMATS = ("jsonl", "csv", "parquet", "hf")


def add_export(commands: Commands) -> None:
    """Add `export` to `commands` (`dataset export`, dataset/cli.py)."""
    export = commands.add_parser(
        "export",
        help="write the store as a dataset: training records, chats, commits, sessions, lessons or runs "
        "(JSONL, CSV, Parquet, Hugging Face)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Write one kind of record from the store as a dataset, every text redacted again,\n"
            "in a fixed order (the same store gives the same bytes).\n\n"
            "  records   training records: {type, timestamp, input, output, context: {files,\n"
            "            tools_used}}, one per chat and per commit, with rating and weight (default)\n"
            "  chats     a typed prompt and its turn: reply, files referenced and modified,\n"
            "            tools, tokens, feedback (id SESSION#N, as `feedback chat` takes it)\n"
            "  commits   git commits (`ingest --git`): message, diff summary, files, type,\n"
            "            author's hour and weekday, linked sessions\n"
            "  sessions  one summary per session: agent, model, project, times, counts,\n"
            "            outcome, errors by class, feedback\n"
            "  lessons   the lessons learned\n"
            "  runs      the runs of `lessonloop run`, with their feedback\n\n"
            "Formats: jsonl, csv (structs as dotted columns, lists as JSON), parquet and hf (a\n"
            "Hugging Face dataset folder: data/train.parquet and a README.md card that\n"
            "`datasets.load_dataset(FOLDER)` reads). parquet and hf need pyarrow:\n"
            f"{extra_help('export')}.\n\n"
            "`lessonloop lessons export` is another thing: lessons as JSONL to share or import,\n"
            "or as a rules section for CLAUDE.md / AGENTS.md."
        ),
    )
    export.add_argument("--format", required=True, choices=FORMATS, help="jsonl, csv, parquet or hf")
    export.add_argument(
        "--to",
        required=True,
        metavar="PATH",
        help="the file to write (a folder for hf); - writes jsonl or csv to standard output",
    )
    export.add_argument(
        "--force", action="store_true", help="replace the file --to names when it exists (else nothing is written)"
    )
    export.add_argument("--kind", choices=kind_names(), default="records", help="what to export (default: records)")
    export.add_argument(
        "-p", "--project", metavar="P", help="only records of this project (a folder, or part of its path)"
    )
    time_options(export, "records")
    export.add_argument(
        "--min-rating",
        type=rating,
        metavar="R",
        help="only records rated R or better (1-5; a chat without its own rating takes its session's)",
    )
    export.add_argument("--db", metavar="PATH", help=DB_HELP)
    export.add_argument("--json", action="store_true", help="print what was written as JSON")
    export.set_defaults(handler="lessonloop.dataset.handlers.export:cmd_export")
