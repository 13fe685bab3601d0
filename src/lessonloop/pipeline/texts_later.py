"""The texts of the files a capture stored without them (pipeline/ingest.py, "Texts later"): each
such file read again whole, its texts redacted, in place of what it stored. The store's worker does
it before it analyzes (analysis reads texts); a read waits for no more than what it shows: `show`
stores the texts of its session's files first (`store_session_texts`), `sessions` needs none (a
figures-first capture keeps the prompts and titles it lists: capture/withheld_texts.py), `search`
searches what is stored and says which files are not searchable yet (`pending_note`), and the
commands whose answer is every text (`report --html`, `dataset export`) store them all first."""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING

from lessonloop.store.counts import files_without_texts
from lessonloop.store.read_only import is_read_only
from lessonloop.store.sessions import writer
from lessonloop.store.transaction import transaction

if TYPE_CHECKING:
    from lessonloop.pipeline.ingest import IngestSummary, Progress


def texts_pending(conn: sqlite3.Connection) -> int:
    """How many files are stored without their texts (0 on a store older than m048)."""
    return files_without_texts(conn)


def store_session_texts(conn: sqlite3.Connection, session_id: str) -> IngestSummary | None:
    """The texts of the files that hold `session_id` and its subagents, when they are not stored
    yet (a read of one session: `show`, the web UI's timeline); None when there were none."""
    paths = writer.session_files_without_texts(conn, session_id)
    return store_texts(conn, paths=paths) if paths else None


def texts_coming(conn: sqlite3.Connection, db: str) -> int:
    """How many files' texts are not stored yet; when there are some, the store's worker is started
    to store them (unless it is at work already, or the store is only read here)."""
    pending = texts_pending(conn)
    if pending and not is_read_only(conn):
        from lessonloop.pipeline.background.worker import is_running, start_worker

        if not is_running(db):
            start_worker(db, after_ingest=False)
    return pending


def pending_note(conn: sqlite3.Connection, db: str) -> str | None:
    """What a read of texts (`search`) says while some files' texts are not stored yet: how many,
    and that the store's worker is storing them (`texts_coming`); None when every text is stored."""
    pending = texts_coming(conn, db)
    if not pending:
        return None
    files = f"{pending:,} file{'' if pending == 1 else 's'}"
    return (
        f"the texts of {files} are being stored, redacted, by the store's worker: until then their sessions "
        "are searched by the person's prompts alone (`lessonloop status` says when it is done; "
        "`lessonloop ingest --wait` waits for it)"
    )


def store_texts(
    conn: sqlite3.Connection, *, progress: Progress | None = None, paths: list[str] | None = None
) -> IngestSummary | None:
    """Read every file stored without its texts (or those of `paths` that are) again whole, its
    texts redacted, and place its sessions in their projects again (the configuration's [projects],
    as the capture did); None when there was none. A file gone from disk keeps what it stored (its
    figures), and its mark goes."""
    if not texts_pending(conn) or is_read_only(conn):
        return None  # (a store opened read-only is only read)
    from lessonloop.pipeline.ingest_job import IngestProgress, IngestRequest, run_ingest_job
    from lessonloop.settings.config import ConfigError, load_config

    wanted = None if paths is None else set(paths)
    paths = []
    for state in writer.files_without_texts(conn):
        if wanted is not None and state.path not in wanted:
            continue
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
