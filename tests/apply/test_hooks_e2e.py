"""The hooks end to end: real handler processes, recorded payloads, a real store and git repo."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.hook_helpers import HookSession, hook_env, no_upstream

WARN_ONLY = ("--warn-only",)  # the hook's option: warnings only, no stop


def _repo(path: Path, branch: str) -> Path:
    path.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", branch, str(path)], check=True)
    return path


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    return _repo(tmp_path / "project", "feature-x")


def _lessons(db: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT id, title, trigger_text, sessions, failed_sessions, prevented, warnings, tier, status FROM lessons"
        ).fetchall()


def _push_fails_then_works(session: HookSession, branch: str, noted: bool = False) -> None:
    """`git push` fails for want of an upstream, then works with it; the hook says nothing, or
    (`noted`: its lesson failed in one session of the project and names its remedy) stops the push
    once first, and the push sent again unchanged runs, nothing said (issue 80)."""
    if noted:
        stopped = session.pre("git push")
        assert stopped.output is not None and stopped.output["hookSpecificOutput"]["permissionDecision"] == "deny"
        assert "failed in 1 of 1 sessions" in stopped.output["hookSpecificOutput"]["permissionDecisionReason"]
    pre, post = session.bash("git push", error=no_upstream(branch))
    assert (pre.returncode, pre.stdout, post.returncode, post.stdout) == (0, "", 0, "")
    pre, post = session.bash(f"git push --set-upstream origin {branch}", stdout="branch set up")
    assert pre.stdout == "" and post.returncode == 0


@pytest.mark.slow
def test_a_push_lesson_learned_in_two_sessions_stops_the_next_once_and_counts_the_success(
    repo: Path, tmp_path: Path
) -> None:
    """The mistake in one session makes a candidate (never in a session's start; in the project's
    next session it stops the push once, naming its remedy);
    in a second one, an active lesson. The next session begins with it, its `git push` is stopped (the hooks' default: a deny
    with the lesson as the reason), and the push with the flag that follows counts as prevented."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    first = HookSession(repo, env)
    assert first.start().stdout == ""  # nothing learned yet: nothing injected
    _push_fails_then_works(first, "feature-x")
    lessons = _lessons(db)
    assert len(lessons) == 1, lessons
    lesson_id, title, trigger_text, sessions, failed, prevented, warnings, tier, status = lessons[0]
    assert "git push" in str(trigger_text) and "--set-upstream" in str(trigger_text)
    assert (sessions, failed, prevented, warnings, tier, status) == (1, 1, 0, 0, "candidate", "active")
    assert first.stop().returncode == 0  # no transcript file: nothing to ingest, no failure

    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-b", "feature-y"], check=True)
    second = HookSession(repo, env)
    assert second.start().stdout == ""  # a candidate is in no session's start
    _push_fails_then_works(second, "feature-y", noted=True)  # its `git push` stopped once (a one-off)
    (_id, _t, _tt, sessions, failed, prevented, warnings, tier, _status) = _lessons(db)[0]
    # the note was right (the push failed), and the push with the flag after it did what it says
    assert (sessions, failed, prevented, warnings, tier) == (2, 2, 1, 1, "active")
    assert second.stop().returncode == 0

    subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-b", "feature-z"], check=True)
    third = HookSession(repo, env)
    started = third.start()
    assert str(title) in started.context  # the session begins with the lesson
    stopped = third.pre("git push")
    assert stopped.returncode == 0 and stopped.output is not None
    inner = stopped.output["hookSpecificOutput"]
    assert inner["permissionDecision"] == "deny"
    reason = str(inner["permissionDecisionReason"])
    assert "lessonloop" in reason and str(title) in reason and "--set-upstream" in reason
    pre, _post = third.bash("git push -u origin feature-z", stdout="ok")
    assert pre.stdout == ""  # the flag is there: nothing to say
    (_id, _t, _tt, sessions, failed, prevented, warnings, _tier, _status) = _lessons(db)[0]
    assert (prevented, warnings) == (2, 2)
    with sqlite3.connect(db) as conn:
        evidence = conn.execute(
            "SELECT role, session_id FROM lesson_evidence WHERE lesson_id = ? ORDER BY id", (lesson_id,)
        ).fetchall()
        decisions = conn.execute(
            "SELECT event, action, lessons FROM hook_decisions WHERE session_id = ? ORDER BY id", (third.session_id,)
        ).fetchall()
    assert ("prevented", third.session_id) in evidence
    for session in (first, second):
        assert ("failure", session.session_id) in evidence and ("fix", session.session_id) in evidence
    assert decisions == [
        ("SessionStart", "inject", f"[{lesson_id}]"),
        ("PreToolUse", "stop", f"[{lesson_id}]"),
        ("PreToolUse", "none", None),
    ]
    # Another success does not count the same stop twice.
    third.bash("git push -u origin feature-z", stdout="ok")
    assert _lessons(db)[0][5] == 2
    assert not (db.parent / "hook-failures.log").exists()


