"""`lessonloop dataset export`: the store as a dataset for training or analysis (dataset/export/,
docs/export.md). Not `lessonloop lessons export`, which writes lessons to share, back up or give
to an agent as a rules file (CLAUDE.md, AGENTS.md)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from typing import TYPE_CHECKING

from lessonloop.cli.common import (
    DB_HELP,
    CommandError,
    emit_json,
    open_cli_store,
    project_named,
    rating,
    shown,
    time_options,
)
from lessonloop.core.install_hints import extra_help
from lessonloop.dataset.export import ExportError, ExportFilter, MissingExtra, export_dataset
from lessonloop.dataset.export.kinds import kind_names
from lessonloop.settings.config import privacy_settings
from lessonloop.store.projects.names import project_folders

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
    export.set_defaults(handler=cmd_export)


def _project(conn: sqlite3.Connection, project: str | None) -> str | None:
    """The stored project a --project value names: a project of sessions, lessons or runs, or a
    repository `ingest --git` read (store/projects/names.py's rule over all of them)."""
    if not project:
        return None

    return project_named(conn, project, project_folders(conn))


def cmd_export(args: argparse.Namespace) -> int:
    scrub_pii = privacy_settings().scrub_pii_exports  # personal data leaves no export (docs/privacy.md)
    if args.to == "-" and args.format not in ("jsonl", "csv"):
        raise CommandError("only jsonl and csv can be written to standard output (--to -)")
    if args.to == "-" and args.json:
        raise CommandError("--json prints a summary on standard output: give --to a file to use it")
    with open_cli_store(args.db, reading=True) as conn:
        project = _project(conn, args.project)
        keep = ExportFilter(project=project, since=args.since, until=args.until, min_rating=args.min_rating)
        try:
            summary = export_dataset(
                conn, args.kind, args.format, args.to, keep, stdout=sys.stdout, scrub_pii=scrub_pii
            )
        except (ExportError, MissingExtra) as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot write {args.to}: {exc.strerror or exc}") from exc
    if args.json:
        emit_json(summary.to_json())
    elif summary.path != "-":
        note = f"; {summary.redacted:,} secret(s) redacted on the way out" if summary.redacted else ""
        print(shown(f"Exported {summary.records:,} {args.kind} to {summary.path} ({summary.format}){note}."))
    else:
        print(f"Exported {summary.records:,} {args.kind} ({summary.format}).", file=sys.stderr)
    return 0
