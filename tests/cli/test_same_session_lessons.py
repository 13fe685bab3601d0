"""Lessons learned in this session speak in this session (issue 61, item 4), through the PreToolUse
hook as Claude Code runs it: a lesson of one failing session is a candidate (a one-off, never
global), and in its own session it speaks while the call it is about keeps failing there: the same
mistake made again. One that names its remedy stops the call once there, and in the project's
other sessions (issue 80: where the repeat happens); with --warn-only it warns. After a call of
the same intent worked (the fix attempt that fixed it), or once the lesson's remedy ran, it is
silent again."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from tests.hook_helpers import HookRun, HookSession, hook_env, no_upstream

SED_MISSING = "Exit code 127\n/bin/bash: line 1: sed: command not found"
DIALYZER = "Exit code 1\nPre-commit validation failed:\n\n[DIALYZER]\nFinding suitable PLTs\nTotal errors: 1"
COMMIT = "git add -A && git commit -m 'feat: tracing'"


def _warned(run: HookRun) -> str:
    """The warning a PreToolUse hook gave (failing the test on a stop or on silence)."""
    assert run.returncode == 0 and run.output is not None, (run.stdout, run.stderr)
    inner = run.output["hookSpecificOutput"]
    assert "permissionDecision" not in inner, inner  # a warning, never a stop
    return str(inner["additionalContext"])


def _stopped(run: HookRun) -> str:
    """The reason of the stop a PreToolUse hook gave (failing the test on a warning or silence)."""
    assert run.returncode == 0 and run.output is not None, (run.stdout, run.stderr)
    inner = run.output["hookSpecificOutput"]
    assert inner.get("permissionDecision") == "deny", inner
    return str(inner["permissionDecisionReason"])


def _silent(run: HookRun) -> None:
    assert (run.returncode, run.stdout) == (0, ""), (run.stdout, run.stderr)


def _tiers(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT title, tier FROM lessons ORDER BY id").fetchall()


def test_a_program_missing_here_is_said_on_its_next_use_in_the_same_session(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    session = HookSession(repo, hook_env(db))
    first, _ = session.bash("sed -n '1,20p' a.txt", error=SED_MISSING)
    _silent(first)
    ((title, tier),) = _tiers(db)
    assert "`sed` is not available here" in title and tier == "candidate"
    text = _stopped(session.pre("cat b.txt | sed s/a/b/"))
    assert "a lesson from this session says it fails" in text and "`sed` is not available here" in text
    assert "failed earlier in this session" in text
    # --warn-only: the same lesson as a warning
    text = _warned(session.pre("cat c.txt | sed s/a/b/", "--warn-only"))
    assert "a lesson from this session applies" in text and "`sed` is not available here" in text
    # another session of the project: the one-off stops once, from one session
    text = _stopped(HookSession(repo, hook_env(db)).pre("cat b.txt | sed s/a/b/"))
    assert "a lesson from earlier sessions says it fails" in text and "failed in 1 of 1 sessions" in text
    # another project: a one-off is never global, nothing there
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    _silent(HookSession(other, hook_env(db)).pre("cat b.txt | sed s/a/b/"))
    assert not (db.parent / "hook-failures.log").exists()


def test_a_commit_a_check_rejected_is_stopped_until_the_check_ran(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    session = HookSession(repo, hook_env(db))
    session.bash("mix credo --strict")  # the project's checks run with mix
    _silent(session.bash(COMMIT, error=DIALYZER)[0])
    assert [tier for _title, tier in _tiers(db)] == ["candidate"]
    again, _ = session.bash(COMMIT, error=DIALYZER)  # edits between would not change it: the check was not run
    assert "mix dialyzer" in _stopped(again)
    session.bash("mix dialyzer")  # the lesson's remedy
    _silent(session.pre(COMMIT))


def test_the_call_after_a_fix_that_worked_is_not_a_repeat(repo: Path, tmp_path: Path) -> None:
    """`git push` failing for its upstream, then `git push --set-upstream` working: the lesson is
    learned from the failure and its fix; the next push of the session is not warned (the intent
    worked since), nor is the fix itself (its remedy inline)."""
    db = tmp_path / "store" / "lessonloop.db"
    session = HookSession(repo, hook_env(db))
    session.bash("git push", error=no_upstream("feature-x"))
    _silent(session.bash("git push --set-upstream origin feature-x")[0])
    assert any("--set-upstream" in title for title, _tier in _tiers(db)), _tiers(db)
    _silent(session.pre("git push"))
