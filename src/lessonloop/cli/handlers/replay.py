"""`lessonloop replay`: replay the store's history (or transcripts read into a temporary store)
call by call, and say whether the lessons would have warned of the repeated mistakes."""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
from pathlib import Path

from lessonloop.cli.common import CommandError, emit_json, known_agent, open_cli_store, project_named
from lessonloop.cli.replay_output import print_replay
from lessonloop.learning.engine.replay import replay
from lessonloop.learning.engine.replay_labels import LabelError, read_labels, score_labels
from lessonloop.learning.runs import load_replay_history
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.pipeline.ingest import discover
from lessonloop.pipeline.ingest import ingest as run_ingest
from lessonloop.pipeline.session_projects import resolve_store_projects
from lessonloop.report.progress import Stages
from lessonloop.settings.config import load_config
from lessonloop.store import counts as store_counts
from lessonloop.store import open_store
from lessonloop.store.read_only import is_read_only


def cmd_replay(args: argparse.Namespace) -> int:
    labels = None
    if args.labels is not None:
        try:
            labels = read_labels(args.labels)
        except LabelError as exc:
            raise CommandError(str(exc)) from exc
    stored_sessions = None
    with Stages(enabled=sys.stderr.isatty() and not args.json) as stages:  # seconds on a large history
        if args.paths:
            with tempfile.TemporaryDirectory(prefix="lessonloop-replay-") as folder:
                stages.step("reading the transcripts into a temporary store")
                conn = _store_from_paths(args.paths, Path(folder) / "replay.db")
                try:  # (open while replaying: what a session showed of a file is read when a lesson needs it)
                    history = load_replay_history(
                        conn, project_named(conn, args.project), known_agent(conn, args.agent)
                    )
                    stages.step(f"replaying {len(history.events):,} tool calls")
                    report = replay(history, split=args.split)
                finally:
                    conn.close()
        else:
            with open_cli_store(args.db, reading=True) as conn:
                agent = known_agent(conn, args.agent)
                if not is_read_only(conn):  # read-only: replayed as the analysis stands
                    stages.step("analyzing what changed")
                    analyze_store(conn)
                stages.step("reading the history")
                history = load_replay_history(conn, project_named(conn, args.project), agent)
                stages.step(f"replaying {len(history.events):,} tool calls")
                report = replay(history, split=args.split)
                stored_sessions = store_counts.all_sessions(conn)
    if not history.events:
        where = (f" in project {args.project}" if args.project else "") + (
            f" of agent {args.agent}" if args.agent else ""
        )
        if args.paths:
            where += " in the transcripts given"
        elif stored_sessions == 0:
            where += ": no sessions stored yet (`lessonloop ingest` reads them, or give transcripts: replay PATH)"
        raise CommandError("no tool calls to replay" + where)
    data = report.to_json()
    if not args.explain:
        data.pop("failures")
    if labels is not None:
        data["labels"] = {"file": str(args.labels), **score_labels(report, history.events, labels).to_json()}
    if args.json:
        emit_json(data)
    else:
        print_replay(data, every=args.all)
    return 0


def _store_from_paths(paths: list[str], db: Path) -> sqlite3.Connection:
    """A temporary store at `db` with these transcripts read, placed and analyzed (open: the
    caller closes it)."""
    for path in paths:
        if not Path(path).exists():
            raise CommandError(f"no such file or folder: {path}")
    sources, summary = discover(paths)
    conn = open_store(db)
    try:
        run_ingest(conn, sources, summary, progress=None)
        resolve_store_projects(conn, load_config())
        analyze_store(conn, bandit=False)
    except BaseException:
        conn.close()
        raise
    return conn
