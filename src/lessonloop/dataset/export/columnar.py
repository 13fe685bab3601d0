"""Parquet files and Hugging Face dataset folders of an export, through pyarrow (the `export`
extra: `pip install 'lessonloop[export]'`), imported only when one is written.

The Parquet schema follows the kind's fields (dataset/export/fields.py), so an export with no
rows, or a column that is empty in every row, still has its types. A Hugging Face folder holds
`data/train.parquet` and a README.md dataset card whose YAML `configs` header names it: what
`datasets.load_dataset(FOLDER)` reads as it is (docs/export.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lessonloop.core.install_hints import extra_install
from lessonloop.core.timestamps import parse_timestamp
from lessonloop.report.record_fields import Field

if TYPE_CHECKING:
    import pyarrow as pa

BATCH_ROWS = 10_000
CARD_MARK = "<!-- written by lessonloop export -->"


class MissingExtra(RuntimeError):
    """A format needs a library that is not installed; the message says how to install it."""


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise MissingExtra(
            f"this format needs pyarrow, which is not installed ({exc}): "
            f"{extra_install('export')} (or pip install pyarrow), or export --format jsonl or csv"
        ) from None
    return pyarrow


def _type(pa: Any, field: Field) -> pa.DataType:
    simple = {
        "string": pa.string(),
        "time": pa.timestamp("us", tz="UTC"),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
    }
    if field.type in simple:
        return simple[field.type]
    if field.type == "strings":
        return pa.list_(pa.string())
    inner = pa.struct([pa.field(child.name, _type(pa, child)) for child in field.fields])
    return inner if field.type == "struct" else pa.list_(inner)


def schema(fields: tuple[Field, ...]) -> pa.Schema:
    pa = _pyarrow()
    return pa.schema([pa.field(field.name, _type(pa, field)) for field in fields])


def write_parquet(path: Path, fields: tuple[Field, ...], rows: Iterable[dict[str, Any]]) -> int:
    """Write `rows` to the Parquet file `path` in batches; the number written."""
    pa = _pyarrow()
    table_schema = schema(fields)
    count = 0
    batch: list[dict[str, Any]] = []
    times = [field.name for field in fields if field.type == "time"]
    with pa.parquet.ParquetWriter(str(path), table_schema, compression="zstd") as writer:
        for row in rows:
            for name in times:
                row[name] = _moment(row.get(name))
            batch.append(row)
            if len(batch) >= BATCH_ROWS:
                writer.write_table(pa.Table.from_pylist(batch, schema=table_schema))
                count += len(batch)
                batch = []
        if batch:  # no empty row group: `datasets` cannot read one (an empty export has none)
            writer.write_table(pa.Table.from_pylist(batch, schema=table_schema))
            count += len(batch)
    return count


def _moment(value: Any) -> datetime | None:
    """A stored moment (ISO-8601 text) as a UTC datetime; None when absent or not a time."""
    if not value:
        return None
    try:
        return parse_timestamp(str(value))
    except ValueError:
        return None


def write_hf_folder(
    folder: Path, kind: str, fields: tuple[Field, ...], rows: Iterable[dict[str, Any]], description: str
) -> int:
    """A Hugging Face dataset folder in `folder` (made empty by the caller): data/train.parquet and
    README.md; the number of rows."""
    (folder / "data").mkdir(parents=True)
    count = write_parquet(folder / "data" / "train.parquet", fields, rows)
    (folder / "README.md").write_text(dataset_card(kind, fields, count, description), encoding="utf-8")
    return count


def dataset_card(kind: str, fields: tuple[Field, ...], count: int, description: str) -> str:
    """The README.md of a dataset folder: the YAML header `datasets` reads (one config, one train
    split), then what the data is and its fields. Nothing in it changes between two exports of
    the same store (no time of writing)."""
    lines = [
        "---",
        "configs:",
        f"- config_name: {kind}",
        "  data_files:",
        "  - split: train",
        "    path: data/train.parquet",
        "  default: true",
        "tags:",
        "- lessonloop",
        "- coding-agents",
        "---",
        CARD_MARK,
        "",
        f"# lessonloop export: {kind}",
        "",
        description,
        "",
        f"Rows: {count:,} (split `train`, in `data/train.parquet`).",
        "",
        "Every text was redacted again with lessonloop's secret rules when it was written (API keys, tokens,",
        "passwords, private keys: `[REDACTED:...]`). Review the data before you share it: redaction finds",
        "secrets by their shapes and names, not every personal detail.",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        'data = load_dataset("PATH/TO/THIS/FOLDER")["train"]',
        "```",
        "",
        "## Fields",
        "",
        "| field | type |",
        "|---|---|",
    ]
    lines.extend(f"| `{name}` | {kind_of} |" for name, kind_of in _described(fields))
    return "\n".join(lines) + "\n"


def _described(fields: tuple[Field, ...], prefix: str = "") -> list[tuple[str, str]]:
    names = {
        "string": "text",
        "time": "timestamp (UTC)",
        "int": "integer",
        "float": "number",
        "bool": "boolean",
        "strings": "list of texts",
    }
    out: list[tuple[str, str]] = []
    for field in fields:
        if field.type == "struct":
            out.extend(_described(field.fields, f"{prefix}{field.name}."))
        elif field.type == "structs":
            inner = ", ".join(child.name for child in field.fields)
            out.append((prefix + field.name, f"list of {{{inner}}}"))
        else:
            out.append((prefix + field.name, names[field.type]))
    return out
