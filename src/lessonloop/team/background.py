"""The background sync after ingest (opt-in: `lessonloop team sync --after-ingest on`): `lessonloop
ingest` (its job, pipeline/ingest_job.py, through this wing's step after ingest) starts `python -m lessonloop.team.background --db PATH` as
a process of its own and does not wait for it; it pushes, then pulls, and writes what happened (or why it failed) to
`team-sync.log` beside the store. The hooks never start it: they never reach the network."""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from lessonloop.team.store.sync_flag import wants_sync_after_ingest

LOG_NAME = "team-sync.log"


def wants_sync(db: Path) -> bool:
    """Whether the store at `db` joined a team and asked for a sync after each ingest (a plain read)."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return False
    try:
        return wants_sync_after_ingest(conn)
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def start(db: Path) -> bool:
    """Start the sync for the store at `db` when it asked for one; returns whether it started."""
    if not wants_sync(db):
        return False
    log = db.parent / LOG_NAME
    with open(log, "ab") as out:
        subprocess.Popen(
            [sys.executable, "-m", "lessonloop.team.background", "--db", str(db)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
            start_new_session=True,
            env=dict(os.environ),
        )
    return True


def after_ingest(_conn: sqlite3.Connection, request: Any, report: Any) -> None:
    """The ingest job's step (core/wing.py's after_ingest): start the sync when the request names
    the store's file (`lessonloop ingest` does; the Stop hook's worker never reaches the network)
    and the store asked for it."""
    if request.store_file is not None:
        report.wing_steps["team_sync_started"] = start(request.store_file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lessonloop.team.background")
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    from lessonloop.core.timestamps import utc_now
    from lessonloop.store import open_store
    from lessonloop.team.server import TeamError, TeamServer
    from lessonloop.team.store.state import team_config
    from lessonloop.team.sync import pull, push

    conn = open_store(Path(args.db))
    try:
        config = team_config(conn)
        if config is None:
            return 0
        if not config.token:
            print(f"{utc_now()} team sync failed: {config.token_problem}", flush=True)
            return 1
        try:
            with TeamServer(config.url, config.member, config.token) as server:
                pushed = push(conn, server)
                pulled = pull(conn, server)
        except TeamError as exc:
            print(f"{utc_now()} team sync failed: {exc}", flush=True)
            return 1
        print(f"{utc_now()} team sync: pushed {pushed.items} item(s), pulled {pulled.items}", flush=True)
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
