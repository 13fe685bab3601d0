"""What the history's rows need when `lessonloop cleanup` deletes old sessions and commits
(history/session_retention.py), unless `--include-needed` is given:

- A **file model** (file prediction, m021, keyed by its repository's root) needs the commits it
  learned (those stored up to its `commits_rowid`) and the sessions it may have learned from: the
  chats of sessions whose project or folder is the repository or inside it, and the prompts of
  sessions linked to the repository's commits. Deleting any of them drops the model (it holds
  their words).
- A **link** between a session and a commit (m022) needs its commit while the session stays.

These functions run inside the caller's transaction and change nothing.
"""

from __future__ import annotations

import sqlite3

from lessonloop.store.migrations import table_names
from lessonloop.store.removal.needs import KeptCommits

# A commit (a row of git_commits) that a file model learned, and one that a stored session links to.
LEARNED_BY_A_MODEL = """EXISTS (SELECT 1 FROM file_models m JOIN git_repositories r ON r.root = m.key
    WHERE r.id = git_commits.repository_id AND git_commits.rowid <= m.commits_rowid)"""


LINKED_TO_A_SESSION = """EXISTS (SELECT 1 FROM git_commit_links l JOIN sessions s ON s.id = l.session_id
    WHERE l.repository_id = git_commits.repository_id AND l.hash = git_commits.hash)"""


def _has_models(conn: sqlite3.Connection) -> bool:
    tables = table_names(conn)
    return {"file_models", "git_repositories", "git_commits"} <= tables


def model_roots(conn: sqlite3.Connection) -> list[str]:
    """The roots of the repositories that have a file model."""
    if "file_models" not in table_names(conn):
        return []
    return [str(row[0]) for row in conn.execute("SELECT key FROM file_models ORDER BY key")]


def sessions_models_need(conn: sqlite3.Connection, sessions: list[str]) -> dict[str, list[str]]:
    """Of the main sessions `sessions`, those a file model may have learned from, each with the
    roots of those models: the session or one of its subagents ran in the repository (its project
    or its folder is the root or inside it), or the session is linked to one of its commits."""
    roots = model_roots(conn)
    if not roots or not sessions:
        return {}
    wanted = set(sessions)
    needed: dict[str, list[str]] = {}
    places = conn.execute("SELECT coalesce(parent_id, id), project, cwd FROM sessions").fetchall()
    linked: list[tuple[str, str]] = []
    if {"git_commit_links", "git_repositories"} <= table_names(conn):
        linked = [
            (str(row[0]), str(row[1]))
            for row in conn.execute(
                "SELECT DISTINCT l.session_id, r.root FROM git_commit_links l "
                "JOIN git_repositories r ON r.id = l.repository_id"
            )
        ]
    for root in roots:
        prefix = root.rstrip("/") + "/"
        for main, project, cwd in places:
            if main in wanted and any(
                p is not None and (p == root or str(p).startswith(prefix)) for p in (project, cwd)
            ):
                _add_root(needed, str(main), root)
        for session, repository in linked:
            if session in wanted and repository == root:
                _add_root(needed, session, root)
    return {session: needed[session] for session in sorted(needed)}


def _add_root(needed: dict[str, list[str]], session: str, root: str) -> None:
    roots = needed.setdefault(session, [])
    if root not in roots:
        roots.append(root)


def kept_commits(conn: sqlite3.Connection, cutoff: str) -> KeptCommits:
    """The commits committed before `cutoff` that a file model learned or a stored session's link
    needs, counted (a commit both learned and linked counts for its model)."""
    kept = KeptCommits()
    if not _has_models(conn):
        return kept
    for root, count in conn.execute(
        f"""SELECT r.root, count(*) FROM git_commits JOIN git_repositories r ON r.id = git_commits.repository_id
            WHERE git_commits.committed_at < ? AND {LEARNED_BY_A_MODEL} GROUP BY r.root ORDER BY r.root""",
        (cutoff,),
    ):
        kept.by_models[str(root)] = int(count)
    if "git_commit_links" in table_names(conn):
        kept.by_links = int(
            conn.execute(
                f"""SELECT count(*) FROM git_commits WHERE committed_at < ?
                    AND {LINKED_TO_A_SESSION} AND NOT {LEARNED_BY_A_MODEL}""",
                (cutoff,),
            ).fetchone()[0]
        )
    return kept


def deletable_commits(conn: sqlite3.Connection) -> str:
    """The condition (SQL over git_commits) of a commit nothing learned needs, for this store."""
    tables = table_names(conn)
    conditions = []
    if _has_models(conn):
        conditions.append(f"NOT {LEARNED_BY_A_MODEL}")
    if "git_commit_links" in tables:
        conditions.append(f"NOT {LINKED_TO_A_SESSION}")
    return " AND ".join(conditions) or "1"
