"""`lessonloop status`: the store's background worker (pipeline/background), what trails, and what the
store watches (store/capture_watch.py: the agents' folders, the paths named to it)."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import emit_json, open_cli_store, shown
from lessonloop.pipeline.background.lag import lag_of
from lessonloop.pipeline.background.worker import worker_status
from lessonloop.store.capture_watch import Watch, watch_of
from lessonloop.store.counts import lessons as lesson_count
from lessonloop.store.counts import main_sessions
from lessonloop.store.location import resolve_db_path_text


def cmd_status(args: argparse.Namespace) -> int:
    db = resolve_db_path_text(args.db)
    with open_cli_store(args.db, reading=True) as conn:
        lag = lag_of(conn)
        sessions, lessons = main_sessions(conn), lesson_count(conn)
        watch = watch_of(conn)
    worker = worker_status(db)
    if args.json:
        emit_json(
            {
                "store": db,
                "sessions": sessions,
                "lessons": lessons,
                "watch": watch.to_json(),
                "worker": worker,
                "lag": lag.to_json(),
            }
        )
        return 0
    print(f"Store: {db} ({sessions:,} sessions, {lessons:,} lessons)")
    print(f"Watches: {shown(_watch_text(watch, args.db))}")
    print(f"Worker: {shown(_worker_text(worker))}")
    print(f"Findings and lessons: {lag.text() or 'current'}")
    if lag.behind and not worker.get("running"):
        print("`lessonloop ingest --wait` brings them up to date now.")
    return 0


def _worker_text(worker: dict[str, object]) -> str:
    phase = worker.get("phase")
    if worker.get("running"):
        return f"running (pid {worker.get('pid')}, {phase}, since {worker.get('started')})"
    if phase is None:
        return "has not run for this store"
    if phase == "failed":
        return f"its last run failed at {worker.get('finished')}: {worker.get('error')}"
    if phase == "stopped":
        return f"its last run (pid {worker.get('pid')}, from {worker.get('started')}) was stopped before it finished"
    return f"not running; its last run finished at {worker.get('finished')} in {worker.get('seconds')} s"


def _watch_text(watch: Watch, db: str | None) -> str:
    """What the store's reads look at for anything new (store/capture_watch.py)."""
    named = watch.named_paths
    listed = ", ".join(named[:5]) + (f" and {len(named) - 5} more" if len(named) > 5 else "")
    if watch.defaults:
        text = "your agents' folders (and capture.paths)"
        return text + (f", and the paths named to ingest: {listed}" if named else "")
    option = f" --db {db}" if db else ""
    return (
        f"only the paths named to ingest: {listed or 'none'} (not your agents' folders: "
        f"`lessonloop ingest{option}` without paths adds them)"
    )
