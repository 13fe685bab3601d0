"""`lessonloop ingest --git`: each repository's new commits read (capture/git) and stored
(history/store/writer.py).

Per repository: open it (a missing folder, a folder that is no repository, git missing: a
problem naming it, the others still read); check the privacy settings (capture disabled or
paused with LESSONLOOP_CAPTURE=0: nothing is read; a project matching capture.exclude_projects
is skipped); compare its branch tips with those stored after the last complete read: nothing
changed, nothing is run; else `git log` streams the commits reachable from the tips and not
from the old ones, stored in groups of `GROUP` commits, one transaction each. The tips are saved
only once the read is complete, so a read that fails half way (git killed, the store full) keeps
what it stored and the next read asks for the rest again (stored once: natural keys).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from lessonloop.capture.git.log_reader import Caps, ReadNotes, read_log
from lessonloop.capture.git.records import GitCommit
from lessonloop.capture.git.repository import GitError, existing_commits, first_parent_chain, open_repository, run_git
from lessonloop.capture.privacy import CapturePolicy
from lessonloop.capture.project_resolver import git_root
from lessonloop.core.records import Problem
from lessonloop.history.store import writer as git_writer
from lessonloop.store.sessions.places import session_cwds, session_projects

GROUP = 500
CAPTURE_ENV = "LESSONLOOP_CAPTURE"


class CommitProgress(Protocol):
    def start(self, total: int) -> None: ...

    def advance(self, done: int) -> None: ...

    def finish(self) -> None: ...


@dataclass(slots=True)
class RepositoryResult:
    """One repository's read: what was asked for, where it is, what was read and stored."""

    path: str
    root: str | None = None
    commits_read: int = 0
    commits_stored: int = 0
    merges: int = 0
    files: int = 0
    hunks: int = 0
    up_to_date: bool = False
    skipped: str | None = None  # why nothing was read (excluded, paused, disabled)
    failed: str | None = None  # the cause, when the repository could not be read (whole or part)
    shallow: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "root": self.root,
            "commits_read": self.commits_read,
            "commits_stored": self.commits_stored,
            "merges": self.merges,
            "files": self.files,
            "hunks": self.hunks,
            "up_to_date": self.up_to_date,
            "skipped": self.skipped,
            "failed": self.failed,
            "shallow": self.shallow,
        }


