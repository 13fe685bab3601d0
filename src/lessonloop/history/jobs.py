"""`lessonloop ingest --git` (and the post-commit hook, which runs it) as a job, with the ingest
job's request/report shape (pipeline/ingest_job.py): it reads git repositories, not transcripts,
so it has none of that chain's steps but one, tying the new commits to the sessions that made them
(linking.py); no discovery, no projects pass, no findings, analysis or learning, no team sync."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lessonloop.capture.privacy import CapturePolicy
from lessonloop.history.git_ingest import ingest_git
from lessonloop.history.linking import link_commits

if TYPE_CHECKING:
    from lessonloop.history.git_ingest import CommitProgress, GitIngestSummary
    from lessonloop.history.linking import LinkSummary
    from lessonloop.settings.config import Config


@dataclass(frozen=True, slots=True)
class GitIngestRequest:
    """Which repositories to read (None: those of the projects the store knows)."""

    repositories: tuple[str, ...] | None = None
    progress: CommitProgress | None = None  # the commits read (a count)


@dataclass(slots=True)
class GitIngestReport:
    """What one git ingest did: the repositories read, and the links pass after it."""

    summary: GitIngestSummary
    links: LinkSummary

    @property
    def nothing_readable(self) -> bool:
        return self.summary.nothing_readable

    def to_json(self) -> dict[str, Any]:
        """`lessonloop ingest --git --json`."""
        return {**self.summary.to_json(), "links": self.links.to_json()}


def run_git_ingest_job(conn: sqlite3.Connection, request: GitIngestRequest, config: Config) -> GitIngestReport:
    """Read each repository's commits not stored yet (obeying the privacy settings of `config`
    and LESSONLOOP_CAPTURE=0), then tie the new commits to the sessions that made them."""
    policy = CapturePolicy.from_config(config)
    repositories = list(request.repositories) if request.repositories is not None else None
    summary = ingest_git(conn, repositories, policy=policy, progress=request.progress)
    return GitIngestReport(summary, link_commits(conn))
