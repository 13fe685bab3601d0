"""The store side of linking commits to sessions (m022): what the linking pass reads and writes.

The pass itself (which evidence, which window) is history/linking.py; the rules are
history/commit_evidence.py. Reading links back for people is history/store/link_reader.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lessonloop.history.commit_evidence import CommitFiles, HunkChange, hunk_change
from lessonloop.store.search.index_upkeep import index_new_places
from lessonloop.store.transaction import transaction

# Calls that may name a commit: the commit records of the agents that commit themselves (their
# specs' `commit_tool`: (agent, tool) pairs, {own}), and shell commands mentioning a committing git
# subcommand (history/commit_evidence.py decides), failed ones too (`git commit -m x && pytest`
# commits before its tests fail: the output of a failed call is its error text).
_COMMIT_CALLS = """
    SELECT c.id, c.session_id, c.tool, c.kind, c.command, c.input_json, coalesce(c.result_text, c.error_text), c.cwd,
           s.agent
    FROM tool_calls c JOIN sessions s ON s.id = c.session_id
    WHERE {own}
       OR (c.kind = 'shell' AND coalesce(c.result_text, c.error_text) IS NOT NULL AND c.command LIKE '%git%'
           AND (c.command LIKE '%commit%' OR c.command LIKE '%revert%' OR c.command LIKE '%cherry-pick%'
                OR c.command LIKE '%merge%'))"""


@dataclass(frozen=True, slots=True)
class CommitCall:
    id: str
    session_id: str
    tool: str
    kind: str
    command: str | None
    input_json: str | None
    result_text: str | None
    cwd: str | None
    agent: str | None


@dataclass(frozen=True, slots=True)
class NewCommit:
    repository_id: int
    hash: str
    committed_at: str
    message: str


@dataclass(frozen=True, slots=True)
class EditCall:
    id: str
    session_id: str
    ts: str
    target_path: str | None
    paths_json: str | None
    cwd: str | None


@dataclass(frozen=True, slots=True)
class Link:
    repository_id: int
    hash: str
    session_id: str
    evidence: str
    strength: float
    tool_use_id: str | None
    files: int = 0


def link_state(conn: sqlite3.Connection) -> tuple[int, int]:
    """(the last git_commits rowid linked, the last tool_calls rowid looked at)."""
    row = conn.execute("SELECT commits_rowid, calls_rowid FROM git_link_state WHERE id = 1").fetchone()
    return (int(row[0]), int(row[1])) if row is not None else (0, 0)


def top_rowids(conn: sqlite3.Connection) -> tuple[int, int]:
    commits = conn.execute("SELECT coalesce(max(rowid), 0) FROM git_commits").fetchone()[0]
    calls = conn.execute("SELECT coalesce(max(rowid), 0) FROM tool_calls").fetchone()[0]
    return int(commits), int(calls)


def repositories(conn: sqlite3.Connection) -> dict[int, str]:
    return {int(i): str(root) for i, root in conn.execute("SELECT id, root FROM git_repositories")}


def sessions(conn: sqlite3.Connection) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Every session: (parent id, cwd, project)."""
    return {str(r[0]): (r[1], r[2], r[3]) for r in conn.execute("SELECT id, parent_id, cwd, project FROM sessions")}


def commit_calls(conn: sqlite3.Connection, own_commits: Sequence[tuple[str, str]] = ()) -> list[CommitCall]:
    """The calls that may name a commit; `own_commits`: (agent, tool) of each agent's own commit
    records."""
    own = " OR ".join("(s.agent = ? AND c.tool = ?)" for _pair in own_commits) or "0"
    params = [value for pair in own_commits for value in pair]
    return [CommitCall(*row) for row in conn.execute(_COMMIT_CALLS.format(own=f"({own})"), params)]


def resolve_hash(conn: sqlite3.Connection, prefix: str, repository_ids: Iterable[int] | None) -> list[tuple[int, str]]:
    """The stored commits whose hash starts with `prefix` (in those repositories, or in any)."""
    rows = conn.execute(
        "SELECT repository_id, hash FROM git_commits WHERE hash >= ? AND hash < ?", (prefix, prefix + "g")
    ).fetchall()
    wanted = None if repository_ids is None else set(repository_ids)
    return [(int(r), str(h)) for r, h in rows if wanted is None or int(r) in wanted]


