"""The co-change reminder: files git history shows changing with a file the session just edited,
not touched by it, named after the edit (PostToolUse additionalContext), once per session."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.history.cochange import MIN_CONFIDENCE, MIN_SUPPORT, Counts, Reminder, add_commit, reminders
from tests.hook_helpers import HookRun, HookSession, hook_env, run_hook

TOGETHER = MIN_SUPPORT + 1  # commits changing models.py and schema.sql together: above the threshold
SELDOM = MIN_SUPPORT - 1  # commits changing views.py and urls.py together: below it


def git(repo: Path, *args: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="T", GIT_AUTHOR_EMAIL="t@example.com")
    env.update(GIT_COMMITTER_NAME="T", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", *args], cwd=repo, check=True, env=env, capture_output=True)


def commit(repo: Path, n: int, *files: str) -> None:
    for name in files:
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            handle.write(f"change {n}\n")
    git(repo, "add", *files)
    git(repo, "commit", "-q", "-m", f"change {n}: {' '.join(files)}")


@pytest.fixture()
def project(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A real repository whose history is ingested into a real store (`lessonloop ingest --git`)."""
    repo = tmp_path / "project"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    n = 0
    for _ in range(TOGETHER):
        n += 1
        commit(repo, n, "app/models.py", "db/schema.sql")
    for _ in range(SELDOM):
        n += 1
        commit(repo, n, "app/views.py", "app/urls.py")
    for _ in range(3):
        n += 1
        commit(repo, n, "app/views.py")  # views.py alone: urls.py follows it in SELDOM of SELDOM+3
    n += 1
    commit(repo, n, "README.md")
    env = hook_env(tmp_path / "store" / "lessonloop.db")
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--git", str(repo)], env=env, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return repo, env


def edit(session: HookSession, path: Path, n: int) -> HookRun:
    """A successful Edit, as Claude Code reports it after the tool ran (PostToolUse)."""
    tool_input = {"file_path": str(path), "old_string": "change 1", "new_string": "change one"}
    payload = session.payload(
        "PostToolUse",
        tool_name="Edit",
        tool_input=tool_input,
        tool_use_id=f"toolu_{session.session_id[:8]}_{n}",
        tool_response={"filePath": str(path), "oldString": "change 1", "newString": "change one"},
    )
    run = run_hook("PostToolUse", payload, session.env)
    assert run.returncode == 0, run.stderr
    return run


def test_an_edit_of_a_file_that_always_changes_with_another_names_the_other(
    project: tuple[Path, dict[str, str]],
) -> None:
    repo, env = project
    session = HookSession(repo, env)
    assert session.start().returncode == 0
    run = edit(session, repo / "app" / "models.py", 1)
    assert run.output is not None and run.output["hookSpecificOutput"]["hookEventName"] == "PostToolUse"
    assert "db/schema.sql" in run.context and "app/models.py" in run.context
    assert f"{TOGETHER} of the {TOGETHER} commits" in run.context
    # named once per session: the next edit of the same file says nothing
    assert edit(session, repo / "app" / "models.py", 2).output is None
    with sqlite3.connect(env["LESSONLOOP_DB"]) as conn:
        rows = conn.execute(
            "SELECT action, tool_use_id, detail FROM hook_decisions WHERE event = 'PostToolUse'"
        ).fetchall()
    assert [(a, t, json.loads(d)["cochange"]) for a, t, d in rows] == [
        ("remind", f"toolu_{session.session_id[:8]}_1", [["app/models.py", "db/schema.sql", TOGETHER, 1.0]])
    ]


def test_a_partner_the_session_already_changed_is_not_named(project: tuple[Path, dict[str, str]]) -> None:
    repo, env = project
    session = HookSession(repo, env)
    # the other way round: schema.sql names models.py; then models.py, already changed, names nothing
    assert edit(session, repo / "db" / "schema.sql", 1).context.count("app/models.py") == 1
    assert edit(session, repo / "app" / "models.py", 2).output is None
    # another session: reminded of schema.sql at its models.py edit; its schema.sql edit then says nothing
    other = HookSession(repo, env)
    assert "db/schema.sql" in edit(other, repo / "app" / "models.py", 1).context
    assert edit(other, repo / "db" / "schema.sql", 2).output is None


def test_below_the_threshold_it_is_silent(project: tuple[Path, dict[str, str]]) -> None:
    repo, env = project
    session = HookSession(repo, env)
    assert edit(session, repo / "app" / "views.py", 1).output is None  # urls.py: support SELDOM, below MIN_SUPPORT
    assert edit(session, repo / "app" / "urls.py", 2).output is None  # views.py: too seldom too
    assert edit(session, repo / "README.md", 3).output is None  # alone in its one commit


def test_a_file_outside_every_stored_repository_is_silent(project: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    _repo, env = project
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert edit(HookSession(elsewhere, env), elsewhere / "models.py", 1).output is None


def test_the_pure_function_thresholds() -> None:
    counts: Counts = {}
    for _ in range(5):
        add_commit(counts, ["a.py", "b.py"])
    for _ in range(5):
        add_commit(counts, ["a.py"])
    add_commit(counts, [f"f{i}.py" for i in range(31)] + ["a.py", "b.py"])  # a sweep: not counted
    assert counts["a.py"] == (10, {"b.py": 5})
    # support 5, confidence 0.5: found at 0.5, not at 0.6
    assert reminders(counts, ["a.py"], min_support=5, min_confidence=0.5) == [Reminder("a.py", "b.py", 5, 0.5)]
    assert reminders(counts, ["a.py"], min_support=5, min_confidence=0.6) == []
    assert reminders(counts, ["a.py"], min_support=6, min_confidence=0.1) == []
    # b.py -> a.py: 5 of 5
    assert reminders(counts, ["b.py"], min_support=5, min_confidence=0.6) == [Reminder("b.py", "a.py", 5, 1.0)]
    assert reminders(counts, ["b.py", "a.py"]) == []  # both changed
    assert reminders(counts, ["b.py"], already={"a.py"}) == []
    assert MIN_SUPPORT >= 2 and 0 < MIN_CONFIDENCE <= 1
