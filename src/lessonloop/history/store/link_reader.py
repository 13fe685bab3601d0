"""Links between commits and sessions read back (m022): a session's commits, a commit's sessions,
the counts, and the sessions whose commits were undone later ("changes rolled back")."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from lessonloop.store.migrations import has_table

# The evidence kinds, strongest first (history/commit_evidence.py).
EVIDENCE = ("agent_commit", "aider_commit", "edit_window")


def commit_count(conn: sqlite3.Connection) -> int:
    """Commits stored, of every repository."""
    return int(conn.execute("SELECT count(*) FROM git_commits").fetchone()[0])


def has_links(conn: sqlite3.Connection) -> bool:
    """Whether the store has the link tables (m022)."""
    return has_table(conn, "git_commit_links")


@dataclass(slots=True)
class CommitLink:
    """One commit of a session, or one session of a commit, with the evidence."""

    repository: str
    hash: str
    committed_at: str
    subject: str
    session_id: str
    evidence: str
    strength: float
    tool_use_id: str | None
    files: int
    undone_by: list[dict[str, Any]] = field(default_factory=list)  # [{hash, evidence, hunks}]

    def to_json(self) -> dict[str, Any]:
        return {
            "repository": self.repository,
            "hash": self.hash,
            "committed_at": self.committed_at,
            "subject": self.subject,
            "session_id": self.session_id,
            "evidence": self.evidence,
            "strength": self.strength,
            "tool_use_id": self.tool_use_id,
            "files_edited": self.files,
            "rolled_back_by": self.undone_by,
        }


_LINKS = """
    SELECT r.root, l.hash, c.committed_at, c.subject, l.session_id, l.evidence, l.strength, l.tool_use_id, l.files,
           l.repository_id
    FROM git_commit_links l
    JOIN git_commits c ON c.repository_id = l.repository_id AND c.hash = l.hash
    JOIN git_repositories r ON r.id = l.repository_id"""


def _read(conn: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> list[CommitLink]:
    if not has_links(conn):
        return []
    found: list[CommitLink] = []
    keys: list[tuple[int, str]] = []
    for row in conn.execute(f"{_LINKS} WHERE {where} ORDER BY c.committed_at, r.root, l.hash, l.strength DESC", params):
        found.append(CommitLink(*row[:9]))
        keys.append((int(row[9]), str(row[1])))
    undone = _undone_by(conn, set(keys))
    for link, key in zip(found, keys, strict=True):
        link.undone_by = undone.get(key, [])
    return found


def _undone_by(conn: sqlite3.Connection, keys: set[tuple[int, str]]) -> dict[tuple[int, str], list[dict[str, Any]]]:
    found: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for repository_id, hash_ in sorted(keys):
        for by_hash, evidence, hunks in conn.execute(
            "SELECT by_hash, evidence, hunks FROM git_rollbacks WHERE repository_id = ? AND hash = ? ORDER BY by_hash",
            (repository_id, hash_),
        ):
            found.setdefault((repository_id, hash_), []).append({"hash": by_hash, "evidence": evidence, "hunks": hunks})
    return found


def session_commits(conn: sqlite3.Connection, session_id: str) -> list[CommitLink]:
    """The commits linked to a main session, oldest first, with what undid them."""
    return _read(conn, "l.session_id = ?", (session_id,))


def repository_links(conn: sqlite3.Connection, root: str | None = None) -> list[CommitLink]:
    """Every link (of one repository), oldest commit first."""
    if root is None:
        return _read(conn, "1", ())
    return _read(conn, "r.root = ?", (root,))


def commit_sessions(conn: sqlite3.Connection) -> dict[tuple[str, str], list[CommitLink]]:
    """(repository root, hash) -> the commit's links, strongest first."""
    found: dict[tuple[str, str], list[CommitLink]] = {}
    for link in repository_links(conn):
        found.setdefault((link.repository, link.hash), []).append(link)
    for links in found.values():
        links.sort(
            key=lambda k: (-k.strength, EVIDENCE.index(k.evidence) if k.evidence in EVIDENCE else 9, k.session_id)
        )
    return found


def link_counts(conn: sqlite3.Connection, root: str | None = None) -> dict[str, Any]:
    """Commits linked, by their strongest evidence; links by evidence; commits rolled back."""
    if not has_links(conn):
        return {"linked_commits": 0, "by_evidence": {}, "links": {}, "rolled_back_commits": 0}
    where, params = (
        ("WHERE repository_id = (SELECT id FROM git_repositories WHERE root = ?)", (root,)) if root else ("", ())
    )
    links = dict(
        conn.execute(f"SELECT evidence, count(*) FROM git_commit_links {where} GROUP BY evidence", params).fetchall()
    )
    best: dict[str, int] = {}
    for (evidence,) in conn.execute(
        f"""SELECT (SELECT l.evidence FROM git_commit_links l WHERE l.repository_id = k.repository_id AND l.hash = k.hash
                    ORDER BY l.strength DESC, l.evidence LIMIT 1)
            FROM (SELECT DISTINCT repository_id, hash FROM git_commit_links {where}) k""",
        params,
    ):
        best[evidence] = best.get(evidence, 0) + 1
    rolled = conn.execute(f"SELECT count(DISTINCT repository_id || ' ' || hash) FROM git_rollbacks {where}", params)
    return {
        "linked_commits": sum(best.values()),
        "by_evidence": {k: best[k] for k in EVIDENCE if k in best},
        "links": {k: links[k] for k in EVIDENCE if k in links},
        "rolled_back_commits": int(rolled.fetchone()[0]),
    }


def rolled_back_sessions(conn: sqlite3.Connection) -> dict[str, int]:
    """Main session -> how many of its commits a later commit undid. A commit counts for the
    sessions linked to it by its strongest evidence only (a commit its own call names is not
    also charged to a session that merely edited the same files)."""
    if not has_links(conn):
        return {}
    return {
        str(session_id): int(n)
        for session_id, n in conn.execute(
            """SELECT l.session_id, count(DISTINCT l.repository_id || ' ' || l.hash)
               FROM git_commit_links l
               JOIN (SELECT DISTINCT repository_id, hash FROM git_rollbacks) r
                 ON r.repository_id = l.repository_id AND r.hash = l.hash
               WHERE l.strength = (SELECT max(m.strength) FROM git_commit_links m
                                   WHERE m.repository_id = l.repository_id AND m.hash = l.hash)
               GROUP BY l.session_id"""
        )
    }


def timeline_commits(conn: sqlite3.Connection, session_id: str) -> list[dict[str, Any]]:
    """The commits linked to a main session, for its timeline (core/wing.py's TIMELINE: `show`,
    the web's session page, MCP)."""
    return [link.to_json() for link in session_commits(conn, session_id)]
