"""Retention of sessions and commits (issue 14, item 5): `lessonloop cleanup` on real stores: the
shared corpora ingested from copies, real repositories in temporary folders with backdated commits,
and `forget project` deleting a project's git history."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from lessonloop.store import open_store
from lessonloop.store.removal.retention import cleanup_history, old_sessions
from tests.conftest import SHARED_CORPUS, cli, run_ingest
from tests.git_helpers import commit_file, git, make_repo
from tests.history.test_git_links import Scene

DAY = 86400.0
_SMALL_CORPORA = ("aider/aider-dev", "gemini/codemie", "codex/codemie", "opencode/codemie")


def _rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _session_tables(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return [
            n
            for n in names
            if n != "forgotten_sessions" and "session_id" in {r[1] for r in conn.execute(f"PRAGMA table_info({n})")}
        ]
    finally:
        conn.close()


def _days_ago(days: int, offset: str) -> str:
    """A git date `days` before now, written with the time zone `offset`."""
    moment = datetime.now(UTC) - timedelta(days=days)
    sign = 1 if offset[0] == "+" else -1
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    zone = timezone(sign * timedelta(hours=hours, minutes=minutes))
    return moment.astimezone(zone).isoformat(timespec="seconds")


@pytest.fixture
def corpora_store(tmp_path: Path) -> Path:
    """Copies of the small shared corpora (Aider, Gemini, Codex, OpenCode) ingested into a store."""
    copies = []
    for name in _SMALL_CORPORA:
        source = SHARED_CORPUS / name
        if not source.is_dir():
            pytest.skip(f"shared corpus {source} is absent")
        copies.append(shutil.copytree(source, tmp_path / "corpus" / name.replace("/", "-")))
    db = tmp_path / "store" / "lessonloop.db"
    run_ingest(db, *copies)
    return db


@pytest.mark.slow
def test_sessions_older_than_the_retention_go_with_every_row(corpora_store: Path) -> None:
    db = corpora_store
    # Each main session's latest time, computed here from the raw rows (start, end, messages, calls).
    latest: dict[str, str] = {}
    for session, parent, times in _rows(
        db,
        """SELECT id, parent_id, (SELECT max(t) FROM (SELECT s.started_at AS t UNION ALL SELECT s.ended_at
             UNION ALL SELECT ts FROM messages WHERE session_id = s.id
             UNION ALL SELECT ts FROM tool_calls WHERE session_id = s.id)) FROM sessions s""",
    ):
        root = parent or session
        if times is not None and times > latest.get(root, ""):
            latest[root] = times
    mains = {r[0] for r in _rows(db, "SELECT id FROM sessions WHERE parent_id IS NULL")}
    now = "2025-06-01T00:00:00.000Z"  # with 365 days the cutoff is 2024-06-01: no session is older
    assert not [s for s, t in latest.items() if t < "2024-06-01T00:00:00.000Z"]
    cutoff = "2024-12-31T00:00:00.000Z"  # from 2025-12-31 with 365 days
    expected = sorted(s for s, t in latest.items() if t < cutoff and s in mains)
    assert len(expected) > 100  # the Aider history of August 2024
    agents = dict(_rows(db, "SELECT id, agent FROM sessions"))
    assert {agents[s] for s in expected} == {"aider"}
    untimed = sorted(mains - set(latest))
    # Every session of these corpora is timed (Aider's lines before its first heading take that
    # heading's time, issue 26); a session without any time would be kept (checked below).
    assert untimed == []

    conn = open_store(db)
    try:
        assert old_sessions(conn, "2024-06-01T00:00:00.000Z") == []
        assert cleanup_history(conn, 365 * DAY, 100000 * DAY, now=now).sessions == []
        dry = cleanup_history(conn, 365 * DAY, 100000 * DAY, dry_run=True, now="2025-12-31T00:00:00.000Z")
        assert dry.sessions == expected and dry.deleted["messages"] > 0 and dry.commits == 0
        assert len(_rows(db, "SELECT id FROM sessions WHERE parent_id IS NULL")) == len(mains)
        done = cleanup_history(conn, 365 * DAY, 100000 * DAY, now="2025-12-31T00:00:00.000Z")
    finally:
        conn.close()
    assert done.sessions == expected and done.deleted == dry.deleted and done.vacuumed
    left = {r[0] for r in _rows(db, "SELECT id FROM sessions WHERE parent_id IS NULL")}
    assert left == mains - set(expected)
    assert set(untimed) <= left
    for table in _session_tables(db):
        marks = ",".join("?" for _ in expected)
        assert _rows(db, f"SELECT count(*) FROM {table} WHERE session_id IN ({marks})", tuple(expected)) == [(0,)]
    # Forgotten: reading the files again (rewritten, so they are read from the start) stores none of them.
    for path in (db.parent.parent / "corpus").rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes())
            path.touch()
    run_ingest(db, db.parent.parent / "corpus")
    assert {r[0] for r in _rows(db, "SELECT id FROM sessions WHERE parent_id IS NULL")} == left


def test_commits_and_sessions_older_than_the_retention_with_their_links(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    db = tmp_path / "store.db"
    assert cli("ingest", "--db", db, "--no-progress", scene.write(tmp_path / "in")).exit_code == 0
    assert cli("ingest", "--git", "--db", db, scene.repo).exit_code == 0
    assert len(_rows(db, "SELECT * FROM git_commit_links")) == 3
    assert len(_rows(db, "SELECT * FROM git_rollbacks")) == 2
    predicted = cli("files", "predict", "tune b", "--project", scene.repo, "--db", db, "--json")
    assert predicted.exit_code == 0, predicted.stderr
    assert _rows(db, "SELECT key FROM file_models") == [(str(scene.repo),)]
    before = {r[0] for r in _rows(db, "SELECT hash FROM git_commits")}

    # A day before `now` is 2026-11-01T09:30: the commits "base a" (08:00), "base b" (08:00:01) and
    # A's "fix: a" (09:00:10) are older, and session A (active from 09:00 for seconds); session B
    # (from 10:00) and the later commits are not.
    conn = open_store(db)
    try:
        # The file model learned every commit and may have learned from session A: all are kept.
        kept = cleanup_history(conn, DAY, DAY, now="2026-11-02T09:30:00.000Z")
        assert (kept.sessions, kept.commits, kept.deleted) == ([], 0, {})
        assert kept.sessions_kept == {scene.a.session_id: [str(scene.repo)]}
        assert kept.commits_kept.by_models == {str(scene.repo): 3}
        assert {r[0] for r in _rows(db, "SELECT hash FROM git_commits")} == before
        result = cleanup_history(conn, DAY, DAY, now="2026-11-02T09:30:00.000Z", include_needed=True)
    finally:
        conn.close()
    assert result.sessions == [scene.a.session_id] and result.file_models_dropped == [str(scene.repo)]
    old = {scene.base, scene.a_commit}
    assert result.commits == 3 and old <= before
    left = {r[0] for r in _rows(db, "SELECT hash FROM git_commits")}
    assert left < before and len(left) == len(before) - 3 and not old & left
    assert {scene.b_commit, scene.other, scene.revert, scene.undo_b} == left
    for table in ("git_commit_files", "git_hunks", "git_commit_links"):
        assert {r[0] for r in _rows(db, f"SELECT DISTINCT hash FROM {table}")} <= left, table
    # A's commit link went with the commit and with the session; B's edit-window link stays.
    assert _rows(db, "SELECT hash, session_id, evidence FROM git_commit_links") == [
        (scene.b_commit, scene.b.session_id, "edit_window")
    ]
    assert _rows(db, "SELECT hash, by_hash FROM git_rollbacks") == [(scene.b_commit, scene.undo_b)]
    assert _rows(db, "SELECT key FROM file_models") == []  # learned again at the next predict
    assert result.deleted["git_commits"] == 3 and result.deleted["file_models"] == 1
    # The next `ingest --git` reads nothing new: the branch tips did not move.
    again = cli("ingest", "--git", "--db", db, "--json", scene.repo)
    assert again.exit_code == 0, again.stderr
    assert {r[0] for r in _rows(db, "SELECT hash FROM git_commits")} == left


def test_cleanup_command_with_backdated_commits_and_the_configured_retention(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "app")
    old = [
        commit_file(repo, "a.py", "a = 1\n", "feat: first", _days_ago(3000, "+01:00")),
        commit_file(repo, "b.py", "b = 1\n", "fix: second", _days_ago(1000, "-04:00")),
    ]
    recent = commit_file(repo, "a.py", "a = 2\n", "feat: recent")  # now
    db = tmp_path / "store.db"
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    assert len(_rows(db, "SELECT hash FROM git_commits")) == 3

    dry = cli("cleanup", "--dry-run", "--db", db, "--json")
    assert dry.exit_code == 0, dry.stderr
    data = dry.json()
    assert data["commits"]["count"] == 2 and data["commits"]["older_than"] == "730d"
    assert data["sessions"]["count"] == 0 and data["sessions"]["older_than"] == "730d"
    assert data["deleted"]["git_commits"] == 2 and data["deleted"]["git_commit_files"] == 2
    assert data["runs"] == 0 and data["dry_run"] is True
    assert len(_rows(db, "SELECT hash FROM git_commits")) == 3
    text = cli("cleanup", "--dry-run", "--db", db).output
    assert "Would delete 2 commit(s) older than 730d" in text and "Dry run: nothing was deleted." in text

    # The configuration decides without options; an option overrides it.
    assert cli("config", "set", "retention.commits", "100000d").exit_code == 0
    assert cli("cleanup", "--dry-run", "--db", db, "--json").json()["commits"]["count"] == 0
    assert (
        cli("cleanup", "--dry-run", "--db", db, "--json", "--commits-older-than", "2000d").json()["commits"]["count"]
        == 1
    )
    bad = cli("config", "set", "retention.sessions", "soon")
    assert bad.exit_code != 0
    assert cli("config", "unset", "retention.commits").exit_code == 0

    done = cli("cleanup", "--yes", "--db", db)
    assert done.exit_code == 0, done.stderr
    assert "Deleted 2 commit(s) older than 730d" in done.output
    assert _rows(db, "SELECT hash FROM git_commits") == [(recent,)]
    assert _rows(db, "SELECT count(*) FROM git_commit_files WHERE hash IN (?, ?)", tuple(old)) == [(0,)]
    assert _rows(db, "SELECT count(*) FROM git_hunks WHERE hash IN (?, ?)", tuple(old)) == [(0,)]
    assert "No commits older than 730d" in cli("cleanup", "--yes", "--db", db).output


def test_forget_project_deletes_its_repositories_git_history(tmp_path: Path) -> None:
    scene = Scene(tmp_path)
    other = make_repo(tmp_path / "elsewhere")
    kept = commit_file(other, "x.py", "x = 1\n", "init")
    db = tmp_path / "store.db"
    assert cli("ingest", "--db", db, "--no-progress", scene.write(tmp_path / "in")).exit_code == 0
    assert cli("ingest", "--git", "--db", db, scene.repo, other).exit_code == 0
    assert cli("files", "predict", "tune b", "--project", scene.repo, "--db", db).exit_code == 0
    assert cli("files", "predict", "init", "--project", other, "--db", db).exit_code == 0
    assert len(_rows(db, "SELECT key FROM file_models")) == 2
    dry = cli("forget", "project", str(scene.repo), "--dry-run", "--db", db, "--json").json()
    assert dry["deleted"]["git_repositories"] == 1 and dry["deleted"]["git_commits"] == 7
    result = cli("forget", "project", str(scene.repo), "--yes", "--db", db)
    assert result.exit_code == 0, result.stderr
    assert "the git history of 1 repository (7 commits)" in result.output
    assert _rows(db, "SELECT root FROM git_repositories") == [(str(other),)]
    assert _rows(db, "SELECT hash FROM git_commits") == [(kept,)]
    for table in ("git_commit_files", "git_hunks", "git_commit_links", "git_rollbacks"):
        assert _rows(db, f"SELECT count(*) FROM {table} WHERE hash != ?", (kept,)) == [(0,)], table
    assert _rows(db, "SELECT count(*) FROM sessions") == [(0,)]
    assert _rows(db, "SELECT key FROM file_models WHERE key = ?", (str(scene.repo),)) == []
    # A repository no session knows is a project of its own for `forget project`.
    only_git = cli("forget", "project", "elsewhere", "--yes", "--db", db, "--json")
    assert only_git.exit_code == 0, only_git.stderr
    assert only_git.json()["deleted"]["git_commits"] == 1
    assert _rows(db, "SELECT count(*) FROM git_repositories") == [(0,)]
    assert git(other, "rev-parse", "HEAD").strip() == kept  # the repository itself is untouched


def test_forgetting_a_session_drops_every_file_model(tmp_path: Path) -> None:
    """A file model holds the words of the chats it learned: forgetting any session drops them
    all (the history wing's part of forgetting, history/store/forget.sessions_deleted), learned
    again at the next `files predict`; its git history stays."""
    scene = Scene(tmp_path)
    other = make_repo(tmp_path / "elsewhere")
    commit_file(other, "x.py", "x = 1\n", "init")
    db = tmp_path / "store.db"
    assert cli("ingest", "--db", db, "--no-progress", scene.write(tmp_path / "in")).exit_code == 0
    assert cli("ingest", "--git", "--db", db, scene.repo, other).exit_code == 0
    assert cli("files", "predict", "tune b", "--project", scene.repo, "--db", db).exit_code == 0
    assert cli("files", "predict", "init", "--project", other, "--db", db).exit_code == 0
    commits = _rows(db, "SELECT count(*) FROM git_commits")
    assert len(_rows(db, "SELECT key FROM file_models")) == 2
    forgotten = cli("forget", "session", scene.a.session_id, "--yes", "--db", db, "--json")
    assert forgotten.exit_code == 0, forgotten.stderr
    assert forgotten.json()["deleted"]["file_models"] == 2
    assert _rows(db, "SELECT key FROM file_models") == []
    assert _rows(db, "SELECT count(*) FROM git_commits") == commits
