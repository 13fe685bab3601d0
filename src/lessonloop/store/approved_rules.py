"""The workflow rules files this person approved (m053): a project's `.lessonloop/workflow.toml` is a
repository's text, so its `never` rules only warn, until the person approves the file as it is
(`lessonloop rules approve`); then they stop a call once, as lessonloop's own rules do. The
approval is of the file's bytes (SHA-256): a file changed since is not approved. Stdlib only (the
PreToolUse hook reads it)."""

from __future__ import annotations

import sqlite3

from lessonloop.core.timestamps import utc_now
from lessonloop.store.transaction import transaction


class Approval:
    """A rules file approved: its path, the digest of the bytes approved, and when."""

    __slots__ = ("approved_at", "path", "sha256")

    def __init__(self, path: str, sha256: str, approved_at: str) -> None:
        self.path = path
        self.sha256 = sha256
        self.approved_at = approved_at

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "sha256": self.sha256, "approved_at": self.approved_at}


def approved_digest(conn: sqlite3.Connection, path: str) -> str | None:
    """The digest of the bytes of `path` this person approved; None when never approved (or the
    store predates approvals)."""
    held = approval(conn, path)
    return held.sha256 if held is not None else None


def approvals(conn: sqlite3.Connection) -> dict[str, str]:
    """Every approved rules file: path -> the digest approved."""
    try:
        return {str(path): str(sha) for path, sha in conn.execute("SELECT path, sha256 FROM approved_rules")}
    except sqlite3.OperationalError:
        return {}


def approval(conn: sqlite3.Connection, path: str) -> Approval | None:
    """The approval of the rules file at `path`; None when never approved (or the store predates
    approvals: a store from before m053, opened as it is by a hook)."""
    try:
        row = conn.execute("SELECT path, sha256, approved_at FROM approved_rules WHERE path = ?", (path,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return Approval(str(row[0]), str(row[1]), str(row[2])) if row else None


def approve(conn: sqlite3.Connection, path: str, sha256: str) -> Approval:
    """Record `path`'s bytes (their digest) as approved, replacing an earlier approval of it."""
    at = utc_now()
    with transaction(conn):
        conn.execute(
            "INSERT INTO approved_rules (path, sha256, approved_at) VALUES (?, ?, ?) "
            "ON CONFLICT(path) DO UPDATE SET sha256 = excluded.sha256, approved_at = excluded.approved_at",
            (path, sha256, at),
        )
    return Approval(path, sha256, at)


def withdraw(conn: sqlite3.Connection, path: str) -> bool:
    """Withdraw the approval of `path` (its rules warn again); False when it had none."""
    with transaction(conn):
        return conn.execute("DELETE FROM approved_rules WHERE path = ?", (path,)).rowcount > 0
