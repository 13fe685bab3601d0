"""The history wing's part of forgetting a project (core/wings.py's FORGET; store/forgetting.py runs
it): the git history of the repositories whose root is the project's folder or inside it (their
commits, files, hunks, links, rollbacks and file models: history/store/deletion.py), deleted once the
sessions' lessons are forgotten."""

from __future__ import annotations

import sqlite3

from lessonloop.history.store.deletion import delete_repositories
from lessonloop.store.git.repositories import project_repositories

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
