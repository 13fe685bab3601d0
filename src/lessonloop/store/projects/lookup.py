"""Which project a folder belongs to, with the store's answer for a folder that no longer exists
(step 3 of capture/project_resolver.py's rules, docs/projects.md): the hooks, the MCP server and
`lessonloop run` ask here, ingest places every session at once (pipeline/session_projects.py).

Standard library only, and nothing imported before it is needed: the hooks import this module on
a session's first event.
"""

from __future__ import annotations

import os

from lessonloop.capture.project_resolver import compile_mappings, project_here

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Sequence

    from lessonloop.capture.project_resolver import FolderMapping


def project_of_folder(
    cwd: str,
    mappings: Iterable[tuple[str, str]] = (),
    *,
    home: str | None = None,
    store: sqlite3.Connection | str | None = None,
) -> str:
    """The project of the folder `cwd` (capture/project_resolver.py's rules). `mappings`: the
    configuration's `[projects]` entries, (folder pattern, project); `home`: this machine's home
    folder (default `~`); `store`: the store (a connection, or its path, opened read-only and only
    when the folder no longer exists) whose placements decide for folders that are gone."""
    home = os.path.expanduser("~") if home is None else home
    compiled = compile_mappings(mappings, home)
    found = project_here(cwd, compiled, home)
    if found is not None:
        return found[0]
    folder = os.path.normpath(cwd)
    if store is None:
        return folder
    if isinstance(store, str):
        return _with_store(store, folder, compiled, home)
    placed = stored_placement(store, folder, compiled, home)
    return placed if placed is not None else folder


def _with_store(db: str, folder: str, mappings: Sequence[FolderMapping], home: str) -> str:
    if not os.path.exists(db):
        return folder
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=2.0)
    except sqlite3.Error:
        return folder
    try:
        placed = stored_placement(conn, folder, mappings, home)
    finally:
        conn.close()
    return placed if placed is not None else folder


def stored_placement(
    conn: sqlite3.Connection, folder: str, mappings: Sequence[FolderMapping] = (), home: str | None = None
) -> str | None:
    """Step 3 for a folder that no longer exists: the project the store gives the main sessions
    that ran in `folder` (the most common; ingest gives one per folder), else the project ingest
    would give a session there now (`capture.project_placement.place_folder`); None when the store has no
    sessions or cannot be read."""
    import sqlite3

    try:
        counts: dict[str, int] = {}
        for (project,) in conn.execute(
            "SELECT project FROM sessions WHERE parent_id IS NULL AND project IS NOT NULL AND cwd = ?", (folder,)
        ):
            counts[project] = counts.get(project, 0) + 1
        if counts:
            return min(counts, key=lambda p: (-counts[p], p))
        if conn.execute("SELECT 1 FROM sessions WHERE cwd IS NOT NULL LIMIT 1").fetchone() is None:
            return None
        from lessonloop.capture.project_placement import place_folder  # the rare path: a folder that is gone
        from lessonloop.store.sessions.places import session_folders

        return place_folder(session_folders(conn), folder, mappings, home)
    except sqlite3.Error:
        return None  # no store yet, an old schema, or locked: the folder stands alone
