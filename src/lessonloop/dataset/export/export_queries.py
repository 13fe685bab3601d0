"""The export's reads of the store, one function per query (the row builders beside it shape
them: commits.py, lessons.py, runs.py, sessions.py; the chats' are report/chat_queries.py). Rows come back as the store holds
them, in the order each export needs."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from lessonloop.store.migrations import has_table

_COMMITS = """
    SELECT c.repository_id, r.root, c.hash, c.parents, c.is_merge, c.branch, c.author_key, c.authored_at,
           c.author_hour, c.author_weekday, c.subject, c.message, c.cc_type, c.cc_scope, c.cc_breaking,
           c.insertions, c.deletions
    FROM git_commits c JOIN git_repositories r ON r.id = c.repository_id
    ORDER BY c.authored_at, r.root, c.hash"""
_OUTCOMES = """SELECT session_id, unresolved_errors, tests_run, tests_failing_at_end, corrections_in_session,
                     reverted_changes, blind_edits, compliance, max_risk FROM session_executions"""


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


def lesson_columns(conn: sqlite3.Connection, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """These columns of every lesson, by id."""
    return conn.execute(f"SELECT {', '.join(columns)} FROM lessons ORDER BY id").fetchall()


def run_matches(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """(run_id, text) of the lines the runs' patterns matched, in each run's order."""
    return conn.execute("SELECT run_id, text FROM run_matches ORDER BY run_id, seq, id").fetchall()


def run_columns(conn: sqlite3.Connection, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """These columns of every run, oldest first (start, id)."""
    return conn.execute(f"SELECT {', '.join(columns)} FROM runs ORDER BY started_at, id").fetchall()


def session_outcomes(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """(session_id, unresolved errors, tests run, failing at end, corrections, reverted changes,
    blind edits, compliance, max risk) of each analyzed session."""
    return conn.execute(_OUTCOMES).fetchall()


def error_classes(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """(session_id, class, calls) of the classified tool errors, by session and class."""
    return conn.execute(
        "SELECT session_id, class, count(*) FROM call_errors GROUP BY session_id, class ORDER BY session_id, class"
    ).fetchall()
