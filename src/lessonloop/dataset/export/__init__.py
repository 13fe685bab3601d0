"""`lessonloop dataset export`: the store as a dataset (docs/export.md).

One kind of record per export (records: the origin design's training records; chats, commits,
sessions, lessons, runs), written as JSONL, CSV, Parquet or a Hugging Face dataset folder. The rows are
read by this package's readers, filtered (ExportFilter), redacted again field by field in their
scopes on the way out, and written in a fixed order: the same store gives the same bytes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lessonloop.dataset.export.columnar import CARD_MARK, MissingExtra, write_hf_folder, write_parquet
from lessonloop.dataset.export.fields import KINDS, redact_row
from lessonloop.dataset.export.text_writers import write_csv, write_jsonl
from lessonloop.report.record_filter import ExportFilter
from lessonloop.secrets.pii import scrub_pii_value

__all__ = ["FORMATS", "KINDS", "ExportError", "ExportFilter", "ExportSummary", "MissingExtra", "export_dataset"]

FORMATS = ("jsonl", "csv", "parquet", "hf")
RATED = frozenset({"records", "chats", "sessions", "runs"})  # kinds --min-rating applies to

DESCRIPTIONS = {
    "records": (
        "Training records in the format of lessonloop's origin design: `type`, `timestamp`, `input` (a typed "
        "prompt), `output` (the agent's reply), `context` (the files the turn read or changed, the tools it "
        "used), with the project, the rating given (the chat's, else its session's) and a weight from it."
    ),
    "chats": (
        "One row per typed prompt of a coding agent's session and the turn it started: the prompt, the "
        "agent's reply, the files referenced and modified, the tools used, tokens, and the feedback given."
    ),
    "sessions": (
        "One row per coding-agent session: agent, model, project, times, counts, tokens, how it ended "
        "(errors left unresolved, tests failing at the end, corrections, reverted changes), its tool errors "
        "by class, and the feedback given."
    ),
    "commits": (
        "Git commits: message, conventional type and scope, a diff summary, the files changed with their "
        "line counts, the author's hour and weekday in their own time zone, and the sessions linked to them."
    ),
    "lessons": "The lessons lessonloop learned from coding agents' mistakes: texts, trigger, counts, confidence.",
    "runs": (
        "Runs of `lessonloop run`: the command, why and how it ended, timings, the lines its patterns "
        "matched, and the feedback given."
    ),
}


class ExportError(ValueError):
    """An export that cannot be made as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class ExportSummary:
    kind: str
    format: str
    path: str  # "-" for standard output
    records: int
    redacted: int  # secrets replaced on the way out (texts the store held unredacted by the current rules)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "format": self.format,
            "path": self.path,
            "records": self.records,
            "redacted": self.redacted,
        }


def _readers() -> dict[str, Callable[[sqlite3.Connection, ExportFilter], list[dict[str, Any]]]]:
    from lessonloop.dataset.export.commits import commit_rows
    from lessonloop.dataset.export.lessons import lesson_rows
    from lessonloop.dataset.export.records import training_records
    from lessonloop.dataset.export.runs import run_rows
    from lessonloop.dataset.export.sessions import session_rows
    from lessonloop.report.chats import chat_rows

    return {
        "records": training_records,
        "chats": chat_rows,
        "commits": commit_rows,
        "sessions": session_rows,
        "lessons": lesson_rows,
        "runs": run_rows,
    }


def export_dataset(
    conn: sqlite3.Connection,
    kind: str,
    fmt: str,
    to: str,
    keep: ExportFilter = ExportFilter(),  # noqa: B008 (frozen: never changed)
    stdout: IO[str] | None = None,
    scrub_pii: bool = True,
) -> ExportSummary:
    """Export the rows of `kind` that `keep` keeps as `fmt` to `to` (a file; a folder for hf; "-"
    for `stdout`, jsonl and csv only). A file is written beside its place and moved there when
    complete; a folder replaces only an earlier export's folder or an empty one. `scrub_pii`:
    personal data (emails, IPs, host names, user names in paths) scrubbed from every text."""
    if kind not in KINDS:
        raise ExportError(f"unknown kind {kind!r}: {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: {', '.join(FORMATS)}")
    if keep.min_rating is not None and kind not in RATED:
        raise ExportError(f"{kind} carry no rating: --min-rating applies to {', '.join(sorted(RATED))}")
    fields = KINDS[kind]
    rows = _readers()[kind](conn, keep)
    if fmt == "hf" and not rows:
        raise ExportError(
            f"no {kind} to export: a Hugging Face dataset cannot be empty (`datasets` loads no split without rows)"
        )
    redacted = [0]

    def cleaned() -> Iterator[dict[str, Any]]:
        for row in rows:
            out, count = redact_row(fields, row)
            if scrub_pii:  # privacy.scrub_pii_exports (docs/privacy.md)
                out, scrubbed = scrub_pii_value(out)
                count += scrubbed
            redacted[0] += count
            yield out

    if to == "-":
        if fmt not in ("jsonl", "csv") or stdout is None:
            raise ExportError("only jsonl and csv can be written to standard output (--to -)")
        count = (write_jsonl if fmt == "jsonl" else write_csv)(stdout, fields, cleaned())
        return ExportSummary(kind, fmt, "-", count, redacted[0])
    target = Path(to).expanduser()
    if fmt == "hf":
        count = _write_folder(
            target, lambda folder: write_hf_folder(folder, kind, fields, cleaned(), DESCRIPTIONS[kind])
        )
    else:
        if target.is_dir():
            raise ExportError(f"{target} is a folder: --to names the {fmt} file to write")
        if fmt == "parquet":
            count = _write_file(target, lambda path: write_parquet(path, fields, cleaned()))
        else:
            writer = write_jsonl if fmt == "jsonl" else write_csv

            def text_file(path: Path) -> int:
                with path.open("w", encoding="utf-8", newline="") as out:
                    return writer(out, fields, cleaned())

            count = _write_file(target, text_file)
    return ExportSummary(kind, fmt, str(target), count, redacted[0])


def _write_file(target: Path, write: Callable[[Path], int]) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".{target.name}.{os.getpid()}.part"  # made by the writer: the umask applies
    try:
        count = write(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


def _write_folder(target: Path, write: Callable[[Path], int]) -> int:
    if target.exists():
        if not target.is_dir():
            raise ExportError(f"{target} is a file: --to names the folder of the Hugging Face dataset")
        card = target / "README.md"
        ours = card.is_file() and CARD_MARK in card.read_text(encoding="utf-8", errors="replace")
        if any(target.iterdir()) and not ours:
            raise ExportError(f"{target} is not empty and not an earlier export: name a new or empty folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        count = write(temporary / "dataset")
        if target.exists():
            shutil.rmtree(target)
        os.replace(temporary / "dataset", target)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
    return count
