"""What `lessonloop dataset quality` reads from the store (read-only SQL; dataset/quality.py computes).

A chat is a typed prompt of a main session and the assistant text up to the next typed prompt, in
the session's timeline order (time, then line), as the export reads it (report/chats.py).
With a project, sessions are those of the project (its stored name) and commits those of the
repositories whose root is the project's folder or inside it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from lessonloop.store.migrations import table_names

CLIP_MARK = " more characters not stored]"  # capture/parsing.py's clipped(): "[... N more characters not stored]"
REDACTION_MARK = "[REDACTED:"


@dataclass(frozen=True, slots=True)
class Scope:
    """The sessions and repositories a report covers: all (project None) or one project's."""

    project: str | None
    repositories: tuple[int, ...] | None  # None: every repository

    def sessions_sql(self, column: str = "s.project") -> tuple[str, tuple[object, ...]]:
        return ("1 = 1", ()) if self.project is None else (f"{column} = ?", (self.project,))

    def repositories_sql(self, column: str = "repository_id") -> tuple[str, tuple[object, ...]]:
        if self.repositories is None:
            return "1 = 1", ()
        if not self.repositories:
            return "0 = 1", ()
        return f"{column} IN ({', '.join('?' for _ in self.repositories)})", tuple(self.repositories)


def scope(conn: sqlite3.Connection, project: str | None) -> Scope:
    """All, or `project`'s sessions and the repositories (of the history wing's tables) whose root
    is the project's folder or inside it."""
    if project is None:
        return Scope(None, None)
    if "git_repositories" not in table_names(conn) or not project:
        return Scope(project, ())
    base = project.rstrip("/") or "/"
    prefix = base if base.endswith("/") else base + "/"
    rows = conn.execute(
        "SELECT id FROM git_repositories WHERE root = ? OR substr(root, 1, ?) = ? ORDER BY root",
        (base, len(prefix), prefix),
    )
    return Scope(project, tuple(int(row[0]) for row in rows))


@dataclass(frozen=True, slots=True)
class TimelineItem:
    agent: str
    session_id: str
    kind: str  # prompt | assistant
    text: str | None


def chat_items(conn: sqlite3.Connection, where: Scope) -> Iterator[TimelineItem]:
    """Typed prompts and assistant texts of main sessions, session by session in timeline order."""
    condition, params = where.sessions_sql()
    for agent, session_id, kind, text in conn.execute(
        f"""SELECT s.agent, m.session_id, m.kind, m.text FROM messages m JOIN sessions s ON s.id = m.session_id
            WHERE s.parent_id IS NULL AND m.kind IN ('prompt', 'assistant') AND {condition}
            ORDER BY m.session_id, coalesce(m.ts, ''), m.seq, m.kind = 'assistant', m.uuid""",
        params,
    ):
        yield TimelineItem(str(agent), str(session_id), str(kind), text)


def session_shapes(conn: sqlite3.Connection, where: Scope) -> list[tuple[str, str, int, int]]:
    """Each main session: (id, agent, tool calls of it and its subagents, typed prompts)."""
    condition, params = where.sessions_sql()
    return [
        (str(r[0]), str(r[1]), int(r[2]), int(r[3]))
        for r in conn.execute(
            f"""SELECT s.id, s.agent,
                  (SELECT count(*) FROM tool_calls c JOIN sessions t ON t.id = c.session_id
                   WHERE coalesce(t.parent_id, t.id) = s.id),
                  (SELECT count(*) FROM messages m WHERE m.session_id = s.id AND m.kind = 'prompt')
                FROM sessions s WHERE s.parent_id IS NULL AND s.placeholder = 0 AND {condition} ORDER BY s.id""",
            params,
        )
    ]


def parent_only_sessions(conn: sqlite3.Connection, where: Scope) -> int:
    """Main sessions known only as some subagent's parent (placeholders: their own transcript is
    not stored), which `session_shapes` leaves out: they hold no chat."""
    condition, params = where.sessions_sql()
    return int(
        conn.execute(
            f"SELECT count(*) FROM sessions s WHERE s.parent_id IS NULL AND s.placeholder = 1 AND {condition}", params
        ).fetchone()[0]
    )


def ingest_problems(conn: sqlite3.Connection, where: Scope) -> list[tuple[str, int]]:
    """Problems met reading the files, by code (with a project: the files holding its sessions)."""
    condition, params = where.sessions_sql()
    files = (
        ""
        if where.project is None
        else f"""WHERE source_file_id IN (SELECT f.source_file_id FROM file_sessions f
                  JOIN sessions s ON s.id = f.session_id WHERE {condition})"""
    )
    return [
        (str(r[0]), int(r[1]))
        for r in conn.execute(
            f"SELECT code, count(*) FROM ingest_problems {files} GROUP BY code ORDER BY count(*) DESC, code", params
        )
    ]


def _text_columns(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Ordinary tables with their text columns (not virtual tables or their shadows)."""
    out: dict[str, list[str]] = {}
    for (name,) in conn.execute(
        """SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name NOT LIKE '%_fts%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"""
    ):
        columns = [str(r[1]) for r in conn.execute(f"PRAGMA table_info({name})") if str(r[2]).upper() == "TEXT"]
        if columns:
            out[str(name)] = columns
    return out


def _table_scope(conn: sqlite3.Connection, table: str, where: Scope) -> tuple[str, tuple[object, ...]] | None:
    """The rows of `table` in scope: every row without a project; with one, rows of its sessions
    (a session_id column) or repositories (repository_id); None: the table is out of scope."""
    if where.project is None:
        return "1 = 1", ()
    columns = {str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")}
    if table == "sessions":
        return "project = ?", (where.project,)
    if "session_id" in columns:
        return "session_id IN (SELECT id FROM sessions WHERE project = ?)", (where.project,)
    if "repository_id" in columns:
        return where.repositories_sql()
    return None


def texts_holding(conn: sqlite3.Connection, mark: str, where: Scope) -> Iterator[tuple[str, str, str]]:
    """(table, column, text) of every stored text holding `mark`, in every table in scope."""
    for table, columns in _text_columns(conn).items():
        scoped = _table_scope(conn, table, where)
        if scoped is None:
            continue
        condition, params = scoped
        for column in columns:
            for (text,) in conn.execute(
                f"SELECT {column} FROM {table} WHERE instr({column}, ?) > 0 AND {condition}", (mark, *params)
            ):
                yield table, column, str(text)


def commit_rows(conn: sqlite3.Connection, where: Scope) -> list[tuple[str, str, str, bool, int, bool, bool, int]]:
    """Each stored commit: (repository root, hash, message, is merge, lines changed, hunks capped,
    message not UTF-8, links to sessions); none without the history wing's tables."""
    if "git_commits" not in table_names(conn):
        return []
    condition, params = where.repositories_sql("c.repository_id")
    return [
        (str(r[0]), str(r[1]), str(r[2]), bool(r[3]), int(r[4]), bool(r[5]), bool(r[6]), int(r[7]))
        for r in conn.execute(
            f"""SELECT r.root, c.hash, c.message, c.is_merge, c.insertions + c.deletions, c.hunks_truncated,
                       c.message_not_utf8,
                       (SELECT count(*) FROM git_commit_links l
                        WHERE l.repository_id = c.repository_id AND l.hash = c.hash)
                FROM git_commits c JOIN git_repositories r ON r.id = c.repository_id
                WHERE {condition} ORDER BY r.root, c.committed_at, c.hash""",
            params,
        )
    ]
