"""Give every stored session its project, using the folders that exist and inferring the rest.

At ingest a session's project is the git root of its folder, or the folder itself when it no
longer exists here. This pass, run after each ingest, looks at all sessions together: the
configuration's `[projects]` mappings come first, existing folders keep their git root, and
folders that are gone are placed by `lessonloop.capture.projects.infer_projects` (worktree
layouts, parent projects, home folders spelled differently). Subagents and compactions take
their main session's project. The rules are in docs/projects.md.

It recomputes everything from `sessions.cwd` each time, so it is idempotent and follows the
configuration when it changes; only rows whose project changed are written.
"""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lessonloop.capture.projects import (
    FolderMapping,
    compile_mappings,
    git_root,
    home_relative,
    infer_projects,
    mapped_project,
    project_for_cwd,
)
from lessonloop.config import Config
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

    Rule a (a mapping) first, for every folder; then folders that exist here (also under this
    machine's home) take their git root; the rest go to `infer_projects`, with the git roots and
    mapped projects found as the roots that exist."""
    placed: dict[str, str] = {}
    configured: set[str] = set()
    gone: list[tuple[_Row, str]] = []
    known: set[str] = set()
    in_repo: dict[str, bool] = {}  # existing folder -> is it inside a git repository (read once)
    for row in anchors:
        if not row.cwd:
            continue
        target = mapped_project(row.cwd, mappings, home)
        if target is not None:
            placed[row.id] = target
            configured.add(row.id)
            known.add(target)
            continue
        here = _existing_spelling(row.cwd, home)
        if here is None:
            gone.append((row, row.cwd))
            continue
        placed[row.id] = project_for_cwd(here)
        if here not in in_repo:
            in_repo[here] = git_root(here) is not None
        if in_repo[here]:
            known.add(placed[row.id])
    branches = _branches(row for row, _ in gone)
    projects = infer_projects([cwd for _, cwd in gone], known_roots=known, branches=branches, home=home)
    inferred: set[str] = set()
    for row, cwd in gone:
        placed[row.id] = projects[cwd]
        if projects[cwd] != os.path.normpath(cwd):
            inferred.add(row.id)
    return placed, inferred, configured


def _existing_spelling(cwd: str, home: str) -> str | None:
    """`cwd` when it exists here; else the same folder under this machine's home when `cwd` is
    under another home folder (/home/USER/x -> ~/x) and that exists (rule d); else None."""
    if os.path.isdir(cwd):
        return cwd
    rest = home_relative(os.path.normpath(cwd), home)
    if rest is None or not os.path.isabs(home):
        return None
    local = os.path.join(home, rest) if rest else home
    return local if local != cwd and os.path.isdir(local) else None


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
