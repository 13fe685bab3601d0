"""`lessonloop report --html FILE`: the dashboards, the lessons and the replay of the history in
one self-contained HTML file (report/html/static_report.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lessonloop.cli.common import CommandError, emit_json, known_agent, open_cli_store, project_named
from lessonloop.cli.handlers.analysis_first import analyze_unless_read_only
from lessonloop.core.timestamps import utc_now
from lessonloop.learning.engine.replay import replay as run_replay
from lessonloop.learning.runs import load_replay_history
from lessonloop.report.dashboard_queries import dashboard
from lessonloop.report.html.assets import missing_web_extra
from lessonloop.report.html.static_report import ReportPage, render_report_html
from lessonloop.report.progress import Stages
from lessonloop.report.queries import stats
from lessonloop.report.sample_queries import sample_scope, without_sample
from lessonloop.settings.config import privacy_settings
from lessonloop.store import resolve_db_path
from lessonloop.store.lessons.reader import list_lessons

if TYPE_CHECKING:
    import sqlite3

    from lessonloop.store.lessons.reader import LessonRow


def html_report(args: argparse.Namespace) -> int:
    """`report --html FILE`: the self-contained HTML report (report/html/static_report.py)."""
    missing = missing_web_extra()
    if missing is not None:
        raise CommandError(missing)
    with Stages(enabled=sys.stderr.isatty() and not args.json) as stages:  # seconds on a large store
        with open_cli_store(args.db, reading=True, texts=True) as conn:
            stages.step("analyzing what changed")
            analyze_unless_read_only(conn, args)
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
    """The online replay of the history (learning/engine/replay.py) as JSON, None when there is nothing to
    replay; the bundled sample left out as the dashboards leave it (report/sample_queries.py)."""
    history = without_sample(load_replay_history(conn, project_named(conn, project), agent), sample_scope(conn))
    if not history.events:
        return None
    return run_replay(history).to_json()
