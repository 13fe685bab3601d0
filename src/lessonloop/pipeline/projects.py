"""Give every stored session its project, using the folders that exist and inferring the rest.

At ingest a session's project is the git root of its folder, or the folder itself when it no
longer exists here. This pass, run after each ingest, looks at all sessions together through
lessonloop.project_resolver, the resolver the hooks, the MCP server and the runner use too: the
configuration's `[projects]` mappings come first, existing folders take their git root, a folder
that is gone keeps the repository it was placed in while it existed, and the other folders that
are gone are placed by `lessonloop.capture.projects.infer_projects` (worktree layouts, parent
projects, home folders spelled differently). Subagents and compactions take their main
session's project. The rules are in docs/projects.md.

It recomputes everything from `sessions.cwd` (and, for folders that are gone, the repository
they were stored in) each time, so it is idempotent and follows the configuration when it
changes; only rows whose project changed are written. `place_folder` answers for one folder
that no session ran in yet (the hooks' and the MCP server's question for a folder that is gone).
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lessonloop.capture.projects import infer_projects
from lessonloop.config import Config
from lessonloop.project_resolver import (
    MAPPED,
    REPOSITORY,
    FolderMapping,
    compile_mappings,
    is_repository_root,
    project_here,
)
from lessonloop.store.transaction import transaction


@dataclass(frozen=True, slots=True)
class ProjectResolution:
    """What one pass did, counted in main sessions (subagents follow their session)."""

    sessions: int = 0  # main sessions seen
    changed: int = 0  # main sessions whose project changed
    rows_changed: int = 0  # session rows changed, subagents and compactions included
    inferred: int = 0  # main sessions in folders that no longer exist, placed in another folder's project
    configured: int = 0  # main sessions placed by a [projects] mapping
    projects_before: int = 0
    projects_after: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "sessions": self.sessions,
            "changed": self.changed,
            "rows_changed": self.rows_changed,
            "inferred": self.inferred,
            "configured": self.configured,
            "projects_before": self.projects_before,
            "projects_after": self.projects_after,
        }

    def summary_text(self) -> str | None:
        """One line for the ingest output, or None when nothing was inferred, mapped or changed."""
        if not (self.inferred or self.configured or self.changed):
            return None
        text = f"Projects: {_count(self.sessions, 'session')} in {_count(self.projects_after, 'project')}"
        notes = []
        if self.projects_before != self.projects_after:
            notes.append(f"was {self.projects_before}")
        if self.inferred:
            notes.append(f"{self.inferred} mapped from folders that no longer exist")
        if self.configured:
            notes.append(f"{self.configured} by the configuration's [projects]")
        return text + (f" ({'; '.join(notes)})" if notes else "")


@dataclass(frozen=True, slots=True)
class _Row:
    id: str
    parent_id: str | None
    cwd: str | None
    project: str | None
    git_branch: str | None


def resolve_store_projects(conn: sqlite3.Connection, config: Config, *, home: str | None = None) -> ProjectResolution:
    """Recompute `sessions.project` (and `session_executions.project`) for every session from
    its folder and store the ones that changed, in one `BEGIN IMMEDIATE` transaction.

    `home` is this machine's home folder (default: `~`). Sessions without a folder keep their
    project; a subagent or compaction takes its main session's project when that session is
    stored with a folder, else it is placed on its own.
    """
    home = os.path.expanduser("~") if home is None else home
    rows = [_Row(*r) for r in conn.execute("SELECT id, parent_id, cwd, project, git_branch FROM sessions")]
    by_id = {r.id: r for r in rows}
    anchor = {r.id: _anchor_of(r, by_id) for r in rows}
    anchors = [r for r in rows if anchor[r.id] is r]
    placed, inferred, configured = _place(anchors, compile_mappings(config.project_mappings, home), home)
    new = {r.id: placed.get(anchor[r.id].id, r.project) for r in rows}
    changes = [(new[r.id], r.id) for r in rows if new[r.id] != r.project]
    if changes:
        _store(conn, changes)
    mains = [r for r in rows if r.parent_id is None]
    return ProjectResolution(
        sessions=len(mains),
        changed=sum(1 for r in mains if new[r.id] != r.project),
        rows_changed=len(changes),
        inferred=sum(1 for r in mains if r.id in inferred),
        configured=sum(1 for r in mains if r.id in configured),
        projects_before=len({r.project for r in mains if r.project is not None}),
        projects_after=len({new[r.id] for r in mains if new[r.id] is not None}),
    )


def _anchor_of(row: _Row, by_id: dict[str, _Row]) -> _Row:
    """The session whose folder decides `row`'s project: its main session when that is stored
    with a folder, else itself."""
    parent = by_id.get(row.parent_id) if row.parent_id else None
    return parent if parent is not None and parent.cwd else row


def _place(
    anchors: Iterable[_Row], mappings: Sequence[FolderMapping], home: str
) -> tuple[dict[str, str], set[str], set[str]]:
    """Session id -> project for the sessions with a folder; the ids inferred; the ids mapped.

    Each folder through lessonloop.project_resolver: a mapping first, then the git root of a
    folder that exists here (also under this machine's home). A folder that no longer exists keeps
    the repository its sessions were placed in while it existed (a stored project that is a
    repository root here), else goes to `infer_projects`, with the git roots and mapped projects
    found as the roots that exist."""
    placed: dict[str, str] = {}
    configured: set[str] = set()
    gone: list[tuple[_Row, str]] = []
    known: set[str] = set()
    for row in anchors:
        if not row.cwd:
            continue
        here = project_here(row.cwd, mappings, home)
        if here is None:
            gone.append((row, row.cwd))
            continue
        placed[row.id], how = here
        if how == MAPPED:
            configured.add(row.id)
        if how in (MAPPED, REPOSITORY):
            known.add(placed[row.id])
    held = _held_repositories(row for row, _ in gone)
    branches = _branches(row for row, _ in gone)
    projects = infer_projects([cwd for _, cwd in gone], known_roots=known, branches=branches, home=home)
    inferred: set[str] = set()
    for row, cwd in gone:
        folder = os.path.normpath(cwd)
        placed[row.id] = held.get(folder) or projects[cwd]
        if placed[row.id] != folder:
            inferred.add(row.id)
    return placed, inferred, configured


def _held_repositories(rows: Iterable[_Row]) -> dict[str, str]:
    """Folder that no longer exists -> the repository its sessions are stored in, when that is a
    repository root here (read from the disk while the folder existed, not guessed); the most
    common one, ties to the smallest. Only a folder's own sessions count: a folder holding a
    worktree is not part of the worktree's repository."""
    seen: dict[str, Counter[str]] = {}
    roots: dict[str, bool] = {}
    for row in rows:
        if not row.cwd or not row.project:
            continue
        folder = os.path.normpath(row.cwd)
        if row.project == folder:
            continue
        if row.project not in roots:
            roots[row.project] = is_repository_root(row.project)
        if roots[row.project]:
            seen.setdefault(folder, Counter())[row.project] += 1
    return {folder: min(c, key=lambda p: (-c[p], p)) for folder, c in seen.items()}


def place_folder(
    conn: sqlite3.Connection, folder: str, mappings: Sequence[FolderMapping] = (), home: str | None = None
) -> str | None:
    """The project ingest would give a main session in `folder` (one that no longer exists and
    that no stored session ran in) if it were stored now: the store's sessions placed together
    with it, as `resolve_store_projects` places them. None when that is the folder itself."""
    home = os.path.expanduser("~") if home is None else home
    rows = [_Row(*r) for r in conn.execute("SELECT id, parent_id, cwd, project, git_branch FROM sessions")]
    by_id = {r.id: r for r in rows}
    anchors = [r for r in rows if _anchor_of(r, by_id) is r]
    probe = _Row(id="\0probe", parent_id=None, cwd=folder, project=None, git_branch=None)
    placed, _inferred, _configured = _place([*anchors, probe], mappings, home)
    project = placed.get(probe.id)
    return project if project is not None and project != os.path.normpath(folder) else None


def _branches(rows: Iterable[_Row]) -> dict[str, str | None]:
    """Folder -> the git branch most of its sessions recorded (ties: the smallest name)."""
    seen: dict[str, Counter[str]] = {}
    for row in rows:
        if row.cwd and row.git_branch:
            seen.setdefault(os.path.normpath(row.cwd), Counter())[row.git_branch] += 1
    return {folder: min(c, key=lambda b: (-c[b], b)) for folder, c in seen.items()}


def _store(conn: sqlite3.Connection, changes: list[tuple[str | None, str]]) -> None:
    with transaction(conn):
        conn.executemany("UPDATE sessions SET project = ? WHERE id = ?", changes)
        conn.executemany("UPDATE session_executions SET project = ? WHERE session_id = ?", changes)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
