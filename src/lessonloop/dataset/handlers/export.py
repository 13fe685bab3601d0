"""`lessonloop dataset export`: one kind of records from the store written as a dataset (JSONL, CSV,
Parquet, a Hugging Face folder), every text redacted again (dataset/export/, docs/export.md)."""

from __future__ import annotations

import argparse
import sqlite3
import sys

from lessonloop.cli.common import CommandError, emit_json, open_cli_store, project_named, shown
from lessonloop.dataset.export import ExportError, ExportFilter, MissingExtra, export_dataset
from lessonloop.settings.config import privacy_settings
from lessonloop.store.projects.names import project_folders


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
    with open_cli_store(args.db, reading=True, texts=True) as conn:
        project = _project(conn, args.project)
        keep = ExportFilter(project=project, since=args.since, until=args.until, min_rating=args.min_rating)
        try:
            summary = export_dataset(
                conn,
                args.kind,
                args.format,
                args.to,
                keep,
                stdout=sys.stdout,
                scrub_pii=scrub_pii,
                replace=args.force,
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
