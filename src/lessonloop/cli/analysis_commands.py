"""The commands over analysis: analyze, analyze stats, report."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from lessonloop.cli.common import (
    CommandError,
    UsageError,
    agent_option,
    bandit_options,
    common_options,
    console,
    emit_json,
    include_empty_option,
    known_agent,
    limit_option,
    open_cli_store,
    project_option,
    time_options,
)
from lessonloop.cli.empty_results import no_sessions_text

REPORT_SESSIONS = 15  # at most the latest sessions `report` shows without --all
REPORT_PROJECTS = 3  # the projects with the most sessions whose habits it shows without --all
REPORT_HABITS = 3  # the habits it shows per project without --all or -n (--json: 5, or -n)
SCREEN = 50  # the most lines `report` prints without --all (fewer sessions in the table when they wrap)

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

    import sqlite3

    from lessonloop.pipeline.analysis import AnalysisProgress
    from lessonloop.store.lessons.reader import LessonRow


def register(commands: Commands) -> None:
    """Add `analyze` (and `analyze stats`) and `report`."""
    analyze = commands.add_parser(
        "analyze",
        help="find blind edits, workflow violations, error classes, corrections, risky diffs, outcomes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Analyze stored sessions: file operations and blind edits, workflow rules\n"
            "(.lessonloop/workflow.toml in the project, else the defaults), tool-error classes,\n"
            "user corrections, the risk of each diff, and how each session ended.\n\n"
            "Sessions unchanged since their last analysis are skipped (--force redoes them).\n"
            "`lessonloop ingest` runs this on what it read. `lessonloop analyze stats` compares\n"
            "habits with outcomes.\n\n"
            "bandit is off unless `[analysis] bandit = true` or --bandit: it scans the sessions\n"
            "analyzed from then on; `analyze --force --bandit` scans the whole history."
        ),
    )
    analyze.add_argument(
        "--session", metavar="ID", help="analyze this session (id or unique prefix) and print its signals"
    )
    analyze.add_argument("--force", action="store_true", help="re-analyze sessions even when unchanged")
    bandit_options(analyze)
    analyze.add_argument("--no-progress", action="store_true", help="no progress bar")
    project_option(analyze)
    agent_option(analyze)
    common_options(analyze)
    analyze.set_defaults(handler=cmd_analyze)
    sub = analyze.add_subparsers(
        dest="analyze_command", metavar="stats", title="subcommands", help="habits against outcomes (see below)"
    )
    stats = sub.add_parser(
        "stats",
        help="workflow habits against outcomes: counts, rates, Fisher's exact test, effect sizes",
        description=(
            "Compare sessions with and without each habit (not fully compliant, each rule violated, "
            "blind edits, search loops) on each outcome (errors unresolved, tests failing at the end, "
            "corrections needed, changes reverted): counts, rates, Fisher's exact test p-value, "
            "odds ratio with its 95%% interval, and risk difference."
        ),
    )
    project_option(stats)
    agent_option(stats)
    bandit_options(stats)
    common_options(stats)
    stats.set_defaults(handler=cmd_analyze_stats)

    report = commands.add_parser(
        "report",
        help="per session compliance, blind edits, errors by class, corrections, risk, cost; per project the worst habits",
        description="A report over analyzed sessions (analyzing what changed first).",
    )
    project_option(report)
    agent_option(report)
    limit_option(
        report,
        f"habits shown per project (default 5; {REPORT_HABITS} in the text without --all; 0: none)",
        minimum=0,
    )
    report.add_argument(
        "--html",
        metavar="FILE",
        help="write one self-contained HTML file instead (dashboards and lessons; scripts, styles and data inside, "
        "nothing fetched when viewed; needs the web extra; docs/web.md)",
    )
    report.add_argument(
        "--all",
        action="store_true",
        help=f"every session and project in the text (default: the latest {REPORT_SESSIONS} sessions and the "
        f"{REPORT_PROJECTS} projects with the most; --json has them all)",
    )
    report.add_argument(
        "--no-replay",
        action="store_true",
        help="with --html, leave the replay out (it re-runs learning over the history)",
    )
    time_options(report)
    bandit_options(report)
    include_empty_option(report)
    common_options(report)
    report.set_defaults(handler=cmd_report)


def _progress(args: argparse.Namespace) -> AnalysisProgress | None:
    if getattr(args, "no_progress", False) or not sys.stderr.isatty():
        return None
    from lessonloop.report.progress import CountProgress

    return CountProgress("analyze", "sessions")


def _filters(args: argparse.Namespace) -> list[tuple[str, object | None]]:
    """The session filters given, as options (for the message when nothing matches)."""
    return [
        ("--project", args.project),
        ("--agent", args.agent),
        ("--since", getattr(args, "since", None)),
        ("--until", getattr(args, "until", None)),
    ]


def cmd_analyze(args: argparse.Namespace) -> int:
    from lessonloop.pipeline.analysis import analyze_store
    from lessonloop.report.analysis_queries import session_analysis
    from lessonloop.store.sessions.ids import SessionNotFound, resolve_session

    with open_cli_store(args.db) as conn:
        session_id = None
        if args.session:
            try:
                session_id = resolve_session(conn, args.session)
            except SessionNotFound as exc:
                raise UsageError(str(exc)) from exc
            session_id = session_id.split("/", 1)[0]  # a subagent is analyzed with its main session
        run = analyze_store(
            conn,
            session_ids=[session_id] if session_id else None,
            force=args.force,
            bandit=args.bandit,
            progress=_progress(args),
        )
        detail = session_analysis(conn, session_id) if session_id else None
        report = None
        empty = None
        if session_id is None:
            from lessonloop.report.analysis_queries import build_report

            report = build_report(conn, args.project, agent=known_agent(conn, args.agent))
            if not report.sessions:
                empty = no_sessions_text(conn, _filters(args), "analyzed sessions")
    for problem in run.problems:
        print(f"Warning: {problem}", file=sys.stderr)
    if args.json:
        emit_json(detail if detail is not None else {"run": run.to_json(), **(report.to_json() if report else {})})
        return 0
    from lessonloop.report.analysis_render import analysis_run_text, render_report, render_session_analysis

    print(analysis_run_text(run), file=sys.stderr)
    if detail is not None:
        render_session_analysis(console(), detail)
    elif empty is not None:
        print(empty)
    elif report is not None:
        render_report(console(), report)
    return 0


def _analyze_unless_read_only(conn: sqlite3.Connection, args: argparse.Namespace) -> None:
    """Analyze what is new first; a store opened read-only is read as its analysis stands. Whether
    anything is new is asked without loading the analysis pipeline (pipeline/analysis_check.py):
    after an ingest, nothing is."""
    from lessonloop.pipeline.analysis_check import analysis_is_current
    from lessonloop.store.read_only import is_read_only

    if is_read_only(conn) or analysis_is_current(conn):
        return
    from lessonloop.pipeline.analysis import analyze_store

    analyze_store(conn, bandit=args.bandit)


def cmd_analyze_stats(args: argparse.Namespace) -> int:
    from lessonloop.learn.habit_stats import habit_outcome_stats
    from lessonloop.report.analysis_queries import habit_figures, outcome_counts, session_facts

    with open_cli_store(args.db, reading=True) as conn:
        _analyze_unless_read_only(conn, args)
        facts = session_facts(conn, args.project, known_agent(conn, args.agent))
        empty = None if facts else no_sessions_text(conn, _filters(args), "analyzed sessions")
    if args.json:
        emit_json(habit_figures(facts))
        return 0
    if empty is not None:
        print(empty)
        return 0
    associations = habit_outcome_stats(facts)
    outcomes = outcome_counts(facts)
    from lessonloop.report.analysis_render import render_habit_stats

    render_habit_stats(console(), associations, len(facts), sum(1 for f in facts if f.empty))
    rolled = outcomes["changes_rolled_back"]
    print(
        f"Changes rolled back: {rolled['sessions']} of {len(facts)} sessions ({rolled['in_session']} reverted in the "
        f"session, {rolled['by_later_commit']} with a commit undone by a later commit: {rolled['commits_undone']} "
        'commits; docs/git.md, "Links").'
    )
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from lessonloop.report.analysis_queries import build_report
    from lessonloop.store import counts as store_counts
    from lessonloop.store.sessions.ids import short_ids

    if getattr(args, "html", None):
        return _html_report(args)
    with open_cli_store(args.db, reading=True) as conn:
        _analyze_unless_read_only(conn, args)
        report = build_report(
            conn,
            args.project,
            top=5 if args.limit is None else args.limit,
            agent=known_agent(conn, args.agent),
            since=args.since,
            until=args.until,
            include_empty=args.include_empty,
        )
        empty = None if report.sessions else no_sessions_text(conn, _filters(args), "analyzed sessions")
        shown = {} if args.json else short_ids(conn, [s.id for s in report.sessions])
        statuses = [] if args.json else store_counts.lessons_by_status(conn)
    if args.json:
        emit_json(report.to_json())
        return 0
    if empty is not None:
        print(empty)
        return 0
    from lessonloop.report.analysis_render import render_report
    from lessonloop.report.report_summary import report_summary_lines

    summary = report_summary_lines(report, statuses)
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


def _html_report(args: argparse.Namespace) -> int:
    """`report --html FILE`: the self-contained HTML report (report/html/static_report.py)."""
    from pathlib import Path

    from lessonloop.report.html.assets import missing_web_extra

    missing = missing_web_extra()
    if missing is not None:
        raise CommandError(missing)
    from lessonloop.core.timestamps import utc_now
    from lessonloop.report.dashboard_queries import dashboard
    from lessonloop.report.html.static_report import ReportPage, render_report_html
    from lessonloop.report.progress import Stages
    from lessonloop.report.queries import stats
    from lessonloop.store import resolve_db_path
    from lessonloop.store.lessons.reader import list_lessons

    with Stages(enabled=sys.stderr.isatty() and not args.json) as stages:  # seconds on a large store
        with open_cli_store(args.db, reading=True) as conn:
            stages.step("analyzing what changed")
            _analyze_unless_read_only(conn, args)
            agent = known_agent(conn, args.agent)
            stages.step("replaying the history: would the lessons have warned?")
            replay = None if args.no_replay else _replay_json(conn, args.project, agent)
            stages.step("reading the dashboards' figures")
            page = ReportPage(
                dashboard=dashboard(conn, args.project, agent, args.since, args.until),
                replay=replay,
                lessons=sorted(list_lessons(conn, status="active,pending", project=args.project), key=_review_order),
                stats=stats(conn, args.project, agent, args.since, args.until),
                store=str(resolve_db_path(args.db)),
                generated_at=utc_now(),
                project=args.project,
                agent=agent,
            )
        from lessonloop.settings.config import privacy_settings

        stages.step(f"writing {args.html}")
        html = render_report_html(page, scrub_pii=privacy_settings().scrub_pii_exports)
        target = Path(args.html)
        try:
            target.write_text(html, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {target}: {exc.strerror or exc}") from exc
    if args.json:
        emit_json({"html": str(target), "bytes": len(html.encode()), "lessons": len(page.lessons)})
    else:
        print(f"Wrote {target} ({len(html.encode()):,} bytes, {len(page.lessons)} lessons); open it in a browser.")
    return 0


def _review_order(lesson: LessonRow) -> tuple[int, float]:
    """Pending lessons first (they wait for review), then the most confident."""
    return (0 if lesson.status == "pending" else 1, -lesson.confidence)


def _replay_json(conn: sqlite3.Connection, project: str | None, agent: str | None) -> dict[str, object] | None:
    """The online replay of the history (learn/replay.py) as JSON, None when there is nothing to
    replay; the bundled sample left out as the dashboards leave it (report/sample_queries.py)."""
    from lessonloop.cli.common import project_named
    from lessonloop.learn.replay import replay
    from lessonloop.pipeline.learning import load_replay_history
    from lessonloop.report.sample_queries import sample_scope, without_sample

    history = without_sample(load_replay_history(conn, project_named(conn, project), agent), sample_scope(conn))
    if not history.events:
        return None
    return replay(history).to_json()
