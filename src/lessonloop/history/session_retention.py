"""The history's part of `lessonloop cleanup`, which the core's (store/removal/retention.py) runs
in the sessions' transaction (core/wing.py's session_retention): the old sessions a file model
may have learned from are kept; after the sessions, the commits committed before their retention's
cutoff are deleted with their files, hunks, links and rollbacks, but for those a file model
learned or a session that stays is linked to (history/store/retention.py). With
`--include-needed` those go too, and the file models that learned them are dropped."""

from __future__ import annotations

import sqlite3

from lessonloop.history.store.deletion import count_commits, delete_commits
from lessonloop.history.store.retention import deletable_commits, kept_commits, model_roots, sessions_models_need
from lessonloop.store.removal.needs import KeptCommits

_OLD = "committed_at < ?"


def models(conn: sqlite3.Connection) -> set[str]:
    """The file models stored (their repositories' roots): those gone after the cleanup were dropped."""
    return set(model_roots(conn))


def sessions_needed(conn: sqlite3.Connection, sessions: list[str]) -> dict[str, list[str]]:
    """Of the old main sessions `sessions`, those a file model may have learned from, each with
    the roots of those models."""
    return sessions_models_need(conn, sessions)


def has_old(conn: sqlite3.Connection, cutoff: str) -> bool:
    """Whether any stored commit was committed before `cutoff`."""
    return count_commits(conn, _OLD, (cutoff,)) > 0


def delete_old(conn: sqlite3.Connection, cutoff: str, include_needed: bool) -> tuple[int, KeptCommits]:
    """Delete the commits committed before `cutoff` (after the old sessions went: a link to a
    deleted session no longer keeps its commit), but those something learned needs unless
    `include_needed`; how many were deleted, and those kept."""
    condition, params = _OLD, (cutoff,)
    kept = KeptCommits()
    if not include_needed:
        kept = kept_commits(conn, cutoff)
        condition = f"{condition} AND {deletable_commits(conn)}"
    count = count_commits(conn, condition, params)
    if count:
        delete_commits(conn, condition, params)
    return count, kept
