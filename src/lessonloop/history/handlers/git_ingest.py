"""`lessonloop git ingest` and `lessonloop ingest --git` (history/ingest_mode.py hands it over): the
repositories' new commits read into the store and tied to the sessions that made them, and what was read."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from lessonloop.cli.common import CommandError, emit_json, open_cli_store, shown, user_config
from lessonloop.history.jobs import GitIngestRequest, run_git_ingest_job
from lessonloop.report.progress import CountProgress

if TYPE_CHECKING:
    from lessonloop.history.git_ingest import GitIngestSummary


def cmd_ingest_git(args: argparse.Namespace) -> int:
    """`ingest --git`: the given repositories (default: those of the projects the store knows)."""
    if args.sarif or args.junit:
        raise CommandError("--git reads git history only; import --sarif and --junit files in an ingest without --git")
    config = user_config()
    progress = None
    if not args.no_progress and sys.stderr.isatty():
        progress = CountProgress("git", "commits")
    request = GitIngestRequest(repositories=tuple(args.paths) or None, progress=progress)
    with open_cli_store(args.db, texts=True) as conn:
        report = run_git_ingest_job(conn, request, config)
    if args.json:
        emit_json(report.to_json())
    else:
        print(shown(git_ingest_text(report.summary)))
        if report.links.text():
            print(report.links.text())
    return 1 if report.nothing_readable else 0


def git_ingest_text(summary: GitIngestSummary) -> str:
    lines: list[str] = []
    if not summary.repositories:
        lines.append("No git repository to read: give one (`lessonloop ingest --git REPO`), or ingest sessions first.")
    for r in summary.repositories:
        where = r.root or r.path
        if r.failed is not None and not r.commits_read:
            lines.append(f"{r.path}: not read: {r.failed}")
        elif r.skipped is not None:
            lines.append(f"{where}: skipped: {r.skipped}")
        elif r.up_to_date:
            lines.append(f"{where}: up to date")
        else:
            text = (
                f"{where}: {r.commits_read} commits read, {r.commits_stored} new ({r.merges} merges), "
                f"{r.files} file changes, {r.hunks} hunks"
            )
            if r.failed is not None:
                text += f"; stopped: {r.failed}"
            lines.append(text)
    if summary.not_repositories:
        lines.append(f"{len(summary.not_repositories)} known folder(s) are no git repository here (not read).")
    errors = [p for p in summary.problems if p.severity == "error"]
    notices = [p for p in summary.problems if p.severity != "error"]
    if summary.repositories:
        lines.append(
            f"{summary.commits_stored} new commit(s) stored; {len(summary.failed)} of {len(summary.repositories)} "
            f"repositories failed; {len(notices)} notice(s)."
        )
    for p in errors:
        lines.append(f"  error: {p.path}: {p.code}: {p.detail}")
    for p in notices:
        lines.append(f"  notice: {p.path}: {p.code}: {p.detail}")
    return "\n".join(lines)
