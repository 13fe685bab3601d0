"""The stored repositories whose root is a project's folder or inside it: what the history
wing's part of forgetting a project deletes (history/store/forget.py)."""

from __future__ import annotations

import sqlite3

from lessonloop.store.migrations import table_names


def project_repositories(conn: sqlite3.Connection, project: str) -> list[tuple[int, str]]:
    """The stored repositories (id, root) whose root is the folder `project` or inside it."""
    if "git_repositories" not in table_names(conn) or not project:
        return []
    base = project.rstrip("/") or "/"
    prefix = base if base.endswith("/") else base + "/"
    return [
        (int(row[0]), str(row[1]))
        for row in conn.execute(
            "SELECT id, root FROM git_repositories WHERE root = ? OR substr(root, 1, ?) = ? ORDER BY root",
            (base, len(prefix), prefix),
        )
    ]
