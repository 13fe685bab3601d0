"""`lessonloop ingest`: read transcripts (and results files) into the store, analyze and learn,
and say what came in with the next steps."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from contextlib import AbstractContextManager

from lessonloop.cli.common import CommandError, emit_json, open_cli_store, shown, user_config
from lessonloop.cli.session_commands import ingest_modes
from lessonloop.core.timestamps import utc_now
from lessonloop.pipeline.ingest_job import IngestProgress, IngestReport, IngestRequest, ResultsFileError, run_ingest_job
from lessonloop.report.ingest_overview_queries import IngestOverview
from lessonloop.store import resolve_db_path
from lessonloop.store.capture_watch import watch_of
from lessonloop.store.counts import main_sessions
from lessonloop.store.sessions.forgotten import bring_back_cleaned
from lessonloop.store.transaction import transaction

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def cmd_ingest(args: argparse.Namespace) -> int:
    for mode in ingest_modes():
        if mode.chosen(args):
            status: int = mode.run(args)
            return status

    progress = _ingest_progress(args)
    store_file = resolve_db_path(args.db)
    request = IngestRequest(
        paths=tuple(args.paths) or None,
        sarif=tuple(args.sarif or ()),
        junit=tuple(args.junit or ()),
        analyze=not args.no_analyze,
        learn=not args.no_learn,
        bandit=args.bandit,
        store_file=store_file,  # the wings' steps after ingest: a team sync (docs/team.md)
        progress=progress,
        defer=True,  # analysis and learning: the store's worker's, or waited for below
        # a new file's texts too, unless waited for (pipeline/ingest.py, "Texts later"): with
        # --no-analyze no worker follows, so they are stored now
        texts_later=not args.no_analyze and not wants_wait(args),
        # paths named for this store: its later reads look at them again (store/capture_watch.py)
        watch_paths=True,
        default_store=_is_default_store(store_file),
    )
    config = user_config() if not request.results_only else None  # its [projects] place the sessions read
    background: dict[str, object] | None = None
    with open_cli_store(args.db) as conn:
        before, started = main_sessions(conn), utc_now()
        recorded = watch_of(conn).recorded
        brought: tuple[int, int] | None = None
        if args.reread:  # what cleanup removed, read again from its files
            with transaction(conn):
                brought = bring_back_cleaned(conn)
        try:
            report = run_ingest_job(conn, request, config)
        except ResultsFileError as exc:
            raise CommandError(str(exc)) from exc
        watch = watch_of(conn)
        if report.deferred:
            background = _analyze_and_learn(args, conn, str(store_file), report, progress)
        overview = None if args.json else _overview(conn, report, before, started)
    if args.json:
        data = report.to_json()
        if background is not None:
            data["background"] = background
        if brought is not None:
            data["brought_back"] = {"sessions": brought[0], "files": brought[1]}
        emit_json(data)
    else:
        if brought is not None:
            print(
                f"--reread: {brought[0]:,} session(s) `cleanup` removed, from {brought[1]:,} file(s) read again whole"
                " (a session you forgot stays forgotten)."
            )
        _print_ingest(report, overview)
        if not recorded and watch.recorded and not watch.defaults:  # a store made from named paths
            option = f" --db {args.db}" if args.db else ""
            said = (
                f"This store watches only what was named to it: its reads look at {_named(watch.named_paths)} "
                f"again, not at your agents' folders (`lessonloop ingest{option}` without paths adds them; "
                "`lessonloop status` says what a store watches)."
            )
            print(shown(said, "command"))
        if background is not None and background.get("worker") in ("started", "running"):
            print(
                "Analysis and learning go on in the background (`lessonloop status` shows them; "
                "`lessonloop ingest --wait` waits for them)."
            )
    summary = report.summary
    if report.nothing_readable:
        if not args.json and summary is not None:  # nothing readable: sessions were looked for
            where = ", ".join(summary.searched) or "the given paths"
            message = f"nothing could be read from {where}: {summary.nothing_read_reason()}."
            print(f"Error: {shown(message, 'command')}", file=sys.stderr)
        return 1
    if report.nothing_imported:
        if not args.json:
            where = ", ".join(result.path for result in report.imports)
            message = f"nothing could be imported from {where} (the problems above say why)."
            print(f"Error: {shown(message, 'command')}", file=sys.stderr)
        return 1
    return 0


def _named(paths: list[str]) -> str:
    return ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _is_default_store(store_file: Path) -> bool:
    """Whether `store_file` is the store without --db or $LESSONLOOP_DB, which always watches the
    agents' folders (a store named otherwise and made from paths watches those paths only)."""
    import os

    from lessonloop.store.location import default_db_path

    return os.path.abspath(store_file) == os.path.abspath(default_db_path())


