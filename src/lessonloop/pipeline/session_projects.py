"""Give every stored session its project, using the folders that exist and inferring the rest.

At ingest a session's project is the git root of its folder, or the folder itself when it no
longer exists here. This pass, run after each ingest, looks at all sessions together through
lessonloop.capture.project_resolver, the resolver the hooks, the MCP server and the runner use too: the
configuration's `[projects]` mappings come first, existing folders take their git root, a folder
that is gone keeps the repository it was placed in while it existed, and the other folders that
are gone are placed by `lessonloop.capture.projects.infer_projects` (worktree layouts, parent
projects, home folders spelled differently). Subagents and compactions take their main
session's project. The placement itself is capture/project_placement.py (whose `place_folder`
answers for one folder that no session ran in yet: the hooks' and the MCP server's question for
a folder that is gone); the rules are in docs/projects.md.

It recomputes everything from `sessions.cwd` (and, for folders that are gone, the repository
they were stored in) each time, so it is idempotent and follows the configuration when it
changes; only rows whose project changed are written.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from typing import Any

from lessonloop.capture.project_placement import anchor_of, place_sessions
from lessonloop.capture.project_resolver import compile_mappings
from lessonloop.settings.config import Config
from lessonloop.store.sessions.places import session_folders, set_projects


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
            notes.append(
                f"were {_count(self.projects_before, 'project')} before the folders of one repository were joined"
            )
        if self.inferred:
            notes.append(f"{self.inferred} placed from folders that no longer exist")
        if self.configured:
            notes.append(f"{self.configured} by the configuration's [projects]")
        return text + (f" ({'; '.join(notes)})" if notes else "")


def resolve_store_projects(conn: sqlite3.Connection, config: Config, *, home: str | None = None) -> ProjectResolution:
    """Recompute `sessions.project` (and `session_executions.project`) for every session from
    its folder and store the ones that changed, in one `BEGIN IMMEDIATE` transaction.

    `home` is this machine's home folder (default: `~`). Sessions without a folder keep their
    project; a subagent or compaction takes its main session's project when that session is
    stored with a folder, else it is placed on its own.
    """
    home = os.path.expanduser("~") if home is None else home
    rows = session_folders(conn)
    by_id = {r.id: r for r in rows}
    anchor = {r.id: anchor_of(r, by_id) for r in rows}
    anchors = [r for r in rows if anchor[r.id] is r]
    placed, inferred, configured = place_sessions(anchors, compile_mappings(config.project_mappings, home), home)
    new = {r.id: placed.get(anchor[r.id].id, r.project) for r in rows}
    changes = [(new[r.id], r.id) for r in rows if new[r.id] != r.project]
    if changes:
        set_projects(conn, changes)
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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
