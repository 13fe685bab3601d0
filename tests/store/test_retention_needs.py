"""Safe retention (issue 42, item 5): `lessonloop cleanup` keeps what a file model or a link still
needs unless told otherwise, and its dry run names every kind of row it would delete with the
counts the real run then deletes. Real stores: a real repository in a temporary folder read with
`ingest --git`, real Claude Code transcripts (tests/history/test_git_links.py's Scene), real runs of
`lessonloop run` in subprocesses."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.store import open_store
from lessonloop.store.removal.retention import cleanup_history
from tests.conftest import SHARED_CORPUS, cli
from tests.git_helpers import commit_file
from tests.history.test_git_links import Scene
from tests.store.test_history_retention import _days_ago

DAY = 86400.0
# Every run older than 0s, every session and commit of the Scene (2026-11-01) older than a day.
_ALL_OLD = ("--older-than", "0s", "--sessions-older-than", "1d", "--commits-older-than", "1d")


def _rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _counts(db: Path) -> dict[str, int]:
    """Every table of the store (FTS's own left out) with its number of rows."""
    names = [
        str(r[0])
        for r in _rows(
            db,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%_fts%' AND sql NOT LIKE 'CREATE VIRTUAL%'",
        )
    ]
    return {name: int(_rows(db, f'SELECT count(*) FROM "{name}"')[0][0]) for name in names}


def _gone(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {t: n - after.get(t, 0) for t, n in sorted(before.items()) if n > after.get(t, 0)}


def _scene_store(tmp_path: Path, *, model: bool) -> tuple[Scene, Path]:
    scene = Scene(tmp_path)
    db = tmp_path / "store.db"
    assert cli("ingest", "--db", db, "--no-progress", scene.write(tmp_path / "in")).exit_code == 0
    assert cli("ingest", "--git", "--db", db, scene.repo).exit_code == 0
    if model:
        predicted = cli("files", "predict", "tune b", "--project", scene.repo, "--db", db)
        assert predicted.exit_code == 0, predicted.stderr
        assert _rows(db, "SELECT key FROM file_models") == [(str(scene.repo),)]
    return scene, db


def _listed(text: str) -> dict[str, int]:
    """The 'Rows that would be deleted:' / 'Rows deleted:' lines of cleanup's text, by table."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Rows "))
    rows = {}
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        table, count = line.split()
        rows[table] = int(count.replace(",", ""))
    return rows


def test_dry_run_names_every_kind_of_row_and_the_real_run_deletes_exactly_those(tmp_path: Path) -> None:
    scene, db = _scene_store(tmp_path, model=True)
    env = {**os.environ, "LESSONLOOP_DB": str(db), "HOME": str(tmp_path)}
    for _ in range(2):  # real runs, recorded by `lessonloop run` itself
        subprocess.run(
            [sys.executable, "-m", "lessonloop", "run", "--", "true"], env=env, check=True, capture_output=True
        )
    assert _rows(db, "SELECT count(*) FROM runs") == [(2,)]
    commits = int(_rows(db, "SELECT count(*) FROM git_commits")[0][0])
    before = _counts(db)

    # The default: the model learned every commit and may have learned from both sessions (they
    # ran in its repository): they are kept, said so, and only the runs go.
    dry = cli("cleanup", *_ALL_OLD, "--dry-run", "--json", "--db", db)
    assert dry.exit_code == 0, dry.stderr
    data = dry.json()
    assert data["deleted"] == {"runs": 2}
    assert data["sessions"]["count"] == 0 and data["sessions"]["kept"]["count"] == 2
    assert data["commits"]["count"] == 0
    assert data["commits"]["kept"] == {"count": commits, "file_models": {str(scene.repo): commits}, "links": 0}
    text = cli("cleanup", *_ALL_OLD, "--dry-run", "--db", db).output
    assert _listed(text) == {"runs": 2}
    assert f"Kept {commits} commit(s) older than 1d: {commits} learned by the file model of {scene.repo}." in text
    assert "Kept 2 session(s) older than 1d" in text and "--include-needed deletes what is kept too" in text
    assert _counts(db) == before
    done = cli("cleanup", "--yes", *_ALL_OLD, "--json", "--db", db)
    assert done.exit_code == 0, done.stderr
    assert done.json()["deleted"] == {"runs": 2}
    after = _counts(db)
    assert _gone(before, after) == {"runs": 2}

    # --include-needed: the sessions, the commits and the model go; the dry run lists each table.
    before = after
    dry_text = cli("cleanup", *_ALL_OLD, "--include-needed", "--dry-run", "--db", db)
    assert dry_text.exit_code == 0, dry_text.stderr
    dry_data = cli("cleanup", *_ALL_OLD, "--include-needed", "--dry-run", "--json", "--db", db).json()
    listed = _listed(dry_text.output)
    assert listed == dry_data["deleted"]
    for kind in ("sessions", "messages", "tool_calls", "git_commits", "git_commit_files", "git_hunks"):
        assert listed.get(kind, 0) > 0, kind
    assert listed["file_models"] == 1 and listed["git_commit_links"] == 3 and listed["git_rollbacks"] == 2
    assert dry_data["file_models_dropped"] == [str(scene.repo)] and dry_data["commits"]["count"] == commits
    assert "Would drop the file model of" in dry_text.output and "Dry run: nothing was deleted." in dry_text.output
    assert _counts(db) == before
    real = cli("cleanup", "--yes", *_ALL_OLD, "--include-needed", "--db", db)
    assert real.exit_code == 0, real.stderr
    assert _listed(real.output) == listed and "Rows deleted:" in real.output
    after = _counts(db)
    assert _gone(before, after) == listed
    assert after["sessions"] == after["git_commits"] == after["file_models"] == 0


def test_a_link_to_a_session_that_stays_keeps_its_commit(tmp_path: Path) -> None:
    scene, db = _scene_store(tmp_path, model=False)
    # A day before 2026-11-02T09:30: "base a", "base b" and session A's "fix: a" are older.
    conn = open_store(db)
    try:
        dry = cleanup_history(conn, 100000 * DAY, DAY, dry_run=True, now="2026-11-02T09:30:00.000Z")
        assert dry.commits == 2 and dry.commits_kept.by_links == 1 and dry.commits_kept.by_models == {}
        assert dry.deleted["git_commits"] == 2 and "git_commit_links" not in dry.deleted
        done = cleanup_history(conn, 100000 * DAY, DAY, now="2026-11-02T09:30:00.000Z")
        assert done.deleted == dry.deleted
        assert scene.a_commit in {r[0] for r in _rows(db, "SELECT hash FROM git_commits")}
        assert scene.base not in {r[0] for r in _rows(db, "SELECT hash FROM git_commits")}
        # Session A old too: its link goes with it, and its commit is no longer needed.
        both = cleanup_history(conn, DAY, DAY, now="2026-11-02T09:30:00.000Z")
    finally:
        conn.close()
    assert both.sessions == [scene.a.session_id] and both.commits == 1 and both.commits_kept.count == 0
    assert scene.a_commit not in {r[0] for r in _rows(db, "SELECT hash FROM git_commits")}


def test_a_commit_the_model_has_not_learned_goes_without_the_model(tmp_path: Path) -> None:
    scene, db = _scene_store(tmp_path, model=True)
    # Committed after the model learned, dated long ago (a rebase keeps no order): not learned yet.
    late = commit_file(scene.repo, "d.py", "d = 1\n", "add d", _days_ago(3000, "+00:00"))
    assert cli("ingest", "--git", "--db", db, scene.repo).exit_code == 0
    data = cli("cleanup", "--yes", "--commits-older-than", "2000d", "--json", "--db", db).json()
    assert data["commits"]["count"] == 1 and data["file_models_dropped"] == []
    assert data["deleted"] == {"git_commit_files": 1, "git_commits": 1, "git_hunks": 1}
    assert late not in {r[0] for r in _rows(db, "SELECT hash FROM git_commits")}
    assert _rows(db, "SELECT key FROM file_models") == [(str(scene.repo),)]


def test_sessions_holding_a_learned_lessons_last_evidence_are_kept(tmp_path: Path) -> None:
    source = SHARED_CORPUS / "codex" / "codemie"
    if not source.is_dir():
        pytest.skip(f"shared corpus {source} is absent")
    db = tmp_path / "store.db"
    copy = shutil.copytree(source, tmp_path / "codemie")
    assert cli("ingest", "--db", db, "--no-progress", copy).exit_code == 0
    assert cli("learn", "--db", db).exit_code == 0
    learned = {r[0] for r in _rows(db, "SELECT id FROM lessons WHERE origin = 'learned'")}
    assert learned  # the corpus teaches at least one lesson
    holders = {
        r[0]
        for r in _rows(
            db,
            "SELECT DISTINCT coalesce(s.parent_id, s.id) FROM lesson_evidence e JOIN tool_calls t ON t.id = e.tool_use_id "
            "JOIN sessions s ON s.id = t.session_id UNION SELECT session_id FROM lesson_evidence WHERE session_id IS NOT NULL",
        )
    }
    # Every session of 2025 is older than a day: the default keeps those that hold the lessons' evidence.
    data = cli("cleanup", "--sessions-older-than", "1d", "--dry-run", "--json", "--db", db).json()
    kept = data["sessions"]["kept"]["lessons"]
    assert set(kept) == holders and {i for ids in kept.values() for i in ids} == learned
    assert data["lessons_forgotten"] == 0 and "lessons" not in data["deleted"]
    before = _counts(db)
    done = cli("cleanup", "--yes", "--sessions-older-than", "1d", "--json", "--db", db).json()
    assert _gone(before, _counts(db)) == done["deleted"] == data["deleted"]
    assert {r[0] for r in _rows(db, "SELECT id FROM lessons WHERE origin = 'learned'")} == learned
    assert holders <= {r[0] for r in _rows(db, "SELECT id FROM sessions")}
    # --include-needed: they go, and the lessons with them.
    text = cli("cleanup", "--yes", "--sessions-older-than", "1d", "--include-needed", "--db", db).output
    assert f"{len(learned)} learned lesson(s) had no other evidence and were deleted." in text
    assert _rows(db, "SELECT count(*) FROM lessons WHERE origin = 'learned'") == [(0,)]