def new_commits(conn: sqlite3.Connection, after_rowid: int) -> list[NewCommit]:
    return [
        NewCommit(int(r[0]), r[1], r[2], r[3])
        for r in conn.execute(
            "SELECT repository_id, hash, committed_at, message FROM git_commits WHERE rowid > ? ORDER BY rowid",
            (after_rowid,),
        )
    ]


def new_edit_calls(conn: sqlite3.Connection, after_rowid: int, untimed: Sequence[str] = ()) -> list[EditCall]:
    """Edit and write calls stored after `after_rowid` that have a time and did not fail; not those
    of the agents `untimed` (whose calls' times are their session's start, spread: no minute)."""
    return _edits(conn, "c.rowid > ?", (after_rowid,), untimed)


def edit_calls_between(conn: sqlite3.Connection, start: str, end: str, untimed: Sequence[str] = ()) -> list[EditCall]:
    return _edits(conn, "c.ts >= ? AND c.ts <= ?", (start, end), untimed)


def _edits(conn: sqlite3.Connection, where: str, params: Sequence[object], untimed: Sequence[str]) -> list[EditCall]:
    skip = f" AND s.agent NOT IN ({', '.join('?' * len(untimed))})" if untimed else ""
    return [
        EditCall(*row)
        for row in conn.execute(
            f"""SELECT c.id, c.session_id, c.ts, c.target_path, c.paths_json, coalesce(c.cwd, s.cwd)
                FROM tool_calls c JOIN sessions s ON s.id = c.session_id
                WHERE c.kind IN ('edit', 'write') AND c.ts IS NOT NULL AND c.ok IS NOT 0 AND {where}{skip}""",
            [*params, *untimed],
        )
    ]


def commits_between(conn: sqlite3.Connection, repository_id: int, start: str, end: str) -> list[CommitFiles]:
    """The repository's commits with time in [start, end], in time order, with their paths."""
    found: dict[str, tuple[str, set[str], int]] = {}
    for hash_, committed_at, path, old_path in conn.execute(
        """SELECT c.hash, c.committed_at, f.path, f.old_path FROM git_commits c
           LEFT JOIN git_commit_files f ON f.repository_id = c.repository_id AND f.hash = c.hash
           WHERE c.repository_id = ? AND c.committed_at >= ? AND c.committed_at <= ?""",
        (repository_id, start, end),
    ):
        at, paths, count = found.setdefault(hash_, (committed_at, set(), 0))
        if path is not None:
            paths.add(path)
            if old_path:
                paths.add(old_path)
            found[hash_] = (at, paths, count + 1)
    return sorted(
        (CommitFiles(h, at, frozenset(paths), count) for h, (at, paths, count) in found.items()),
        key=lambda c: (c.committed_at, c.hash),
    )


def insert_links(conn: sqlite3.Connection, links: Sequence[Link]) -> int:
    """Store links not stored yet; the number new."""
    if not links:
        return 0
    with transaction(conn):
        # The rows inserted (rowcount: not the search's rows its triggers add, as total_changes would)
        added = conn.executemany(
            "INSERT OR IGNORE INTO git_commit_links (repository_id, hash, session_id, evidence, strength, tool_use_id, "
            "files) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(k.repository_id, k.hash, k.session_id, k.evidence, k.strength, k.tool_use_id, k.files) for k in links],
        ).rowcount
        index_new_places(conn)  # a commit linked for the first time is a place of the search
        return added


