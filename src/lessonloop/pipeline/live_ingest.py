"""Ingest after a session's turn or end (the Stop / SessionEnd hooks): read what is new in the
session's transcript, place its project, analyze, learn, and drop the calls the hooks stored
live once the transcript holds them."""

from __future__ import annotations

import sqlite3

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