@dataclass(slots=True)
class GitIngestSummary:
    repositories: list[RepositoryResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    not_repositories: list[str] = field(default_factory=list)  # default folders that are no repository here

    @property
    def commits_stored(self) -> int:
        return sum(r.commits_stored for r in self.repositories)

    @property
    def failed(self) -> list[RepositoryResult]:
        return [r for r in self.repositories if r.failed is not None]

    @property
    def nothing_readable(self) -> bool:
        """Every repository asked for failed."""
        return bool(self.repositories) and len(self.failed) == len(self.repositories)

    def to_json(self) -> dict[str, Any]:
        return {
            "repositories": [r.to_json() for r in self.repositories],
            "commits_stored": self.commits_stored,
            "failed": len(self.failed),
            "not_repositories": len(self.not_repositories),
            "problems": [
                {"path": p.path, "code": p.code, "detail": p.detail, "severity": p.severity} for p in self.problems
            ],
        }


def capture_paused(environ: dict[str, str] | None = None) -> bool:
    """LESSONLOOP_CAPTURE=0 (or false/no/off) pauses capture."""
    value = (os.environ if environ is None else environ).get(CAPTURE_ENV, "").strip().lower()
    return value in ("0", "false", "no", "off")


def default_repositories(conn: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """(the git roots of the projects and folders the store knows and the repositories read
    before, those that exist here; the known folders that are no repository here)."""
    folders = session_projects(conn) + session_cwds(conn)
    roots: dict[str, None] = dict.fromkeys(git_writer.stored_roots(conn))
    missing: list[str] = []
    for folder in dict.fromkeys(folders):
        root = git_root(folder) if os.path.isdir(folder) else None
        if root is None:
            missing.append(folder)
        else:
            roots[root] = None
    return sorted(roots), missing


def ingest_git(
    conn: sqlite3.Connection,
    paths: Sequence[str] | None,
    *,
    policy: CapturePolicy | None = None,
    progress: CommitProgress | None = None,
    caps: Caps | None = None,
) -> GitIngestSummary:
    """Read the new commits of each repository of `paths` (None: `default_repositories`)."""
    summary = GitIngestSummary()
    if paths is None:
        paths, summary.not_repositories = default_repositories(conn)
    policy = policy if policy is not None else CapturePolicy()
    caps = caps or Caps(keep_hunks=policy.store_diffs)
    paused = capture_paused()
    for path in dict.fromkeys(paths):
        result = RepositoryResult(path)
        summary.repositories.append(result)
        if paused or not policy.enabled:
            result.skipped = "capture paused (LESSONLOOP_CAPTURE=0)" if paused else "capture.enabled = false"
            continue
        try:
            _read_repository(conn, result, policy, caps, progress, summary.problems)
        except GitError as exc:
            result.failed = exc.detail
            summary.problems.append(Problem(path, None, exc.code, exc.detail, "error"))
    return summary


def _read_repository(
    conn: sqlite3.Connection,
    result: RepositoryResult,
    policy: CapturePolicy,
    caps: Caps,
    progress: CommitProgress | None,
    problems: list[Problem],
) -> None:
    repo = open_repository(result.path)
    result.root, result.shallow = repo.root, repo.shallow
    if policy.excludes_path(repo.root) or policy.excludes_path(os.path.abspath(result.path)):
        result.skipped = "its project matches capture.exclude_projects"
        return
    tips = repo.read_tips
    if not tips:
        result.up_to_date = True
        problems.append(Problem(repo.root, None, "no-commits", "the repository has no commits yet", "notice"))
        return
    stored = git_writer.repository(conn, repo.root, repo.common_dir)
    if repo.shallow:
        problems.append(
            Problem(
                repo.root,
                None,
                "shallow-clone",
                "a shallow clone: history before its oldest commits is missing (`git fetch --unshallow` fetches it); "
                "the commits it has are read",
                "notice",
            )
        )
    old = sorted(set(stored.tips.values()))
    if set(tips.values()) <= set(old):
        result.up_to_date = True
        git_writer.save_tips(conn, stored.id, tips, repo.shallow)
        return
    old_tips = sorted(existing_commits(repo.root, repo.root, old)) if old else []
    main_ref = repo.main_ref
    chain: set[str] = set()
    if main_ref is not None and len(tips) > 1:
        chain = first_parent_chain(repo.root, repo.root, tips[main_ref], old_tips)
    ordered = [main_ref] if main_ref is not None else []
    ordered += sorted(ref for ref in tips if ref != main_ref)
    if progress is not None:
        stdin = "".join(f"{ref}\n" for ref in ordered) + "".join(f"^{sha}\n" for sha in old_tips)
        total = int(run_git(repo.root, repo.root, ["rev-list", "--count", "--first-parent", "--stdin"], stdin=stdin))
        progress.start(total)
    notes = ReadNotes()
    salt = git_writer.author_salt(conn)
    group: list[GitCommit] = []
    try:
        for commit in read_log(
            repo.root, repo.root, ordered, old_tips, main_ref=main_ref, main_chain=chain, caps=caps, notes=notes
        ):
            group.append(commit)
            if len(group) >= GROUP:
                _store(conn, stored.id, group, salt, result, progress)
                group = []
        _store(conn, stored.id, group, salt, result, progress)
    except GitError as exc:
        _store(conn, stored.id, group, salt, result, progress)  # what was read before git failed
        result.failed = exc.detail
        problems.append(Problem(repo.root, None, exc.code, exc.detail + " (the commits read before are kept)", "error"))
        return
    finally:
        if progress is not None:
            progress.finish()
    git_writer.save_tips(conn, stored.id, tips, repo.shallow)
    problems.extend(_notices(repo.root, notes))


def _store(
    conn: sqlite3.Connection,
    repository_id: int,
    group: list[GitCommit],
    salt: bytes,
    result: RepositoryResult,
    progress: CommitProgress | None,
) -> None:
    if not group:
        return
    result.commits_stored += git_writer.write_commits(conn, repository_id, group, salt)
    result.commits_read += len(group)
    result.merges += sum(1 for c in group if c.is_merge)
    result.files += sum(len(c.files) for c in group)
    result.hunks += sum(len(f.hunks) for c in group for f in c.files)
    if progress is not None:
        progress.advance(len(group))


def _notices(root: str, notes: ReadNotes) -> Iterable[Problem]:
    if notes.messages_not_utf8:
        yield Problem(
            root,
            None,
            "message-not-utf8",
            f"{notes.messages_not_utf8} commit message(s) were not UTF-8 (no encoding header): undecodable bytes "
            "stored as U+FFFD",
            "notice",
        )
    if notes.truncated_commits:
        yield Problem(
            root,
            None,
            "hunks-capped",
            f"{notes.truncated_commits} commit(s) had more diff than the caps keep: their files and line counts are "
            "stored, some hunks are not",
            "notice",
        )
    if notes.unmatched_patches:
        yield Problem(
            root,
            None,
            "patch-unmatched",
            f"{notes.unmatched_patches} commit(s) whose patch did not match their file list: stored without hunks",
            "notice",
        )
    if notes.damaged:
        yield Problem(root, None, "log-damaged", f"{notes.damaged} piece(s) of git's output were no commit: skipped")
    for warning in dict.fromkeys(notes.warnings):
        yield Problem(root, None, "git-warning", warning, "notice")
