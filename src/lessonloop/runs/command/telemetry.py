"""The store around a run of `lessonloop run`: --auto's options learned from the command's earlier
runs, before it starts, and the run recorded after it ends (never failing the run). Imported
only then: the store, the pipeline and the redaction rules stay off the start-up path."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from lessonloop.runs.runner.result import RunOptions, RunResult


def apply_auto(args: argparse.Namespace, options: RunOptions) -> dict[str, Any] | None:
    """Fill what the person did not set from the command's history; the note says what was
    applied. Any failure leaves the options as they were (a run never fails for --auto)."""
    try:
        from lessonloop.runs.store.writer import open_for_recording
        from lessonloop.runs.suggestions import auto_options

        conn = open_for_recording(db_path(args.db))
        try:
            values, note = auto_options(conn, options.argv)
        finally:
            conn.close()
    except Exception as exc:
        print(f"lessonloop run: --auto: no suggestion ({exc})", file=sys.stderr)
        return None
    applied: dict[str, Any] = {}
    for name in ("timeout", "idle_timeout", "first_output_timeout"):
        value = values.get(name)
        if value is not None and getattr(options, name) is None:
            setattr(options, name, float(value))
            applied[name] = float(value)
    if values.get("error") and not options.error:
        options.error = list(values["error"])
        options.exclude += [p for p in values.get("exclude", ()) if p not in options.exclude]
        applied["error"] = options.error
    if not args.quiet and not args.json:
        print(f"lessonloop run: --auto: {note}", file=sys.stderr)
    return {"applied": applied, "note": note}


def db_path(explicit: str | None) -> str:
    """The store's path: --db, else $LESSONLOOP_DB, else the usual place."""
    from lessonloop.store.location import resolve_db_path

    return str(resolve_db_path(explicit))


def record_run(result: RunResult, db: str | None) -> int | None:
    """Write the run to the store; a failure is one line on stderr and never changes the status."""
    path = "the store"
    try:
        from lessonloop.runs.recording import record

        path = db_path(db)
        return record(result, path)
    except Exception as exc:  # telemetry must never fail the run
        from lessonloop.store.transaction import StoreError

        where = "" if isinstance(exc, StoreError) else f" in {path}"  # a StoreError names the store itself
        print(f"lessonloop run: the run was not recorded{where}: {exc}", file=sys.stderr)
        return None
