"""Placing stored sessions in projects, all together: each folder through
lessonloop.capture.project_resolver (a `[projects]` mapping, else the git root of a folder that exists
here); a folder that no longer exists keeps the repository its sessions were stored in while it
existed, else its project is inferred from the paths of all sessions (`infer_projects`).

Ingest's pass over every session (pipeline/session_projects.py) and the store's answer for one folder
that is gone (`place_folder`, store/projects/lookup.py's stored_placement) use it. docs/projects.md has
the rules.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence

from lessonloop.capture.project_resolver import MAPPED, REPOSITORY, FolderMapping, is_repository_root, project_here
from lessonloop.capture.projects import infer_projects, normal_folder


class SessionFolder:
    """A stored session as placement sees it: its folder, stored project and git branch. A plain
    class, not a dataclass: the hooks' rare path (a folder that is gone, store/projects/lookup.py)
    places sessions, and `dataclasses` (with inspect, ast, dis, tokenize) costs a hook about 7 ms."""

    __slots__ = ("cwd", "git_branch", "id", "parent_id", "project")

    def __init__(
        self, id: str, parent_id: str | None, cwd: str | None, project: str | None, git_branch: str | None
    ) -> None:
        self.id = id
        self.parent_id = parent_id
        self.cwd = cwd
        self.project = project
        self.git_branch = git_branch

    def __repr__(self) -> str:
        return (
            f"SessionFolder(id={self.id!r}, parent_id={self.parent_id!r}, cwd={self.cwd!r}, "
            f"project={self.project!r}, git_branch={self.git_branch!r})"
        )


def anchor_of(row: SessionFolder, by_id: dict[str, SessionFolder]) -> SessionFolder:
    """The session whose folder decides `row`'s project: its main session when that is stored
    with a folder, else itself."""
    parent = by_id.get(row.parent_id) if row.parent_id else None
    return parent if parent is not None and parent.cwd else row


def place_sessions(
    anchors: Iterable[SessionFolder], mappings: Sequence[FolderMapping], home: str
) -> tuple[dict[str, str], set[str], set[str]]:
    """Session id -> project for the sessions with a folder; the ids inferred; the ids mapped.

    Each folder through lessonloop.capture.project_resolver: a mapping first, then the git root of a
    folder that exists here (also under this machine's home). A folder that no longer exists keeps
    the repository its sessions were placed in while it existed (a stored project that is a
    repository root here), else goes to `infer_projects`, with the git roots and mapped projects
    found as the roots that exist."""
    placed: dict[str, str] = {}
    configured: set[str] = set()
    gone: list[tuple[SessionFolder, str]] = []
    known: set[str] = set()
    here_of: dict[str, tuple[str, str] | None] = {}  # each folder looked up once: sessions share folders
    for row in anchors:
        if not row.cwd:
            continue
        if row.cwd not in here_of:
            here_of[row.cwd] = project_here(row.cwd, mappings, home)
        here = here_of[row.cwd]
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
        folder = normal_folder(cwd)
        placed[row.id] = held.get(folder) or projects[cwd]
        if placed[row.id] != folder:
            inferred.add(row.id)
    return placed, inferred, configured


def _held_repositories(rows: Iterable[SessionFolder]) -> dict[str, str]:
    """Folder that no longer exists -> the repository its sessions are stored in, when that is a
    repository root here (read from the disk while the folder existed, not guessed); the most
    common one, ties to the smallest. Only a folder's own sessions count: a folder holding a
    worktree is not part of the worktree's repository."""
    seen: dict[str, Counter[str]] = {}
    roots: dict[str, bool] = {}
    for row in rows:
        if not row.cwd or not row.project:
            continue
        folder = normal_folder(row.cwd)
        if row.project == folder:
            continue
        if row.project not in roots:
            roots[row.project] = is_repository_root(row.project)
        if roots[row.project]:
            seen.setdefault(folder, Counter())[row.project] += 1
    return {folder: min(c, key=lambda p: (-c[p], p)) for folder, c in seen.items()}


def place_folder(
    rows: Sequence[SessionFolder], folder: str, mappings: Sequence[FolderMapping] = (), home: str | None = None
) -> str | None:
    """The project ingest would give a main session in `folder` (one that no longer exists and
    that no stored session ran in) if it were stored now: the stored sessions `rows`
    (store/projects/lookup.py's `session_folders`) placed together with it, as ingest places them
    (pipeline/session_projects.py). None when that is the folder itself."""
    home = os.path.expanduser("~") if home is None else home
    by_id = {r.id: r for r in rows}
    anchors = [r for r in rows if anchor_of(r, by_id) is r]
    probe = SessionFolder(id="\0probe", parent_id=None, cwd=folder, project=None, git_branch=None)
    placed, _inferred, _configured = place_sessions([*anchors, probe], mappings, home)
    project = placed.get(probe.id)
    return project if project is not None and project != normal_folder(folder) else None


def _branches(rows: Iterable[SessionFolder]) -> dict[str, str | None]:
    """Folder -> the git branch most of its sessions recorded (ties: the smallest name)."""
    seen: dict[str, Counter[str]] = {}
    for row in rows:
        if row.cwd and row.git_branch:
            seen.setdefault(normal_folder(row.cwd), Counter())[row.git_branch] += 1
    return {folder: min(c, key=lambda b: (-c[b], b)) for folder, c in seen.items()}
