"""The commits' reads for `dataset export --kind commits` (export.py shapes them): one function per
query, in the order the export needs."""

from __future__ import annotations

import sqlite3
from typing import Any

from lessonloop.store.migrations import has_table

_COMMITS = """
    SELECT c.repository_id, r.root, c.hash, c.parents, c.is_merge, c.branch, c.author_key, c.authored_at,
           c.author_hour, c.author_weekday, c.subject, c.message, c.cc_type, c.cc_scope, c.cc_breaking,
           c.insertions, c.deletions
    FROM git_commits c JOIN git_repositories r ON r.id = c.repository_id
    ORDER BY c.authored_at, r.root, c.hash"""


def has_commits(conn: sqlite3.Connection) -> bool:
    """Whether the store has the commit tables (m019)."""
    return has_table(conn, "git_commits")


def commit_files(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """(repository_id, hash, path, old_path, status, insertions, deletions, binary) of every
    commit's files, by repository, commit and the order git lists them."""
    return conn.execute(
        """SELECT repository_id, hash, path, old_path, status, insertions, deletions, binary
           FROM git_commit_files ORDER BY repository_id, hash, ordinal"""
    ).fetchall()


def commits(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """Every commit with its repository's folder, oldest first (author time, folder, hash)."""
    return conn.execute(_COMMITS).fetchall()
