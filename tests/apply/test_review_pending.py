"""Keeping new lessons for review (issue 24, item 4): `lessonloop config set lessons.review true`
makes every new lesson pending, learned by the hooks during a session, by ingest's batch learning
or recorded through MCP; a pending lesson reaches no agent (SessionStart, UserPromptSubmit and
PreToolUse hooks, MCP recall, `recall`, a rules file written by `lessons export`) until `lessons
approve`. Real processes, a real store, a real git repository."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply import mcp_tools
from lessonloop.store import open_store
from tests.hook_helpers import HookSession, hook_env, no_upstream
from tests.transcript_builder import TranscriptBuilder


def _lessonloop(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def _json(env: dict[str, str], *args: str | Path) -> Any:
    done = _lessonloop(env, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _review_on(tmp_path: Path, db: Path) -> dict[str, str]:
    """The hooks' environment, with a configuration of its own where review is turned on by the CLI."""
    env = hook_env(db, LESSONLOOP_CONFIG=str(tmp_path / "config" / "config.toml"), LESSONLOOP_EMBEDDINGS="none")
    done = _lessonloop(env, "config", "set", "lessons.review", "true")
    assert done.returncode == 0, done.stderr
    assert _lessonloop(env, "config", "get", "lessons.review").stdout.strip() == "true"
    return env


def _statuses(db: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, title, status FROM lessons ORDER BY id").fetchall()


def _repo(path: Path, branch: str) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", branch, str(path)], check=True)
    return path


def _push_without_upstream(repo: Path, env: dict[str, str], branch: str) -> None:
    """A session through the hooks: `git push` fails for the branch's missing upstream, then works."""
    session = HookSession(repo, env)
    session.start()
    session.bash("git push", error=no_upstream(branch))
    session.bash(f"git push --set-upstream origin {branch}", stdout="branch set up")


@pytest.mark.slow
def test_a_lesson_learned_by_the_hooks_stays_pending_and_reaches_no_agent_until_approved(tmp_path: Path) -> None:
    """The mistake made in two sessions (one session's lesson is a candidate, given to no agent
    anyway): the lesson is pending though active by its sessions, and reaches no agent until
    approved; then it is given at a session's start and stops the call it is about once (the
    hooks' default for this person's lesson of two failing sessions)."""
    db = tmp_path / "store" / "lessonloop.db"
    env = _review_on(tmp_path, db)
    repo = _repo(tmp_path / "project", "feature-w")
    _push_without_upstream(repo, env, "feature-w")
    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-b", "feature-x"], check=True)
    _push_without_upstream(repo, env, "feature-x")
    [(lesson_id, title, status)] = _statuses(db)
    assert status == "pending"
    with sqlite3.connect(db) as conn:  # what keeps it from the agents is its review alone
        assert conn.execute("SELECT tier, failed_sessions FROM lessons").fetchone() == ("active", 2)

    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-b", "feature-y"], check=True)
    waiting = HookSession(repo, env)
    assert title not in waiting.start().context
    assert title not in waiting.prompt("push this branch: git push").context
    pre, _post = waiting.bash("git push", error=no_upstream("feature-y"))
    assert pre.returncode == 0 and pre.stdout == ""  # no warning (nor stop) from a pending lesson
    assert _json(env, "recall", "git push upstream branch", "--db", db)["results"] == []
    rules = tmp_path / "CLAUDE.md"
    exported = _json(env, "lessons", "export", "--format", "md", "--status", "all", "--to", rules, "--db", db)
    assert (exported["lessons"], exported["not_active_left_out"]) == (0, 1)
    assert title not in rules.read_text()
    conn = open_store(db)
    try:
        assert mcp_tools.recall_lessons(conn, "git push upstream branch", project=str(repo)) == []
    finally:
        conn.close()

    approved = _lessonloop(env, "lessons", "approve", str(lesson_id), "--db", db)
    assert approved.returncode == 0, approved.stderr
    assert _statuses(db)[0][2] == "active"
    given = HookSession(repo, env)
    assert title in given.start().context
    pre, _post = given.bash("git push", error=no_upstream("feature-y"))
    assert title in pre.context
    assert pre.output is not None and pre.output["hookSpecificOutput"]["permissionDecision"] == "deny"
    exported = _json(env, "lessons", "export", "--format", "md", "--to", rules, "--db", db)
    assert exported["lessons"] == 1 and title in rules.read_text()
    assert not (db.parent / "hook-failures.log").exists()


def _push_session(folder: Path, branch: str, day: int) -> Path:
    from datetime import UTC, datetime

    b = TranscriptBuilder(cwd="/home/dev/shop", branch=branch, start=datetime(2026, 11, day, 9, tzinfo=UTC))
    b.prompt("push the branch")
    b.bash("git push", no_upstream(branch).removeprefix("Exit code 128\n"), exit_code=128)
    b.bash(f"git push --set-upstream origin {branch}", "branch set up")
    return b.write(folder / f"{b.session_id}.jsonl")


@pytest.mark.slow
def test_batch_learning_keeps_new_lessons_pending_and_approval_survives_relearning(tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    env = _review_on(tmp_path, db)
    folder = tmp_path / "transcripts"
    _push_session(folder, "feat-a", 1)
    _push_session(folder, "feat-b", 2)
    done = _lessonloop(env, "ingest", folder, "--db", db, "--no-progress")
    assert done.returncode == 0, done.stderr
    lessons = _statuses(db)
    assert lessons and {status for _id, _title, status in lessons} == {"pending"}
    push = next(lesson for lesson in lessons if "git push" in lesson[1])
    assert _json(env, "learn", "--force", "--db", db)["mode"] == "full"
    assert {i: s for i, _t, s in _statuses(db)}[push[0]] == "pending"
    assert _lessonloop(env, "lessons", "approve", str(push[0]), "--db", db).returncode == 0
    assert _json(env, "learn", "--force", "--db", db)["mode"] == "full"
    assert {i: s for i, _t, s in _statuses(db)}[push[0]] == "active"


def test_review_off_by_default_learns_active_lessons(tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db, LESSONLOOP_CONFIG=str(tmp_path / "none.toml"), LESSONLOOP_EMBEDDINGS="none")
    folder = tmp_path / "transcripts"
    _push_session(folder, "feat-a", 1)
    assert _lessonloop(env, "ingest", folder, "--db", db, "--no-progress").returncode == 0
    assert {status for _id, _title, status in _statuses(db)} == {"active"}


def test_a_lesson_recorded_through_mcp_waits_for_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    config = tmp_path / "review.toml"
    config.write_text("[lessons]\nreview = true\n")
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(config))
    conn = open_store(db_path)
    try:
        out = mcp_tools.record_lesson(conn, "Use click.echo in the CLI", "Call click.echo()", scope="global")
        assert out["status"] == "pending"
        assert mcp_tools.recall_lessons(conn, "click.echo in the CLI") == []
    finally:
        conn.close()