@pytest.mark.slow
def test_the_same_command_resent_after_it_failed_is_warned_before_it_runs(repo: Path, tmp_path: Path) -> None:
    """The PreToolUse hook warns a call resent as it failed, from the session's own calls (what
    replay's learner does: SessionState.retry_of), and stops once something may have changed."""
    db = tmp_path / "store" / "lessonloop.db"
    session = HookSession(repo, hook_env(db))
    session.start()
    error = "Exit code 2\nerror: unexpected argument '--colour' found"
    pre, _post = session.bash("tool run --colour", error=error)
    assert pre.stdout == ""  # the first time: nothing known
    pre, _post = session.bash("tool run --colour", error=error)
    assert pre.returncode == 0 and "failed moments ago in this session" in pre.context
    assert "unexpected argument '--colour'" in pre.context
    pre, _post = session.bash("tool run --color", stdout="ok")  # another call: nothing to say
    assert "failed moments ago" not in pre.context
    session.bash("touch build.stamp", stdout="")  # a command that may change what the tool meets
    pre, _post = session.bash("tool run --colour", error=error)
    assert "failed moments ago" not in pre.context
    assert not (db.parent / "hook-failures.log").exists()


@pytest.mark.slow
def test_a_lesson_that_worked_again_is_brought_back_only_by_its_own_error(repo: Path, tmp_path: Path) -> None:
    """A general lesson (a program missing here, failing in two sessions) is silent once its
    program worked in the session; the program failing another way (a crash) leaves it silent, its
    own error brings it back (SessionState.satisfied with the lesson's error signature, read from
    the stored calls). The hook warns only here (`--warn-only`): the warned calls run."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    missing = "Exit code 127\nbash: line 1: pyth: command not found"
    crash = "Exit code 1\nTraceback (most recent call last):\nValueError: bad value"
    first = HookSession(repo, env)
    first.start()
    first.bash("pyth a.py", error=missing)
    first.bash("python3 a.py", stdout="ok")  # the remedy: a lesson now, a candidate (one failing session)
    assert [(row[4], row[7]) for row in _lessons(db) if "pyth" in str(row[1])] == [(1, "candidate")], _lessons(db)
    second = HookSession(repo, env)
    second.start()
    pre, _post = second.bash("pyth a.py", missing, "", *WARN_ONLY)
    assert "failed in 1 of 1 sessions" in pre.context  # a candidate: a one-off's note
    second.bash("python3 a.py", stdout="ok")
    assert [(row[4], row[7]) for row in _lessons(db) if "pyth" in str(row[1])] == [(2, "active")], _lessons(db)
    third = HookSession(repo, env)
    third.start()
    pre, _post = third.bash("pyth b.py", None, "ok", *WARN_ONLY)  # installed since
    assert "pyth" in pre.context and "python3" in pre.context
    pre, _post = third.bash("pyth c.py", crash, "", *WARN_ONLY)
    assert "python3" not in pre.context  # it worked since the lesson's error
    pre, _post = third.bash("pyth d.py", None, "ok", *WARN_ONLY)
    assert "python3" not in pre.context  # a crash is not the program missing
    third.bash("pyth e.py", missing, "", *WARN_ONLY)
    pre, _post = third.bash("pyth f.py", None, "ok", *WARN_ONLY)
    assert "python3" in pre.context  # its own error again
    assert not (db.parent / "hook-failures.log").exists()


@pytest.mark.slow
def test_a_stopped_call_sent_again_runs_but_after_an_edit_it_is_stopped_again(repo: Path, tmp_path: Path) -> None:
    """A stop is once per call (the agent insisted: the same call sent again runs), until the
    session edits a file: the call sent after a change is a new attempt, the lesson's check due
    again (a commit refused by a pre-commit check, edited, and sent again unchecked)."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    for branch in ("feature-x", "feature-y"):  # two failing sessions: an active lesson, that stops
        subprocess.run(["git", "-C", str(repo), "checkout", "-q", "-B", branch], check=True)
        learning = HookSession(repo, env)
        learning.start()
        _push_fails_then_works(learning, branch, noted=branch == "feature-y")
        learning.stop()
    session = HookSession(repo, env)
    session.start()

    def denied(run: object) -> bool:
        output = getattr(run, "output", None)
        return output is not None and output["hookSpecificOutput"].get("permissionDecision") == "deny"

    assert denied(session.pre("git push"))
    assert not denied(session.pre("git push"))  # sent again unchanged: it runs
    (repo / "notes.txt").write_text("one\n", encoding="utf-8")
    edit = session.edit(repo / "notes.txt", "one", "two")
    assert not denied(edit)
    assert denied(session.pre("git push"))  # a change since: stopped once more
    assert not denied(session.pre("git push"))
    with sqlite3.connect(db) as conn:
        actions = [
            row[0]
            for row in conn.execute(
                "SELECT action FROM hook_decisions WHERE session_id = ? AND event = 'PreToolUse' ORDER BY id",
                (session.session_id,),
            )
        ]
    assert actions == ["stop", "override", "none", "stop", "override"]
    assert not (db.parent / "hook-failures.log").exists()
