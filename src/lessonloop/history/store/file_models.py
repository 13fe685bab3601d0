"""File prediction's store side (docs/files.md): the commits a model learns from, read in the
order they entered the history, and each repository's model saved with how far it has read, so
the next update reads only what came after (m021's file_models table).

Knows no learning: rows in, bytes out. The model's state is the learner's JSON, compressed; it is
decompressed up to MAX_STATE_BYTES only (a state that would expand past it, or that is not zlib
data, is no model: it is learned again and saved over), so a store handed over with a planted
"zlib bomb" cannot take the memory.
"""

from __future__ import annotations

import sqlite3
import zlib
from dataclasses import dataclass

from lessonloop.core.timestamps import utc_now
from lessonloop.store.migrations import has_table
from lessonloop.store.transaction import transaction

# A model's state decompressed (JSON of words and files' counts): megabytes for a large repository;
# far more is no state this module saved.
MAX_STATE_BYTES = 512 << 20


@dataclass(slots=True)
class CommitRow:
    rowid: int
    hash: str
    committed_at: str
    author: str
    subject: str
    message: str
    is_merge: bool
    files: list[tuple[str, str, str | None]]  # (path, status, old path), in the commit's order


@dataclass(slots=True)
class StoredModel:
    key: str
    state: bytes  # the learner's JSON
    commits_rowid: int  # the last git_commits rowid learned
    chats_until: str  # the time of the last chat learned ('' none)
    examples: int
    updated_at: str


def repository_id(conn: sqlite3.Connection, root: str) -> int | None:
    row = conn.execute("SELECT id FROM git_repositories WHERE root = ?", (root,)).fetchone()
    return int(row[0]) if row else None


def repository_roots(conn: sqlite3.Connection) -> list[str]:
    """The folders of the repositories `ingest --git` read, sorted (none in a store opened read-only
    from before git history); a project value may name one (core/wing.py's project_folders)."""
    if not has_table(conn, "git_repositories"):
        return []
    return [str(row[0]) for row in conn.execute("SELECT root FROM git_repositories ORDER BY root")]


def commits_after(conn: sqlite3.Connection, repo_id: int, rowid: int = 0) -> list[CommitRow]:
    """The repository's commits stored after `rowid`, in commit-time order (then as stored)."""
    commits: dict[str, CommitRow] = {}
    for row in conn.execute(
        "SELECT rowid, hash, committed_at, author_name, subject, message, is_merge FROM git_commits "
        "WHERE repository_id = ? AND rowid > ? ORDER BY committed_at, rowid",
        (repo_id, rowid),
    ):
        commits[str(row[1])] = CommitRow(
            int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), str(row[5]), bool(row[6]), []
        )
    if not commits:
        return []
    first = min(c.rowid for c in commits.values())
    for hash_, path, status, old_path in conn.execute(
        "SELECT f.hash, f.path, f.status, f.old_path FROM git_commit_files f "
        "JOIN git_commits c ON c.repository_id = f.repository_id AND c.hash = f.hash "
        "WHERE f.repository_id = ? AND c.rowid >= ? ORDER BY f.hash, f.ordinal",
        (repo_id, first),
    ):
        commit = commits.get(str(hash_))
        if commit is not None:
            commit.files.append((str(path), str(status), None if old_path is None else str(old_path)))
    return list(commits.values())


def commit_hunks(conn: sqlite3.Connection, repo_id: int, rowid: int = 0) -> dict[str, dict[str, list[str]]]:
    """commit hash -> path -> the texts of its stored hunks (each its header line, then its
    lines), for the repository's commits stored after `rowid`."""
    out: dict[str, dict[str, list[str]]] = {}
    for hash_, path, header, text in conn.execute(
        "SELECT h.hash, f.path, h.header, h.text FROM git_hunks h "
        "JOIN git_commit_files f ON f.repository_id = h.repository_id AND f.hash = h.hash AND f.ordinal = h.ordinal "
        "JOIN git_commits c ON c.repository_id = h.repository_id AND c.hash = h.hash "
        "WHERE h.repository_id = ? AND c.rowid > ? ORDER BY h.hash, h.ordinal, h.idx",
        (repo_id, rowid),
    ):
        out.setdefault(str(hash_), {}).setdefault(str(path), []).append(f"{header}\n{text}")
    return out


