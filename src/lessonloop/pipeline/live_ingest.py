"""Ingest after a session's turn or end (the Stop / SessionEnd hooks): read what is new in the
session's transcript, place its project, analyze, learn, and drop the calls the hooks stored
live once the transcript holds them.

The hooks queue the transcripts (apply/hooks/session_end.py) and start this module as its own
process, `python -I -m lessonloop.pipeline.live_ingest [--no-bandit]` with $LESSONLOOP_DB set:
`run_queue` empties the queue, one worker at a time; its failures go to the hooks' failure log.
"""

from __future__ import annotations

import os
import sqlite3
import sys

from lessonloop.config import ConfigError, load_config
from lessonloop.store.transaction import transaction


def ingest_transcripts(conn: sqlite3.Connection, paths: list[str], *, bandit: bool | None = None) -> dict[str, object]:
    """The `lessonloop ingest PATH...` steps for `paths`, without output; returns a summary.
    `bandit`: as `analyze_store` takes it (None: when installed, as `lessonloop ingest` does; the
    background worker runs it, the hook itself does not: pipeline/analysis.py adds its findings
    at the next analysis that has bandit, without analyzing anything else again)."""
    from lessonloop.capture.ingest import discover, ingest
    from lessonloop.pipeline.analysis import analyze_store
    from lessonloop.pipeline.learning import learn_store
    from lessonloop.pipeline.projects import resolve_store_projects

    try:
        config = load_config()
    except ConfigError:
        config = None
    sources, summary = discover(paths)
    if summary.used_sample:
        return {"ingested": 0}  # nothing of the user's was found: never ingest the bundled sample here
    ingest(conn, sources, summary)
    if config is not None:
        resolve_store_projects(conn, config)
    from lessonloop.pipeline.run_findings import match_run_findings

    match_run_findings(conn)
    analysis = analyze_store(conn, bandit=bandit)
    learned = learn_store(conn)
    dropped = drop_ingested_live_calls(conn)
    return {
        "ingest": summary.to_json(),
        "analysis": analysis.to_json(),
        "learning": learned.to_json(),
        "live_calls_dropped": dropped,
    }


def drop_ingested_live_calls(conn: sqlite3.Connection) -> int:
    """Delete the calls the hooks stored that the store now holds from a transcript."""
    with transaction(conn):
        cursor = conn.execute("DELETE FROM live_calls WHERE id IN (SELECT id FROM tool_calls)")
    return cursor.rowcount


def run_queue(db: str, *, bandit: bool | None = None) -> int:
    """Ingest every queued transcript, round after round until the queue is empty, holding the
    lock so that one worker runs at a time. Returns how many paths were ingested (0 when another
    worker holds the lock: it will take ours). `bandit`: None runs it when installed, as
    `lessonloop ingest` does (the background worker); False leaves its findings to the next
    analysis that has it (pipeline/analysis.py)."""
    import fcntl

    from lessonloop.apply.hooks.hook_store import record
    from lessonloop.apply.hooks.session_end import LOCK_FILE, queue_folder
    from lessonloop.store.connection import connect_for_writing

    folder = queue_folder(db)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, LOCK_FILE), "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0
        done = 0
        while True:
            paths = _take_queue(folder)
            if not paths:
                return done
            conn = connect_for_writing(db, wait_ms=30_000)
            try:
                record(conn, db, [], 30_000)  # the hook events waiting in the spool first
                ingest_transcripts(conn, [p for p in paths if os.path.isfile(p)], bandit=bandit)
            finally:
                conn.close()
            done += len(paths)


def _take_queue(folder: str) -> list[str]:
    """The queued paths (each once), emptying the queue."""
    from lessonloop.apply.hooks.session_end import QUEUE_FILE

    path = os.path.join(folder, QUEUE_FILE)
    taken = path + ".taking"
    try:
        os.replace(path, taken)
    except FileNotFoundError:
        return []
    with open(taken, encoding="utf-8", errors="replace") as handle:
        paths = list(dict.fromkeys(line.strip() for line in handle if line.strip()))
    os.unlink(taken)
    return paths


def main(argv: list[str] | None = None) -> int:
    """The worker the Stop / SessionEnd hooks start: empty the queue of the store at
    $LESSONLOOP_DB (`--no-bandit`: leave bandit out). Always returns 0: a failure is written to
    the hooks' failure log (event "ingest"), where `lessonloop hooks status` shows it."""
    from lessonloop.store.location import db_path_text

    args = sys.argv[1:] if argv is None else argv
    db = db_path_text()
    try:
        run_queue(db, bandit=False if "--no-bandit" in args else None)
    except Exception as exc:
        from lessonloop.apply.hooks.failures import log_failure
        from lessonloop.store.transaction import cause_of, store_error

        if isinstance(exc, sqlite3.Error) and cause_of(exc) is not None:  # a read's error: in plain words
            exc = store_error(exc, db).with_traceback(exc.__traceback__)
        log_failure(db, "ingest", None, exc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
