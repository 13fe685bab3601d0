"""JSONL and CSV files of an export: the rows in the order given, the fields in their kind's order
(dataset/export/fields.py), the same bytes for the same rows.

JSONL: one JSON object per line, UTF-8, nested values as they are. CSV: one row per record under
a header; a struct's fields are columns of their own (`tokens.input`), a list is one cell holding
a JSON list, an empty cell is a missing value, booleans are `true` / `false`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from lessonloop.core import json_codec
from lessonloop.dataset.export.fields import columns
from lessonloop.report.record_fields import Field


def write_jsonl(out: IO[str], fields: tuple[Field, ...], rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    for row in rows:
        out.write(json_codec.dumps({field.name: row.get(field.name) for field in fields}))
        out.write("\n")
        count += 1
    return count


def write_csv(out: IO[str], fields: tuple[Field, ...], rows: Iterable[dict[str, Any]]) -> int:
    flat = columns(fields)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _field in flat])
    count = 0
    for row in rows:
        writer.writerow([_cell(_lookup(row, name), field) for name, field in flat])
        count += 1
    return count


def _lookup(row: dict[str, Any], dotted: str) -> Any:
    value: Any = row
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _cell(value: Any, field: Field) -> str:
    if value is None:
        return ""
    if field.type == "bool":
        return "true" if value else "false"
    if field.type in ("strings", "structs"):
        return json_codec.dumps(value)
    if field.type == "float":
        return repr(float(value))
    return str(value)
