"""`lessonloop analyze` and `lessonloop analyze stats`: analyze the stored sessions (or one) and
show their signals; habits against outcomes."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from lessonloop.cli.common import UsageError, console, emit_json, known_agent, open_cli_store
from lessonloop.cli.empty_results import no_sessions_text, session_filters
from lessonloop.cli.handlers.analysis_first import analyze_unless_read_only
from lessonloop.learning.engine.habit_stats import habit_outcome_stats
from lessonloop.pipeline.analysis import analyze_store
from lessonloop.report.analysis_queries import (
    build_report,
    habit_figures,
    outcome_counts,
    session_analysis,
    session_facts,
)
from lessonloop.report.analysis_render import (
    analysis_run_text,
    render_habit_stats,
    render_report,
    render_session_analysis,
)
from lessonloop.report.progress import CountProgress
from lessonloop.store.sessions.ids import SessionNotFound, resolve_session

if TYPE_CHECKING:
    from lessonloop.pipeline.analysis import AnalysisProgress


def _progress(args: argparse.Namespace) -> AnalysisProgress | None:
    if getattr(args, "no_progress", False) or not sys.stderr.isatty():
        return None
    return CountProgress("analyze", "sessions")


def cmd_analyze(args: argparse.Namespace) -> int:
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
            report = build_report(conn, args.project, agent=known_agent(conn, args.agent))
            if not report.sessions:
                empty = no_sessions_text(conn, session_filters(args, limit=False), "analyzed sessions")
    for problem in run.problems:
        print(f"Warning: {problem}", file=sys.stderr)
    if args.json:
        emit_json(detail if detail is not None else {"run": run.to_json(), **(report.to_json() if report else {})})
        return 0
    print(analysis_run_text(run), file=sys.stderr)
    if detail is not None:
        render_session_analysis(console(), detail)
    elif empty is not None:
        print(empty)
    elif report is not None:
        render_report(console(), report)
    return 0


def cmd_analyze_stats(args: argparse.Namespace) -> int:
    with open_cli_store(args.db, reading=True) as conn:
        analyze_unless_read_only(conn, args)
        facts = session_facts(conn, args.project, known_agent(conn, args.agent))
        empty = None if facts else no_sessions_text(conn, session_filters(args, limit=False), "analyzed sessions")
    if args.json:
        emit_json(habit_figures(facts))
        return 0
    if empty is not None:
        print(empty)
        return 0
    associations = habit_outcome_stats(facts)
    outcomes = outcome_counts(facts)
    render_habit_stats(console(), associations, len(facts), sum(1 for f in facts if f.empty))
    rolled = outcomes["changes_rolled_back"]
    print(
        f"Changes rolled back: {rolled['sessions']} of {len(facts)} sessions ({rolled['in_session']} reverted in the "
        f"session, {rolled['by_later_commit']} with a commit undone by a later commit: {rolled['commits_undone']} "
        'commits; docs/git.md, "Links").'
    )
    return 0
