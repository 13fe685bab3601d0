"""The runs' reads for `dataset export --kind runs` (export.py shapes them): one function per query."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


def run_matches(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """(run_id, text) of the lines the runs' patterns matched, in each run's order."""
    return conn.execute("SELECT run_id, text FROM run_matches ORDER BY run_id, seq, id").fetchall()


def run_columns(conn: sqlite3.Connection, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """These columns of every run, oldest first (start, id)."""
    return conn.execute(f"SELECT {', '.join(columns)} FROM runs ORDER BY started_at, id").fetchall()
