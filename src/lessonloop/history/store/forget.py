"""The history wing's part of forgetting (core/wing.py's forget; store/forgetting.py runs it): with
any session forgotten, the file models (they hold the words of the chats they learned: learned
again without them at the next `files predict`, docs/files.md); with a project, the git history
of the repositories whose root is the project's folder or inside it (their commits, files, hunks,
links, rollbacks and file models: history/store/deletion.py), deleted once the sessions' lessons
are forgotten."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from lessonloop.history.store.deletion import delete_repositories
from lessonloop.history.store.repositories import project_repositories
from lessonloop.store.migrations import table_names

TEMP_TABLES: tuple[str, ...] = ()
STEPS: tuple[tuple[str, str], ...] = ()


def project_rows(conn: sqlite3.Connection, project: str) -> int:
    """How many repositories of `project` are stored."""
    return len(project_repositories(conn, project))


def collect(_conn: sqlite3.Connection, _project: str | None) -> None:
    """Nothing to gather before the sessions go: no finding is a commit's."""
    return


def after(conn: sqlite3.Connection, project: str) -> dict[str, int]:
    """Delete the project's repositories with their git history; the rows deleted per table."""
    return delete_repositories(conn, [repo_id for repo_id, _ in project_repositories(conn, project)])


def sessions_deleted(conn: sqlite3.Connection, models: Collection[str] | None) -> dict[str, int]:
    """Drop the file models (every one when `models` is None, else those of these roots: what
    cleanup found learned from the sessions it deletes); the rows deleted."""
    if "file_models" not in table_names(conn):
        return {}
    if models is None:
        return {"file_models": max(0, conn.execute("DELETE FROM file_models").rowcount)}
    keys = list(models)
    if not keys:
        return {"file_models": 0}
    marks = ", ".join("?" for _ in keys)
    return {"file_models": max(0, conn.execute(f"DELETE FROM file_models WHERE key IN ({marks})", keys).rowcount)}