def wants_wait(args: argparse.Namespace) -> bool:
    """`--wait`, or $LESSONLOOP_INGEST_WAIT set to 1 (scripts and CI that read the lessons next)."""
    import os

    return bool(getattr(args, "wait", False)) or os.environ.get("LESSONLOOP_INGEST_WAIT", "") in ("1", "true", "yes")


def _analyze_and_learn(
    args: argparse.Namespace, conn: sqlite3.Connection, db: str, report: IngestReport, progress: IngestProgress
) -> dict[str, object]:
    """After the capture: analyze and learn here (--wait) or hand them to the store's worker
    (pipeline/background). Returns what was done, for --json's `background`."""
    from lessonloop.core.wings import wings
    from lessonloop.pipeline.background.lag import lag_of
    from lessonloop.pipeline.background.worker import is_running

    if not lag_of(conn, learn=not args.no_learn).behind and not is_running(db):
        # nothing new to analyze or learn (an ingest with nothing new): no worker, the steps now
        report.deferred = False
        for wing in wings():
            wing.after_ingest(conn, IngestRequest(store_file=resolve_db_path(args.db)), report)
        return {"worker": "not needed"}
    if wants_wait(args):
        from lessonloop.pipeline.background.wait import wait_until_current

        done = wait_until_current(
            db,
            conn,
            bandit=args.bandit,
            learn=not args.no_learn,
            waiting=_waiting(args, db),
            analyzing=progress.analyzing,
            learning=progress.learning,
            report=report,
            tie=False,  # the job ran the steps before analysis already
        )
        if done is not None:
            report.analysis, report.learning = done.analysis, done.learning
        report.deferred = False
        request = IngestRequest(store_file=resolve_db_path(args.db))
        for wing in wings():  # a team sync, now that the lessons are current
            wing.after_ingest(conn, request, report)
        return {"worker": "waited"}
    from lessonloop.pipeline.background.worker import start_worker

    return start_worker(db, bandit=args.bandit, learn=not args.no_learn, after_ingest=True).to_json()


def _waiting(args: argparse.Namespace, db: str) -> AbstractContextManager[object] | None:
    """A spinner while --wait waits for a background worker already at work (on a terminal)."""
    from lessonloop.pipeline.background.worker import is_running

    if args.no_progress or args.json or not sys.stderr.isatty() or not is_running(db):
        return None
    from lessonloop.report.progress import Busy

    return Busy("waiting for the background worker...", enabled=True)


def _ingest_progress(args: argparse.Namespace) -> IngestProgress:
    """The progress bars and spinner of `ingest` (stderr, on a terminal, unless --no-progress):
    the bytes read even with --json, the sessions analyzed and the learning without it."""

    if args.no_progress or not sys.stderr.isatty():
        return IngestProgress()
    from lessonloop.report.progress import Busy, CountProgress, TerminalProgress

    busy = not args.json
    learning = None
    if not args.no_analyze and not args.no_learn:
        learning = Busy("learning lessons...", enabled=busy)
    return IngestProgress(
        reading=TerminalProgress(),
        analyzing=CountProgress("analyzing", "sessions") if busy else None,  # sessions done of all, time left
        learning=learning,
    )


def _overview(conn: sqlite3.Connection, report: IngestReport, before: int, started: str) -> IngestOverview | None:
    """What the ingest brought, for its next steps (report/ingest_overview_queries.py); None when
    it read no sessions (results files only)."""
    summary = report.summary
    if summary is None:
        return None
    from lessonloop.report.ingest_overview_queries import ingest_overview

    learned = report.learning is not None and not report.learning.skipped
    first = before == 0 or summary.sample_removed is not None  # nothing of the person's was stored before
    return ingest_overview(conn, summary.main_sessions, started if learned else None, first=first)


def _print_ingest(report: IngestReport, overview: IngestOverview | None) -> None:
    """The ingest's report as text (cli/ingest_summary.py), its analysis' warnings on stderr."""
    from lessonloop.cli.command_parser import help_width
    from lessonloop.cli.ingest_summary import ingest_report_text

    width = help_width() + 2 if sys.stdout.isatty() else 160  # piped: not cut at 80 (as common.console)
    text = ingest_report_text(report, overview, width)
    if text:
        print(shown(text))  # problems may quote a line of a transcript
    if report.analysis is not None:
        for problem in report.analysis.problems:
            print(f"Warning: {problem}", file=sys.stderr)
