"""The export's reads of the store, one function per query (the row builders beside it shape
them: chats.py, commits.py, lessons.py, runs.py, sessions.py). Rows come back as the store holds
them, in the order each export needs."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from lessonloop.store.migrations import has_table

_CHAT_SESSIONS = """
    SELECT s.id, s.agent,
           coalesce(s.model, (SELECT u.model FROM token_usage u WHERE u.session_id = s.id
                              GROUP BY u.model ORDER BY sum(u.output_tokens) DESC, u.model LIMIT 1)),
           s.project, s.started_at
    FROM sessions s WHERE s.parent_id IS NULL AND s.placeholder = 0 {where} ORDER BY s.id"""
_COMMITS = """
    SELECT c.repository_id, r.root, c.hash, c.parents, c.is_merge, c.branch, c.author_key, c.authored_at,
           c.author_hour, c.author_weekday, c.subject, c.message, c.cc_type, c.cc_scope, c.cc_breaking,
           c.insertions, c.deletions
    FROM git_commits c JOIN git_repositories r ON r.id = c.repository_id
    ORDER BY c.authored_at, r.root, c.hash"""
_OUTCOMES = """SELECT session_id, unresolved_errors, tests_run, tests_failing_at_end, corrections_in_session,
                     reverted_changes, blind_edits, compliance, max_risk FROM session_executions"""


def chat_sessions(conn: sqlite3.Connection, project: str | None) -> list[tuple[Any, ...]]:
    """(id, agent, model, project, started_at) of each main session that is not a placeholder (of
    `project` when given), by id; the model, when the session names none, the one that wrote most."""
    where, params = ("AND s.project = ?", [project]) if project is not None else ("", [])
    return conn.execute(_CHAT_SESSIONS.format(where=where), params).fetchall()


def session_texts(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(uuid, ts, seq, kind, text) of a session's typed prompts and assistant texts."""
    return conn.execute(
        "SELECT uuid, ts, seq, kind, text FROM messages WHERE session_id = ? AND kind IN ('prompt', 'assistant')",
        (session_id,),
    ).fetchall()


def session_calls(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(id, ts, seq, tool, kind, target_path, paths_json, ok) of a session's tool calls."""
    return conn.execute(
        "SELECT id, ts, seq, tool, kind, target_path, paths_json, ok FROM tool_calls WHERE session_id = ?",
        (session_id,),
    ).fetchall()


def session_usage(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(ts, input, output, cache creation, cache read tokens) of a session's usage, in time order."""
    return conn.execute(
        """SELECT ts, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens
           FROM token_usage WHERE session_id = ? ORDER BY coalesce(ts, ''), message_id, request_id""",
        (session_id,),
    ).fetchall()


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
