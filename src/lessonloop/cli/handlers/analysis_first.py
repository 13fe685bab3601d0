"""What `analyze`, `analyze stats` and `report` share: analyzing what is new before reading the
analysis (unless the store is opened read-only). `report` imports it on its fast path: the
analysis pipeline is loaded only when something is new."""

from __future__ import annotations

import argparse
import sqlite3

from lessonloop.pipeline.analysis_check import analysis_is_current
from lessonloop.store.read_only import is_read_only


def analyze_unless_read_only(conn: sqlite3.Connection, args: argparse.Namespace) -> None:
    """Analyze what is new first; a store opened read-only is read as its analysis stands. Whether
    anything is new is asked without loading the analysis pipeline (pipeline/analysis_check.py):
    after an ingest, nothing is."""
    if not is_read_only(conn) and not analysis_is_current(conn):
        from lessonloop.pipeline.analysis import analyze_store

        analyze_store(conn, bandit=args.bandit)
