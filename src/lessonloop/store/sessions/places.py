"""Where the stored sessions ran and which project each is in: the folders and projects ingest,
git history and file prediction look in, and the placement ingest writes (pipeline/session_projects.py).
Standard library only: the hooks' rare path (a folder that is gone) reads the sessions' folders."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Sequence

    from lessonloop.capture.project_placement import SessionFolder


def session_folders(conn: sqlite3.Connection) -> list[SessionFolder]:
    """Every stored session's id, parent, folder, project and branch, as placement reads them."""
    from lessonloop.capture.project_placement import SessionFolder

    return [SessionFolder(*r) for r in conn.execute("SELECT id, parent_id, cwd, project, git_branch FROM sessions")]


def set_projects(conn: sqlite3.Connection, changes: Sequence[tuple[str | None, str]]) -> None:
    """Give sessions their new project, (project, session id) each, in their rows and their
    analysis; in one transaction."""
    from lessonloop.store.transaction import transaction

    with transaction(conn):
        conn.executemany("UPDATE sessions SET project = ? WHERE id = ?", changes)
        conn.executemany("UPDATE session_executions SET project = ? WHERE session_id = ?", changes)


def session_projects(conn: sqlite3.Connection) -> list[str]:
    """The projects of the stored sessions (subagents' too), each once."""
    return [str(row[0]) for row in conn.execute("SELECT DISTINCT project FROM sessions WHERE project IS NOT NULL")]


def session_cwds(conn: sqlite3.Connection) -> list[str]:
    """The folders the stored sessions ran in, each once."""
    return [str(row[0]) for row in conn.execute("SELECT DISTINCT cwd FROM sessions WHERE cwd IS NOT NULL")]


def known_folders(conn: sqlite3.Connection) -> list[str]:
    """The folders of the stored sessions and their projects (Aider keeps its history in each):
    where ingest looks for Aider's histories, and part of what a read's refresh checks discovery
    by (pipeline/refresh.py: the two must name the same folders)."""
    return list(dict.fromkeys(session_cwds(conn) + session_projects(conn)))


def main_session_projects(conn: sqlite3.Connection) -> list[str | None]:
    """The projects of the main sessions, sorted (None for sessions placed nowhere)."""
    return [row[0] for row in conn.execute("SELECT DISTINCT project FROM sessions WHERE parent_id IS NULL ORDER BY 1")]
