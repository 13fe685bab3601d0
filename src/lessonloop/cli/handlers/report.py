"""`lessonloop report`: per session compliance, blind edits, errors, corrections, risk and cost,
per project the worst habits (analyzing what is new first); with --html the HTML report
(handlers/report_html.py). A fast path (tests/fast_paths.py): the modules that draw the tables
are imported only to draw them (not for --json), the HTML report's only with --html."""

from __future__ import annotations

import argparse

from lessonloop.cli.analysis_commands import REPORT_HABITS, REPORT_PROJECTS, REPORT_SESSIONS, SCREEN
from lessonloop.cli.common import console, emit_json, known_agent, open_cli_store
from lessonloop.cli.empty_results import no_sessions_text, session_filters
from lessonloop.cli.handlers.analysis_first import analyze_unless_read_only
from lessonloop.report.analysis_queries import build_report
from lessonloop.report.prevention_queries import prevention
from lessonloop.report.queries import models_in_scope
from lessonloop.store import counts as store_counts
from lessonloop.store.sessions.ids import short_ids


def cmd_report(args: argparse.Namespace) -> int:
    if getattr(args, "html", None):
        from lessonloop.cli.handlers.report_html import html_report

        return html_report(args)
    with open_cli_store(args.db, reading=True, refresh=not getattr(args, "no_refresh", False)) as conn:
        analyze_unless_read_only(conn, args)
        report = build_report(
            conn,
            args.project,
            top=5 if args.limit is None else args.limit,
            agent=known_agent(conn, args.agent),
            since=args.since,
            until=args.until,
            include_empty=args.include_empty,
        )
        empty = (
            None if report.sessions else no_sessions_text(conn, session_filters(args, limit=False), "analyzed sessions")
        )
        shown = {} if args.json else short_ids(conn, [s.id for s in report.sessions])
        statuses = [] if args.json else store_counts.lessons_by_status(conn)
        prevented = prevention(conn, args.project)  # what the hooks stopped, and the repeats before and after
        models = models_in_scope(conn, args.project, known_agent(conn, args.agent), args.since, args.until)
    if args.json:
        emit_json({**report.to_json(), "prevention": prevented.to_json(), "models": models})
        return 0
    if empty is not None:
        print(empty)
        return 0
    from lessonloop.report.analysis_render import render_report
    from lessonloop.report.report_summary import model_lines, prevention_lines, report_summary_lines

    summary = report_summary_lines(report, statuses) + prevention_lines(prevented) + model_lines(models)
    if args.all:
        render_report(console(), report, top=args.limit, shown_ids=shown, summary=summary)
        return 0
    render_report(
        console(),
        report,
        top=args.limit,
        shown_ids=shown,
        summary=summary,
        habits_shown=REPORT_HABITS if args.limit is None else None,
        sessions_shown=REPORT_SESSIONS,
        projects_shown=REPORT_PROJECTS,
        max_lines=SCREEN,
    )
    return 0
