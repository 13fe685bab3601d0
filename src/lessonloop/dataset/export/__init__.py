"""`lessonloop dataset export`: the store as a dataset (docs/export.md).

One kind of record per export (records: the origin design's training records; chats, commits,
sessions, lessons, runs: kinds.py, the commits' and the runs' declared by their wings), written as JSONL, CSV, Parquet or a Hugging Face dataset folder. The rows are
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
from lessonloop.dataset.export.fields import redact_row
from lessonloop.dataset.export.kinds import all_kinds
from lessonloop.dataset.export.text_writers import write_csv, write_jsonl
from lessonloop.report.record_filter import ExportFilter
from lessonloop.secrets.pii import scrub_pii_value
from lessonloop.secrets.redaction import prepare_bulk

__all__ = ["FORMATS", "ExportError", "ExportFilter", "ExportSummary", "MissingExtra", "export_dataset"]

FORMATS = ("jsonl", "csv", "parquet", "hf")


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


def export_dataset(
    conn: sqlite3.Connection,
    kind: str,
    fmt: str,
    to: str,
    keep: ExportFilter = ExportFilter(),  # noqa: B008 (frozen: never changed)
    stdout: IO[str] | None = None,
    scrub_pii: bool = True,
    replace: bool = False,
) -> ExportSummary:
    """Export the rows of `kind` that `keep` keeps as `fmt` to `to` (a file; a folder for hf; "-"
    for `stdout`, jsonl and csv only). A file is written beside its place and moved there when
    complete; a file already there is replaced only with `replace` (ExportError before anything
    is read: `dataset export --force`); a folder replaces only an earlier export's folder or an
    empty one. `scrub_pii`: personal data (emails, IPs, host names, user names in paths) scrubbed
    from every text."""
    kinds = all_kinds()
    if kind not in kinds:
        raise ExportError(f"unknown kind {kind!r}: {', '.join(kinds)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: {', '.join(FORMATS)}")
    if keep.min_rating is not None and not kinds[kind].rated:
        rated = sorted(name for name, found in kinds.items() if found.rated)
        raise ExportError(f"{kind} carry no rating: --min-rating applies to {', '.join(rated)}")
    if to != "-" and fmt != "hf" and not replace and Path(to).expanduser().is_file():
        raise ExportError(f"{Path(to).expanduser()} exists: nothing was written (--force replaces it)")
    fields = kinds[kind].fields
    rows = kinds[kind].rows(conn, keep)
    if fmt == "hf" and not rows:
        raise ExportError(
            f"no {kind} to export: a Hugging Face dataset cannot be empty (`datasets` loads no split without rows)"
        )
    redacted = [0]
    prepare_bulk()  # every text is redacted again: the gate's bulk automaton, short clean texts remembered

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
            target, lambda folder: write_hf_folder(folder, kind, fields, cleaned(), kinds[kind].description)
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