def replace_window_links(
    conn: sqlite3.Connection, repository_id: int, start: str, end: str, links: Sequence[Link]
) -> None:
    """The edit-window links of the repository's commits with time in [start, end], replaced."""
    with transaction(conn):
        conn.execute(
            """DELETE FROM git_commit_links WHERE evidence = 'edit_window' AND repository_id = ? AND hash IN
               (SELECT hash FROM git_commits WHERE repository_id = ? AND committed_at >= ? AND committed_at <= ?)""",
            (repository_id, repository_id, start, end),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO git_commit_links (repository_id, hash, session_id, evidence, strength, tool_use_id, "
            "files) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(k.repository_id, k.hash, k.session_id, k.evidence, k.strength, k.tool_use_id, k.files) for k in links],
        )
        index_new_places(conn)


def linked_commits(conn: sqlite3.Connection) -> set[tuple[int, str]]:
    return {(int(r), str(h)) for r, h in conn.execute("SELECT DISTINCT repository_id, hash FROM git_commit_links")}


def commit_paths(conn: sqlite3.Connection, repository_id: int, hashes: Iterable[str]) -> dict[str, set[str]]:
    """Each commit's paths (new and old)."""
    found: dict[str, set[str]] = {}
    for hash_ in hashes:
        for path, old_path in conn.execute(
            "SELECT path, old_path FROM git_commit_files WHERE repository_id = ? AND hash = ?", (repository_id, hash_)
        ):
            paths = found.setdefault(hash_, set())
            paths.add(path)
            if old_path:
                paths.add(old_path)
    return found


def commits_touching(
    conn: sqlite3.Connection, repository_id: int, paths: Iterable[str], *, after: str | None = None
) -> dict[str, str]:
    """The repository's commits changing one of `paths` (at or after `after`): hash -> time."""
    found: dict[str, str] = {}
    for path in set(paths):
        query = (
            "SELECT c.hash, c.committed_at FROM git_commit_files f JOIN git_commits c "
            "ON c.repository_id = f.repository_id AND c.hash = f.hash WHERE f.repository_id = ? AND f.path = ?"
        )
        params: list[object] = [repository_id, path]
        if after is not None:
            query += " AND c.committed_at >= ?"
            params.append(after)
        for hash_, at in conn.execute(query, params):
            found[str(hash_)] = str(at)
    return found


def commit_time(conn: sqlite3.Connection, repository_id: int, hash_: str) -> str | None:
    row = conn.execute(
        "SELECT committed_at FROM git_commits WHERE repository_id = ? AND hash = ?", (repository_id, hash_)
    ).fetchone()
    return None if row is None else str(row[0])


def hunk_changes(conn: sqlite3.Connection, repository_id: int, hash_: str) -> list[HunkChange]:
    """The commit's stored hunks as changes (path, removed lines, added lines); blank-only left out."""
    changes: list[HunkChange] = []
    for path, text in conn.execute(
        """SELECT f.path, h.text FROM git_hunks h JOIN git_commit_files f
           ON f.repository_id = h.repository_id AND f.hash = h.hash AND f.ordinal = h.ordinal
           WHERE h.repository_id = ? AND h.hash = ? ORDER BY h.ordinal, h.idx""",
        (repository_id, hash_),
    ):
        change = hunk_change(str(path), str(text))
        if change is not None:
            changes.append(change)
    return changes


def insert_rollbacks(conn: sqlite3.Connection, rows: Sequence[tuple[int, str, str, str, int]]) -> int:
    """(repository, undone commit, undoing commit, evidence, hunks) rows not stored yet; the number new."""
    if not rows:
        return 0
    with transaction(conn):
        return conn.executemany(
            "INSERT OR IGNORE INTO git_rollbacks (repository_id, hash, by_hash, evidence, hunks) VALUES (?, ?, ?, ?, ?)",
            rows,
        ).rowcount


def drop_orphans(conn: sqlite3.Connection) -> int:
    """Links whose session, or whose call, is no longer stored (a forgotten session, a call of a
    rewritten transcript that is gone); the number removed."""
    with transaction(conn):
        # rowcount: the links deleted, not the search index's rows their triggers take out
        gone = conn.execute("DELETE FROM git_commit_links WHERE session_id NOT IN (SELECT id FROM sessions)").rowcount
        return (
            gone
            + conn.execute(
                """DELETE FROM git_commit_links WHERE tool_use_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM tool_calls c WHERE c.id = git_commit_links.tool_use_id)"""
            ).rowcount
        )


def save_link_state(conn: sqlite3.Connection, commits_rowid: int, calls_rowid: int) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE git_link_state SET commits_rowid = ?, calls_rowid = ? WHERE id = 1", (commits_rowid, calls_rowid)
        )
