"""Lessons for the export: every stored lesson with its texts, trigger, counts and confidence
(docs/lessons.md says what each means); --since keeps those seen from that time on."""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.dataset.export.export_queries import lesson_columns
from lessonloop.dataset.export.fields import KINDS
from lessonloop.report.record_filter import ExportFilter

_COLUMNS = [field.name for field in KINDS["lessons"]]


def lesson_rows(conn: sqlite3.Connection, keep: ExportFilter) -> list[dict[str, Any]]:
    """The lessons `keep` keeps by project and last seen, by id. Lessons carry no rating: the
    export refuses --min-rating for them before asking."""
    rows = []
    for values in lesson_columns(conn, _COLUMNS):
        row = dict(zip(_COLUMNS, values, strict=True))
        if keep.keeps(row["project"], row["last_seen"], None):
            rows.append(row)
    return rows
