"""The parsers of the commands over analysis: analyze, analyze stats, report (their handlers:
handlers/analyze.py, report.py, report_html.py for report --html)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import (
    agent_option,
    bandit_options,
    common_options,
    include_empty_option,
    limit_option,
    project_option,
    refresh_option,
    time_options,
)

REPORT_SESSIONS = 15  # at most the latest sessions `report` shows without --all
REPORT_PROJECTS = 3  # the projects with the most sessions whose habits it shows without --all
REPORT_HABITS = 3  # the habits it shows per project without --all or -n (--json: 5, or -n)
SCREEN = 50  # the most lines `report` prints without --all (fewer sessions in the table when they wrap)

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]


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
    analyze.set_defaults(handler="lessonloop.cli.handlers.analyze:cmd_analyze")
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
    stats.set_defaults(handler="lessonloop.cli.handlers.analyze:cmd_analyze_stats")

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
    refresh_option(report)
    report.set_defaults(handler="lessonloop.cli.handlers.report:cmd_report")
