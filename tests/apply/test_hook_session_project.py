"""The hook places a session where learning does (issue 59): a session whose first hook event
had no folder (a Stop) gets its project at its next event that has one, and a session the store
has ingested is in the project its transcript placed it in."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from tests.agents.cursor.test_hooks_cursor import certain_push_lesson
from tests.hook_helpers import HookSession, hook_env, run_hook


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "feat", str(repo)], check=True)
    return repo


def test_a_session_whose_first_event_is_a_stop_without_a_folder_still_meets_its_projects_lessons(
    tmp_path: Path,
) -> None:
    repo = _repo(tmp_path)
    db = tmp_path / "store" / "lessonloop.db"
    certain_push_lesson(repo, db)  # a lesson of this project only
    session = HookSession(repo, hook_env(db))
    stop = session.payload("Stop", stop_hook_active=False)
    del stop["cwd"]  # the first event knows no folder
    assert run_hook("Stop", stop, session.env).returncode == 0
    pre = run_hook(
        "PreToolUse", session.payload("PreToolUse", tool_name="Bash", tool_input={"command": "git push"}), session.env
    )
    assert pre.returncode == 0, pre.stderr
    out = json.loads(pre.stdout)["hookSpecificOutput"]
    assert out["permissionDecision"] == "deny" and "git push -u origin" in out["permissionDecisionReason"]
    with sqlite3.connect(db) as conn:
        (project,) = conn.execute(
            "SELECT project FROM hook_sessions WHERE session_id = ?", (session.session_id,)
        ).fetchone()
    assert project == str(repo)


def test_an_ingested_session_is_in_the_project_its_transcript_placed_it_in(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    db = tmp_path / "store" / "lessonloop.db"
    certain_push_lesson(repo, db)
    session = HookSession(elsewhere, hook_env(db))  # the hook's folder disagrees with the store
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO sessions (id, kind, agent, project) VALUES (?, 'main', 'claude-code', ?)",
            (session.session_id, str(repo)),
        )
    pre = run_hook(
        "PreToolUse", session.payload("PreToolUse", tool_name="Bash", tool_input={"command": "git push"}), session.env
    )
    assert pre.returncode == 0, pre.stderr
    assert json.loads(pre.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"
