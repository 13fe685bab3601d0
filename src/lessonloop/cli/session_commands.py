"""The commands that read and report on sessions: ingest, sessions, show, stats."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from typing import TYPE_CHECKING

from lessonloop.cli.common import CommandError, UsageError, console, emit_json, known_agent, open_cli_store, shown
from lessonloop.cli.empty_results import no_sessions_text

if TYPE_CHECKING:
    from lessonloop.pipeline.findings_import import ImportResult


def _import_results(args: argparse.Namespace, conn: sqlite3.Connection) -> list[ImportResult]:
    """--sarif and --junit files, imported and matched to sessions."""
    results: list[ImportResult] = []
    if not args.sarif and not args.junit:
        return results
    from lessonloop.pipeline.findings_import import import_findings

    for fmt, paths in (("sarif", args.sarif or []), ("junit", args.junit or [])):
        for path in paths:
            try:
                results.append(import_findings(conn, path, fmt))
            except OSError as exc:
                raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return results


def cmd_ingest(args: argparse.Namespace) -> int:
    if args.git:
        from lessonloop.cli.git_commands import cmd_ingest_git

        return cmd_ingest_git(args)
    from lessonloop.capture.discovery import SourceRef
    from lessonloop.config import ConfigError, load_config
    from lessonloop.pipeline.ingest import IngestSummary, discover, ingest_new_projects, known_folders
    from lessonloop.pipeline.ingest import ingest as run_ingest

    results_only = not args.paths and bool(args.sarif or args.junit)
    try:
        config = load_config() if not results_only else None  # its [projects] place the sessions read
    except ConfigError as exc:
        raise CommandError(str(exc)) from exc
    with open_cli_store(args.db) as conn:
        sources: list[SourceRef] = []
        summary: IngestSummary | None = None
        known: list[str] = []
        configured: tuple[str, ...] = ()
        if results_only:
            pass
        elif args.paths:
            sources, summary = discover(list(args.paths))
        else:  # Aider keeps its history in each project: look in the folders the store knows
            known = known_folders(conn)
            configured = config.capture.paths if config is not None else ()
            sources, summary = discover(None, known_folders=known, configured=configured)
        projects = None
        if summary is not None:
            progress = None
            if not args.no_progress and sys.stderr.isatty():
                from lessonloop.report.progress import TerminalProgress

                progress = TerminalProgress()
            run_ingest(conn, sources, summary, progress=progress)
            if not args.paths:  # and in the projects this ingest made known
                ingest_new_projects(conn, known, configured, sources, summary, progress=progress)
        if config is not None:
            from lessonloop.pipeline.projects import resolve_store_projects

            projects = resolve_store_projects(conn, config)
        imports = _import_results(args, conn)
        from lessonloop.pipeline.run_findings import match_run_findings

        match_run_findings(conn)  # error lines of `lessonloop run`, tied to the session edits they follow
        from lessonloop.pipeline.git_links import link_commits

        links = link_commits(conn)  # commits tied to the sessions that made them (docs/git.md, "Links")
        from lessonloop.report.progress import Busy

        busy = not args.no_progress and not args.json and sys.stderr.isatty()
        analysis = None
        if not args.no_analyze:
            from lessonloop.pipeline.analysis import analyze_store
            from lessonloop.report.progress import CountProgress

            counted = CountProgress("analyzing", "sessions") if busy else None  # sessions done of all, time left
            analysis = analyze_store(conn, bandit=args.bandit, progress=counted)
        learned = None
        if not args.no_analyze and not args.no_learn:
            from lessonloop.apply.embeddings import available as embeddings_available
            from lessonloop.pipeline.learning import learn_store

            doing = "learning lessons"
            if embeddings_available():
                doing += " (and embedding new ones for recall by meaning)"
            with Busy(f"{doing}...", enabled=busy):
                learned = learn_store(conn)
        stats_data = None
        if summary is not None and summary.used_sample:
            from lessonloop.report.queries import stats

            stats_data = stats(conn)
    from lessonloop.store import resolve_db_path
    from lessonloop.team.background import start as start_team_sync

    start_team_sync(resolve_db_path(args.db))  # when the store joined a team and asked for it (docs/team.md)
    if args.json:
        data = summary.to_json() if summary is not None else {}
        if projects is not None:
            data["projects"] = projects.to_json()
        if imports:
            data["imports"] = [r.to_json() for r in imports]
        if analysis is not None:
            data["analysis"] = analysis.to_json()
        if learned is not None:
            data["learning"] = learned.to_json()
        if stats_data is not None:
            data["stats"] = stats_data
        if links.skipped is None:
            data["links"] = links.to_json()
        emit_json(data)
    else:
        from lessonloop.cli.ingest_summary import ingest_summary_text

        if summary is not None:
            print(shown(ingest_summary_text(summary)))  # problems may quote a line of a transcript
        if projects is not None and projects.summary_text():
            print(projects.summary_text())
        for result in imports:
            print(_import_text(result))
        if links.skipped is None and links.text():
            print(links.text())
        if analysis is not None:
            from lessonloop.report.analysis_render import analysis_run_text

            print(analysis_run_text(analysis))
            for problem in analysis.problems:
                print(f"Warning: {problem}", file=sys.stderr)
        if learned is not None:
            from lessonloop.cli.lesson_commands import learn_run_text

            print(learn_run_text(learned))
        if stats_data is not None:
            from lessonloop.report.render import render_stats

            out = console()
            out.print()
            render_stats(out, stats_data)
            out.print(
                "\nNext: [bold]lessonloop sessions[/] lists the sessions, "
                "[bold]lessonloop show ID[/] shows one, [bold]lessonloop report[/] shows what went wrong, "
                "[bold]lessonloop lessons[/] lists what was learned from it."
            )
    if summary is not None and summary.nothing_readable:
        if not args.json:
            where = ", ".join(summary.searched) or "the given paths"
            message = f"nothing could be read from {where}: {summary.nothing_read_reason()}."
            print(f"Error: {shown(message, 'command')}", file=sys.stderr)
        return 1
    if results_only and imports and all(_nothing_imported(result) for result in imports):
        if not args.json:
            where = ", ".join(result.path for result in imports)
            message = f"nothing could be imported from {where} (the problems above say why)."
            print(f"Error: {shown(message, 'command')}", file=sys.stderr)
        return 1
    return 0


def _nothing_imported(result: ImportResult) -> bool:
    """No finding and no test read from a results file, and an error said why."""
    return not result.findings and not result.tests and any(p.severity == "error" for p in result.problems)


def _import_text(result: ImportResult) -> str:
    text = f"Imported {result.path} ({result.format}): {result.findings} findings, {result.matched} matched to sessions"
    if result.tests is not None:
        text += f"; {result.tests} tests, {result.failures} failed"
    for problem in result.problems:
        text += f"\n  {problem.severity}: {problem.code}: {problem.detail}"
    return text + "."


def cmd_sessions(args: argparse.Namespace) -> int:
    from lessonloop.report.queries import list_sessions
    from lessonloop.store.session_ids import short_ids

    with open_cli_store(args.db, reading=True) as conn:
        rows = list_sessions(
            conn,
            args.project,
            args.limit,
            known_agent(conn, args.agent),
            since=args.since,
            until=args.until,
            include_empty=args.include_empty,
        )
        empty = None if rows or args.json else no_sessions_text(conn, _filters(args), "sessions")
        shown = {} if args.json else short_ids(conn, [row.id for row in rows])
    if args.json:
        emit_json([row.to_json() for row in rows])
    elif empty is not None:
        print(empty)
    else:
        from lessonloop.report.render import render_sessions

        render_sessions(console(), rows, shown)
    return 0


def _filters(args: argparse.Namespace) -> list[tuple[str, object | None]]:
    """The session filters given, as options (for the message when nothing matches)."""
    return [
        ("--project", args.project),
        ("--agent", args.agent),
        ("-n", getattr(args, "limit", None)),
        ("--since", getattr(args, "since", None)),
        ("--until", getattr(args, "until", None)),
    ]


def cmd_show(args: argparse.Namespace) -> int:
    from lessonloop.report.queries import session_timeline
    from lessonloop.store.session_ids import SessionNotFound, resolve_session

    with open_cli_store(args.db, reading=True) as conn:
        try:
            timeline = session_timeline(conn, resolve_session(conn, args.session_id))
        except SessionNotFound as exc:
            raise UsageError(str(exc)) from exc
    if args.json:
        emit_json(timeline.to_json())
    else:
        from lessonloop.report.render import render_timeline

        render_timeline(console(), timeline, show_all=args.all)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    if args.by:
        return _stats_by_period(args)
    if args.breakdown:
        raise UsageError("--breakdown goes with --by day, week or month")
    from lessonloop.report.queries import stats

    with open_cli_store(args.db, reading=True) as conn:
        data = stats(conn, args.project, known_agent(conn, args.agent), since=args.since, until=args.until)
        empty = None
        if not args.json and not data.get("sessions") and not data.get("subagent_sessions"):
            empty = no_sessions_text(conn, _filters(args), "sessions")
    if args.json:
        emit_json(data)
    elif empty is not None:
        print(empty)
    else:
        from lessonloop.report.render import render_stats

        render_stats(console(), data)
    return 0


def _stats_by_period(args: argparse.Namespace) -> int:
    """`stats --by day|week|month` (report/usage_queries.py)."""
    from lessonloop.report.usage_queries import usage_periods

    with open_cli_store(args.db, reading=True) as conn:
        data = usage_periods(conn, args.by, args.project, known_agent(conn, args.agent), args.since, args.until)
        empty = None
        if not args.json and not data["periods"]:
            empty = no_sessions_text(conn, _filters(args), "token usage")
    if args.json:
        emit_json(data)
    elif empty is not None:
        print(empty)
    else:
        from lessonloop.report.usage_render import render_usage_periods

        render_usage_periods(console(), data, breakdown=args.breakdown)
    return 0
