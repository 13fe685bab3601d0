"""The commands that read and report on sessions: ingest, sessions, show, stats."""

from __future__ import annotations

import argparse
import sys

from lessonloop.cli.common import CommandError, console, emit_json, open_cli_store


def cmd_ingest(args: argparse.Namespace) -> int:
    from lessonloop.capture.ingest import discover
    from lessonloop.capture.ingest import ingest as run_ingest

    sources, summary = discover(list(args.paths) or None)
    with open_cli_store(args.db) as conn:
        progress = None
        if not args.no_progress and sys.stderr.isatty():
            from lessonloop.report.progress import TerminalProgress

            progress = TerminalProgress()
        run_ingest(conn, sources, summary, progress=progress)
        stats_data = None
        if summary.used_sample:
            from lessonloop.report.queries import stats

            stats_data = stats(conn)
    if args.json:
        data = summary.to_json()
        if stats_data is not None:
            data["stats"] = stats_data
        emit_json(data)
    else:
        from lessonloop.report.render import ingest_summary_text

        print(ingest_summary_text(summary))
        if stats_data is not None:
            from lessonloop.report.render import render_stats

            out = console()
            out.print()
            render_stats(out, stats_data)
            out.print(
                "\nNext: [bold]lessonloop sessions[/] lists the sessions, "
                "[bold]lessonloop show ID[/] shows one, [bold]lessonloop stats[/] sums them up."
            )
    if summary.nothing_readable:
        if not args.json:
            where = ", ".join(summary.searched) or "the given paths"
            print(f"Error: nothing could be read from {where}.", file=sys.stderr)
        return 1
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    from lessonloop.report.queries import list_sessions

    with open_cli_store(args.db) as conn:
        rows = list_sessions(conn, args.project, args.limit)
    if args.json:
        emit_json([row.to_json() for row in rows])
    else:
        from lessonloop.report.render import render_sessions

        render_sessions(console(), rows)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from lessonloop.report.queries import SessionNotFound, resolve_session, session_timeline

    with open_cli_store(args.db) as conn:
        try:
            timeline = session_timeline(conn, resolve_session(conn, args.session_id))
        except SessionNotFound as exc:
            raise CommandError(str(exc)) from exc
    if args.json:
        emit_json(timeline.to_json())
    else:
        from lessonloop.report.render import render_timeline

        render_timeline(console(), timeline, show_all=args.all)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from lessonloop.report.queries import stats

    with open_cli_store(args.db) as conn:
        data = stats(conn, args.project)
    if args.json:
        emit_json(data)
    else:
        from lessonloop.report.render import render_stats

        render_stats(console(), data)
    return 0
