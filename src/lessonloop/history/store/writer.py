"""Git history into the store: repositories with the tips read up to, commits, files, hunks.

Every commit goes in with `INSERT OR IGNORE` on its natural key (repository, hash), its files
and hunks with it, so reading a commit twice (a read that stopped before saving its tips, two
hooks at once) stores it once. The tips are saved only after a complete read (`save_tips`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from lessonloop.capture.git.records import GitCommit
from lessonloop.core import json_codec
from lessonloop.core.timestamps import utc_now
from lessonloop.store.transaction import transaction


@dataclass(slots=True)
class StoredRepository:
    id: int
    root: str
    tips: dict[str, str]
    read_at: str | None


def author_salt(conn: sqlite3.Connection) -> bytes:
    """The store's key for authors' email hashes (m019 made it, random)."""
    row = conn.execute("SELECT salt FROM git_author_salt WHERE id = 1").fetchone()
    return bytes.fromhex(str(row[0]))


def author_key(salt: bytes, email: str) -> str:
    """A keyed hash of an email address: equal for one address in one store, not the address."""
    return hashlib.blake2b(email.strip().lower().encode("utf-8", "replace"), key=salt, digest_size=12).hexdigest()


def repository(conn: sqlite3.Connection, root: str, common_dir: str) -> StoredRepository:
    """The stored repository of `root`, registered now when it is new."""
    row = conn.execute("SELECT id, tips, read_at FROM git_repositories WHERE root = ?", (root,)).fetchone()
    if row is None:
        with transaction(conn):
            conn.execute(
                "INSERT OR IGNORE INTO git_repositories (root, common_dir, first_read_at) VALUES (?, ?, ?)",
                (root, common_dir, utc_now()),
            )
        row = conn.execute("SELECT id, tips, read_at FROM git_repositories WHERE root = ?", (root,)).fetchone()
    tips = json_codec.loads(row[1]) if row[1] else {}
    return StoredRepository(int(row[0]), root, dict(tips) if isinstance(tips, dict) else {}, row[2])


def stored_roots(conn: sqlite3.Connection) -> list[str]:
    """The roots of every repository read before."""
    return [str(row[0]) for row in conn.execute("SELECT root FROM git_repositories ORDER BY root")]


def write_commits(conn: sqlite3.Connection, repository_id: int, commits: Sequence[GitCommit], salt: bytes) -> int:
    """Store `commits` in one transaction; the number not stored before."""
    now = utc_now()
    commit_rows = []
    file_rows = []
    hunk_rows = []
    for c in commits:
        cc = c.conventional
        commit_rows.append(
            (
                repository_id,
                c.hash,
                " ".join(c.parents),
                int(c.is_merge),
                c.branch,
                c.author_name,
                author_key(salt, c.author_email),
                c.authored_at,
                c.author_offset_minutes,
                c.author_hour,
                c.author_weekday,
                c.committed_at,
                c.subject,
                c.message,
                cc.type if cc is not None else None,
                cc.scope if cc is not None else None,
                int(cc.breaking) if cc is not None else 0,
                len(c.files),
                c.insertions,
                c.deletions,
                int(c.hunks_truncated),
                int(c.message_not_utf8),
                now,
            )
        )
    with transaction(conn):
        new: set[str] = set()
        for row, c in zip(commit_rows, commits, strict=True):
            changed = conn.total_changes
            conn.execute(
                "INSERT OR IGNORE INTO git_commits (repository_id, hash, parents, is_merge, branch, author_name, "
                "author_key, authored_at, author_offset_minutes, author_hour, author_weekday, committed_at, subject, "
                "message, cc_type, cc_scope, cc_breaking, files, insertions, deletions, hunks_truncated, "
                "message_not_utf8, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            if conn.total_changes != changed:
                new.add(c.hash)
        for c in commits:
            if c.hash not in new:
                continue  # stored before, with its files and hunks
            for ordinal, f in enumerate(c.files):
                file_rows.append(
                    (
                        repository_id,
                        c.hash,
                        ordinal,
                        f.path,
                        f.old_path,
                        f.status,
                        f.insertions,
                        f.deletions,
                        int(f.binary),
                        int(f.hunks_truncated),
                    )
                )
                for idx, h in enumerate(f.hunks):
                    hunk_rows.append(
                        (
                            repository_id,
                            c.hash,
                            ordinal,
                            idx,
                            h.old_start,
                            h.old_lines,
                            h.new_start,
                            h.new_lines,
                            h.header,
                            h.text,
                        )
                    )
        conn.executemany(
            "INSERT OR IGNORE INTO git_commit_files (repository_id, hash, ordinal, path, old_path, status, insertions, "
            "deletions, binary, hunks_truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            file_rows,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO git_hunks (repository_id, hash, ordinal, idx, old_start, old_lines, new_start, "
            "new_lines, header, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            hunk_rows,
        )
    return len(new)


def save_tips(conn: sqlite3.Connection, repository_id: int, tips: dict[str, str], shallow: bool) -> None:
    """After a complete read: the tips it read up to (the next read starts there)."""
    with transaction(conn):
        conn.execute(
            "UPDATE git_repositories SET tips = ?, shallow = ?, read_at = ? WHERE id = ?",
            (json_codec.dumps(dict(sorted(tips.items()))), int(shallow), utc_now(), repository_id),
        )


@dataclass(slots=True)
class RepositoryCounts:
    root: str
    commits: int
    merges: int
    files: int
    hunks: int
    first: str | None
    last: str | None
    read_at: str | None
    tips: dict[str, str]


def repository_counts(conn: sqlite3.Connection, root: str) -> RepositoryCounts | None:
    """What the store holds of the repository at `root` (None: never read)."""
    row = conn.execute("SELECT id, tips, read_at FROM git_repositories WHERE root = ?", (root,)).fetchone()
    if row is None:
        return None
    repo_id = int(row[0])
    commits, merges, first, last = conn.execute(
        "SELECT count(*), coalesce(sum(is_merge), 0), min(authored_at), max(authored_at) FROM git_commits "
        "WHERE repository_id = ?",
        (repo_id,),
    ).fetchone()
    files = conn.execute("SELECT count(*) FROM git_commit_files WHERE repository_id = ?", (repo_id,)).fetchone()[0]
    hunks = conn.execute("SELECT count(*) FROM git_hunks WHERE repository_id = ?", (repo_id,)).fetchone()[0]
    tips = json_codec.loads(row[1]) if row[1] else {}
    return RepositoryCounts(
        root,
        int(commits),
        int(merges),
        int(files),
        int(hunks),
        first,
        last,
        row[2],
        dict(tips) if isinstance(tips, dict) else {},
    )
