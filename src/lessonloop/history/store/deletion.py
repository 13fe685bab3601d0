"""Deleting stored git history: commits older than the retention (`lessonloop cleanup`) and the
repositories of a forgotten project (`lessonloop forget project`).

A commit goes with every row tied to it: its files and hunks (m019), its links to sessions and the
rollbacks naming it, as the undone commit or as the one undoing it (m022). File prediction's model
of a repository that loses commits it learned (m021, keyed by the repository's root) is dropped
too: it holds the words of the messages it learned, and is learned again from what is left at the
next `files predict` (docs/files.md); a commit it has not learned yet goes without it. These
functions run inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3

from lessonloop.store.migrations import table_names

_GONE = "(SELECT repository_id, hash FROM temp._ll_gc)"


# (table, condition) in the order rows are deleted; git_commits last.
_STEPS: tuple[tuple[str, str], ...] = (
    ("git_hunks", f"(repository_id, hash) IN {_GONE}"),
    ("git_commit_files", f"(repository_id, hash) IN {_GONE}"),
    ("git_commit_links", f"(repository_id, hash) IN {_GONE}"),
    ("git_rollbacks", f"(repository_id, hash) IN {_GONE} OR (repository_id, by_hash) IN {_GONE}"),
    ("git_commits", f"(repository_id, hash) IN {_GONE}"),
)


def delete_commits(conn: sqlite3.Connection, condition: str, params: tuple[object, ...] = ()) -> dict[str, int]:
    """Delete the commits of `git_commits` matching `condition` (SQL over its columns), with
    their files, hunks, links and rollbacks, and the file models that learned any of them.
    Returns the rows deleted per table (a table that had none is still named, with 0)."""
    tables = table_names(conn)
    if "git_commits" not in tables:
        return {}
    conn.execute("DROP TABLE IF EXISTS temp._ll_gc")
    conn.execute("CREATE TEMP TABLE _ll_gc (repository_id INTEGER, hash TEXT, PRIMARY KEY (repository_id, hash))")
    try:
        conn.execute(f"INSERT INTO temp._ll_gc SELECT repository_id, hash FROM git_commits WHERE {condition}", params)
        deleted: dict[str, int] = {}
        if "file_models" in tables:
            deleted["file_models"] = max(
                0,
                conn.execute(
                    """DELETE FROM file_models WHERE key IN (SELECT r.root FROM git_repositories r
                       JOIN git_commits c ON c.repository_id = r.id
                       JOIN temp._ll_gc g ON g.repository_id = c.repository_id AND g.hash = c.hash
                       WHERE c.rowid <= file_models.commits_rowid)"""
                ).rowcount,
            )
        for table, where in _STEPS:
            if table in tables:
                deleted[table] = max(0, conn.execute(f"DELETE FROM {table} WHERE {where}").rowcount)
        return deleted
    finally:
        conn.execute("DROP TABLE IF EXISTS temp._ll_gc")


def count_commits(conn: sqlite3.Connection, condition: str, params: tuple[object, ...] = ()) -> int:
    """How many stored commits match `condition` (0 in a store without git history)."""
    if "git_commits" not in table_names(conn):
        return 0
    return int(conn.execute(f"SELECT count(*) FROM git_commits WHERE {condition}", params).fetchone()[0])


def delete_repositories(conn: sqlite3.Connection, repository_ids: list[int]) -> dict[str, int]:
    """Delete these repositories: every commit of theirs (see delete_commits), their file models
    and the repositories' own rows (their branch tips: a later `ingest --git` reads them anew)."""
    if not repository_ids:
        return {}
    marks = ", ".join("?" for _ in repository_ids)
    params = tuple(repository_ids)
    deleted = delete_commits(conn, f"repository_id IN ({marks})", params)
    if "file_models" in table_names(conn):
        deleted["file_models"] = deleted.get("file_models", 0) + max(
            0,
            conn.execute(
                f"DELETE FROM file_models WHERE key IN (SELECT root FROM git_repositories WHERE id IN ({marks}))",
                params,
            ).rowcount,
        )
    deleted["git_repositories"] = max(
        0, conn.execute(f"DELETE FROM git_repositories WHERE id IN ({marks})", params).rowcount
    )
    return deleted
