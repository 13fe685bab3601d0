"""What the co-change reminder reads (history/cochange.py): the stored git history's co-change
counts of a few files, the repository holding a path, the files a session changed and the
partners it was reminded of.

`cochange_counts` is one query over git_commit_files: the changed files' rows by the
(repository_id, path) index, each one's commit by git_commits' primary key, the commit's other
files by git_commit_files' primary key (repository_id, hash, ...): its cost grows with the commits
that changed those files, not with the history (benchmarks/edit_checks.py measures it in the
PostToolUse hook). Stdlib only: the hooks read it.
"""

from __future__ import annotations

import json
import os
import sqlite3

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

CHANGE_TOOLS = (
    "Edit",
    "MultiEdit",
    "Write",
    "NotebookEdit",
)  # Claude Code's names of the live_calls that change a file
MAX_FILES = 50  # changed files read at most (the latest)


def repository_of(conn: sqlite3.Connection, path: str) -> tuple[int, str] | None:
    """(id, root) of the stored repository whose working tree holds the absolute `path` (the
    deepest, for a repository inside another); None when none does."""
    best: tuple[int, str] | None = None
    for repository_id, root in conn.execute("SELECT id, root FROM git_repositories"):
        base = root.rstrip("/") + "/"
        if path.startswith(base) and (best is None or len(root) > len(best[1])):
            best = (repository_id, root)
    return best


def relative_to(root: str, path: str) -> str | None:
    """`path` relative to the repository `root` (POSIX separators); None outside it."""
    base = root.rstrip("/") + "/"
    if not path.startswith(base):
        return None
    return path[len(base) :].replace(os.sep, "/")


def cochange_counts(
    conn: sqlite3.Connection, repository_id: int, paths: Sequence[str], max_files: int
) -> dict[str, tuple[int, dict[str, int]]]:
    """path -> (commits that changed it, {partner: commits that changed both}) for each of
    `paths` that a stored commit changed; merges and commits of more than `max_files` files are
    not counted."""
    if not paths:
        return {}
    marks = ",".join("?" * len(paths))
    rows = conn.execute(
        f"""SELECT a.path, b.path, COUNT(DISTINCT a.hash)
              FROM git_commit_files a
              JOIN git_commits c ON c.repository_id = a.repository_id AND c.hash = a.hash
              JOIN git_commit_files b ON b.repository_id = a.repository_id AND b.hash = a.hash
             WHERE a.repository_id = ? AND a.path IN ({marks}) AND c.is_merge = 0 AND c.files <= ?
             GROUP BY a.path, b.path""",
        (repository_id, *paths, max_files),
    ).fetchall()
    counts: dict[str, tuple[int, dict[str, int]]] = {}
    totals: dict[str, int] = {}
    partners: dict[str, dict[str, int]] = {}
    for path, partner, both in rows:
        if partner == path:
            totals[path] = both
        else:
            partners.setdefault(path, {})[partner] = both
    for path, total in totals.items():
        counts[path] = (total, partners.get(path, {}))
    return counts


def session_changed_files(conn: sqlite3.Connection, session_id: str) -> list[str]:
    """The files the session's successful edits and writes changed (ingested and stored live),
    latest last, each once; at most MAX_FILES."""
    marks = ",".join("?" * len(CHANGE_TOOLS))
    rows = conn.execute(
        f"""SELECT target_path, ts FROM tool_calls
             WHERE session_id = ? AND kind IN ('edit', 'write') AND ok = 1 AND target_path IS NOT NULL
            UNION ALL
            SELECT target_path, ts FROM live_calls
             WHERE session_id = ? AND tool IN ({marks}) AND ok = 1 AND target_path IS NOT NULL
            ORDER BY ts""",
        (session_id, session_id, *CHANGE_TOOLS),
    ).fetchall()
    seen = list(dict.fromkeys(path for path, _ in rows))
    return seen[-MAX_FILES:]


def reminded_partners(conn: sqlite3.Connection, session_id: str, event: str) -> set[str]:
    """The partners this session was reminded of already (hook_decisions of `event`, action remind)."""
    named: set[str] = set()
    for (detail,) in conn.execute(
        "SELECT detail FROM hook_decisions WHERE session_id = ? AND event = ? AND action = 'remind'",
        (session_id, event),
    ):
        try:
            found = json.loads(detail or "{}").get("cochange") or []
        except (ValueError, AttributeError):
            continue
        named.update(item[1] for item in found if isinstance(item, list) and len(item) > 1)
    return named


def absolute_paths(cwd: str | None, paths: Iterable[str]) -> list[str]:
    """Each path absolute (a relative one joined to `cwd`) and normalized."""
    out = []
    for path in paths:
        full = path if os.path.isabs(path) or not cwd else os.path.join(cwd, path)
        out.append(os.path.normpath(full))
    return out