def load_model(conn: sqlite3.Connection, key: str) -> StoredModel | None:
    row = conn.execute(
        "SELECT state, commits_rowid, chats_until, examples, updated_at FROM file_models WHERE key = ?", (key,)
    ).fetchone()
    if row is None:
        return None
    state = _decompressed(bytes(row[0]))
    if state is None:
        return None
    return StoredModel(key, state, int(row[1]), str(row[2]), int(row[3]), str(row[4]))


def _decompressed(data: bytes) -> bytes | None:
    """A saved state decompressed, or None: not zlib data, cut short, or over MAX_STATE_BYTES."""
    decoder = zlib.decompressobj()
    try:
        state = decoder.decompress(data, MAX_STATE_BYTES + 1)
    except zlib.error:
        return None
    if len(state) > MAX_STATE_BYTES or not decoder.eof:
        return None
    return state


def save_model(
    conn: sqlite3.Connection, key: str, state: bytes, commits_rowid: int, chats_until: str, examples: int
) -> None:
    with transaction(conn):
        conn.execute(
            "INSERT INTO file_models (key, state, commits_rowid, chats_until, examples, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
            "commits_rowid = excluded.commits_rowid, chats_until = excluded.chats_until, "
            "examples = excluded.examples, updated_at = excluded.updated_at",
            (key, zlib.compress(state, 6), commits_rowid, chats_until, examples, utc_now()),
        )


def linked_prompts(conn: sqlite3.Connection, repo_id: int, hashes: set[str] | None = None) -> dict[str, list[str]]:
    """commit hash -> the typed prompts of the sessions linked to it by its strongest evidence
    (git_commit_links, m022): each such session's prompts after its previous linked commit's
    call (its start for the first) up to this commit's call, in the session's order (time, then
    line). A link without a call is placed at the commit's time. `hashes`: only these commits."""
    rows = conn.execute(
        "SELECT l.hash, l.session_id, l.strength, c.committed_at, t.ts, t.seq FROM git_commit_links l "
        "JOIN git_commits c ON c.repository_id = l.repository_id AND c.hash = l.hash "
        "LEFT JOIN tool_calls t ON t.id = l.tool_use_id WHERE l.repository_id = ?",
        (repo_id,),
    ).fetchall()
    strongest: dict[str, float] = {}
    for hash_, _, strength, *_ in rows:
        strongest[str(hash_)] = max(strongest.get(str(hash_), 0.0), float(strength))
    by_session: dict[str, dict[str, tuple[str, int]]] = {}
    for hash_, session, strength, committed_at, ts, seq in rows:
        if float(strength) < strongest[str(hash_)]:
            continue
        if ts is not None:
            place = (str(ts), int(seq))
        elif seq is not None:
            place = ("", int(seq))  # a call without a time (Aider's): its line decides
        else:
            place = (str(committed_at), 1 << 62)  # no call: the commit's time
        mine = by_session.setdefault(str(session), {})
        mine[str(hash_)] = min(mine.get(str(hash_), place), place)
    out: dict[str, list[str]] = {}
    for session, commits in by_session.items():
        prompts = [
            ((str(ts) if ts is not None else ""), int(seq), str(text))
            for ts, seq, text in conn.execute(
                "SELECT ts, seq, text FROM messages WHERE session_id = ? AND kind = 'prompt' AND text IS NOT NULL",
                (session,),
            )
        ]
        prompts.sort()
        previous: tuple[str, int] = ("", -1)
        for hash_, place in sorted(commits.items(), key=lambda item: item[1]):
            asked = [text.strip() for ts, seq, text in prompts if previous < (ts, seq) <= place and text.strip()]
            previous = place
            if asked and (hashes is None or hash_ in hashes):
                out.setdefault(hash_, []).extend(asked)
    return out
