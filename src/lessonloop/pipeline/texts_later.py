"""The texts of the files a capture stored without them (pipeline/ingest.py, "Texts later"): each
such file read again whole, its texts redacted, in place of what it stored. The store's worker does
it before it analyzes (analysis reads texts), and so does a read that shows texts (`sessions`,
`show`, `search`, `report`) when it finds such files; `stats` shows figures alone and does not
wait for them."""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING

from lessonloop.store.read_only import is_read_only
from lessonloop.store.sessions import writer
from lessonloop.store.transaction import transaction

if TYPE_CHECKING:
    from lessonloop.pipeline.ingest import IngestSummary, Progress


def texts_pending(conn: sqlite3.Connection) -> int:
    """How many files are stored without their texts (0 on a store older than m048)."""
    return writer.count_without_texts(conn)


def store_texts(conn: sqlite3.Connection, *, progress: Progress | None = None) -> IngestSummary | None:
    """Read every file stored without its texts again whole, its texts redacted, and place its
    sessions in their projects again (the configuration's [projects], as the capture did); None
    when there was none. A file gone from disk keeps what it stored (its figures), and its mark goes."""
    if not texts_pending(conn) or is_read_only(conn):
        return None  # (a store opened read-only is only read)
    from lessonloop.pipeline.ingest_job import IngestProgress, IngestRequest, run_ingest_job
    from lessonloop.settings.config import ConfigError, load_config

    paths: list[str] = []
    for state in writer.files_without_texts(conn):
        if os.path.exists(state.path):
            paths.append(state.path)
        else:
            with transaction(conn):
                writer.clear_texts_mark(conn, state.path)
    if not paths:
        return None
    try:
        config = load_config()
    except ConfigError:
        config = None
    request = IngestRequest(
        sample=False,
        defer=True,
        defer_steps=True,  # what follows (the wings' steps, analysis, learning) is the caller's
        discover=False,
        known_changed=tuple(paths),
        progress=IngestProgress(reading=progress),
    )
    return run_ingest_job(conn, request, config).summary
