"""The learning worker (learning/live/worker.py): the PostToolUse hook stores the call, decides
that there is something to learn, queues it and starts the worker, and returns; the worker learns
what the hook learned in its own process before (the same lessons from the same calls, even when
it runs after later calls were stored), one worker at a time (its lock), and logs its failures
where `lessonloop hooks status` shows them."""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply.hooks.failures import read_failures
from lessonloop.learning.live.worker import wait_idle
from tests.hook_helpers import HookSession, hook_env, no_upstream, run_hook

SED_MISSING = "Exit code 127\n/bin/bash: line 1: sed: command not found"


def _background(env: dict[str, str]) -> dict[str, str]:
    """The hooks' environment as installed: the worker started, not waited for."""
    return {k: v for k, v in env.items() if k != "LESSONLOOP_HOOK_FOREGROUND"}


def _post(session: HookSession, n: int, command: str, error: str | None = None) -> None:
    """One PostToolUse (PostToolUseFailure with `error`) of `session`, without its PreToolUse (a
    warning given would change what later successes count)."""
    tool_input = {"command": command, "description": "run it"}
    fields: dict[str, Any] = {"tool_name": "Bash", "tool_input": tool_input, "tool_use_id": f"toolu_w_{n:03d}"}
    if error is None:
        event = "PostToolUse"
        fields["tool_response"] = {"stdout": "ok", "stderr": "", "interrupted": False, "isImage": False}
    else:
        event = "PostToolUseFailure"
        fields.update(error=error, is_interrupt=False)
    done = run_hook(event, session.payload(event, **fields), session.env)
    assert (done.returncode, done.stdout) == (0, ""), done.stderr


CALLS: list[tuple[str, str | None]] = [
    ("ls", None),
    ("git push", no_upstream("feature-x")),
    ("echo between", None),
    ("git push --set-upstream origin feature-x", None),  # fixes the push: a lesson from the session
    ("sed -n '1,20p' a.txt", SED_MISSING),  # teaches at once
    ("git status", None),
    ("git push", no_upstream("feature-x")),
    ("git push -u origin feature-x", None),  # the same lesson again
    ("echo after", None),
]


def _lessons(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            """SELECT signature, kind, title, prevention, trigger, scope, project, sessions, failed_sessions,
                      observations, round(confidence, 6), tier, status
               FROM lessons ORDER BY signature"""
        ).fetchall()


def test_the_worker_learns_what_the_hook_learned_in_its_own_process(repo: Path, tmp_path: Path) -> None:
    """The same calls, once with the learning done as each call ends (in the hook's process:
    $LESSONLOOP_HOOK_FOREGROUND, as the tests run the hooks) and once with every job left queued
    until all the calls are stored (the worker's lock held meanwhile), then run by a real worker
    process: the same lessons, counted the same."""
    inline_db = tmp_path / "inline" / "lessonloop.db"
    inline = HookSession(repo, hook_env(inline_db))
    queued_db = tmp_path / "queued" / "lessonloop.db"
    queued = HookSession(repo, _background(hook_env(queued_db)))
    queued.session_id = inline.session_id
    for session in (inline, queued):
        assert session.start().returncode == 0
    lock_path = queued_db.parent / "learn.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a worker "at work": the hooks queue their jobs, start none
        for n, (command, error) in enumerate(CALLS):
            _post(inline, n, command, error)
            _post(queued, n, command, error)
        assert _lessons(queued_db) == []  # nothing learned yet: all of it waits in the queue
        jobs = (queued_db.parent / "learn-queue").read_text().splitlines()
        assert len(jobs) >= 3, jobs
    worker = subprocess.run(
        [sys.executable, "-I", "-m", "lessonloop.learning.live.worker"],
        env=queued.env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 0, worker.stderr
    assert not (queued_db.parent / "learn-queue").exists()
    learned = _lessons(inline_db)
    assert any("git push" in row[2] for row in learned) and any("sed" in row[2] for row in learned), learned
    assert _lessons(queued_db) == learned
    for db in (inline_db, queued_db):
        assert not (db.parent / "hook-failures.log").exists(), (db.parent / "hook-failures.log").read_text()


def test_the_next_call_is_warned_once_the_real_worker_is_done(repo: Path, tmp_path: Path) -> None:
    """As installed: the hook starts the worker and returns; once the worker is done (wait_idle:
    nothing queued, no worker holding the lock), the next call is given what it learned. A lesson
    of one failing session is a candidate: one that names its remedy stops the call once in that
    session while the call keeps failing, and in the project's later sessions (issue 80: where the
    repeat happens); once the mistake is made in a second session it is a lesson that stops
    anywhere it applies: in that same session for a lesson learned at once (a program that does not
    exist here), in the next session for the lesson of a failure and its fix (`git push` without
    an upstream)."""
    db = tmp_path / "store" / "lessonloop.db"
    env = _background(hook_env(db))
    first = HookSession(repo, env)
    assert first.start().returncode == 0
    first.bash("sed -n '1,20p' a.txt", error=SED_MISSING)
    assert wait_idle(str(db), timeout=60)
    assert _lessons(db), "the worker learned the sed lesson"
    noted, _ = first.bash("cat b.txt | sed s/a/b/", error=SED_MISSING)
    assert noted.returncode == 0 and "from this session" in noted.context, (noted.stdout, noted.stderr)
    # a one-off that names its remedy stops the repeat in the session it failed in (issue 80)
    assert noted.output is not None and noted.output["hookSpecificOutput"]["permissionDecision"] == "deny"
    first.bash("git push", error=no_upstream("feature-x"))
    first.bash("git push --set-upstream origin feature-x")
    assert wait_idle(str(db), timeout=60)
    second = HookSession(repo, env)
    assert second.start().returncode == 0
    second.bash("sed -n '1,20p' c.txt", error=SED_MISSING)
    assert wait_idle(str(db), timeout=60)
    again, _ = second.bash("cat d.txt | sed s/a/b/", error=SED_MISSING)
    assert again.returncode == 0 and "`sed` is not available here" in again.stdout, (again.stdout, again.stderr)
    assert again.output is not None and again.output["hookSpecificOutput"]["permissionDecision"] == "deny"
    pre, _ = second.bash("git push", error=no_upstream("feature-x"))
    # one failing session so far: a one-off of this project, which names its remedy: it stops once
    assert pre.returncode == 0 and "failed in 1 of 1 sessions" in pre.context, (pre.stdout, pre.stderr)
    assert pre.output is not None and pre.output["hookSpecificOutput"]["permissionDecision"] == "deny"
    second.bash("git push --set-upstream origin feature-x")
    assert wait_idle(str(db), timeout=60)
    third = HookSession(repo, env)
    assert third.start().returncode == 0
    pre, _ = third.bash("git push")
    assert pre.returncode == 0 and "--set-upstream" in pre.context, (pre.stdout, pre.stderr)
    assert pre.output is not None and pre.output["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert not (db.parent / "hook-failures.log").exists()


def test_a_worker_waits_for_the_one_holding_the_lock(repo: Path, tmp_path: Path) -> None:
    """Two workers never learn at once: one started while another holds the lock waits for it,
    then runs what is queued."""
    db = tmp_path / "store" / "lessonloop.db"
    session = HookSession(repo, _background(hook_env(db)))
    assert session.start().returncode == 0
    with open(db.parent / "learn.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _post(session, 1, "sed -n '1,20p' a.txt", SED_MISSING)
        worker = subprocess.Popen(
            [sys.executable, "-I", "-m", "lessonloop.learning.live.worker"],
            env=session.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(0.5)
        assert worker.poll() is None  # waiting for the lock
        assert (db.parent / "learn-queue").exists() and _lessons(db) == []
    assert worker.wait(timeout=120) == 0
    assert not (db.parent / "learn-queue").exists()
    assert any("sed" in row[2] for row in _lessons(db))


def test_a_job_that_fails_is_logged_for_hooks_status_and_the_others_still_run(repo: Path, tmp_path: Path) -> None:
    db = tmp_path / "store" / "lessonloop.db"
    session = HookSession(repo, _background(hook_env(db)))
    assert session.start().returncode == 0
    with open(db.parent / "learn.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        broken = {"call": {"session_id": session.session_id, "status": "error", "error_class": "MISSING_PREREQUISITE",
                           "command": "make"}, "project": session.cwd, "at_once": True}  # fmt: skip  # no id
        with open(db.parent / "learn-queue", "a") as queue:
            queue.write(json.dumps(broken) + "\n" + "not json\n")
        _post(session, 1, "sed -n '1,20p' a.txt", SED_MISSING)
    done = subprocess.run(
        [sys.executable, "-I", "-m", "lessonloop.learning.live.worker"],
        env=session.env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
    assert any("sed" in row[2] for row in _lessons(db))  # the good job ran
    count, failures = read_failures(str(db))
    assert count == 2, failures
    assert {f["event"] for f in failures} == {"learn"}
    assert any("KeyError" in str(f["error"]) and f["session_id"] == session.session_id for f in failures), failures
    assert any("cannot be read" in str(f["error"]) for f in failures), failures
    status = subprocess.run(
        [sys.executable, "-m", "lessonloop", "hooks", "status", "--agent", "claude", "--db", str(db)],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(tmp_path)},
        cwd=repo,
        timeout=120,
        check=False,
    )
    assert "KeyError" in status.stdout, status.stdout


def _workers(db: Path) -> set[int]:
    """The learning workers running on the store at `db` (their /proc entries)."""
    found: set[int] = set()
    store = f"LESSONLOOP_DB={db}".encode()
    for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if b"lessonloop.learning.live.worker" not in handle.read():
                    continue
            with open(f"/proc/{pid}/environ", "rb") as handle:
                if store in handle.read().split(b"\0"):
                    found.add(int(pid))
        except OSError:
            pass
    return found


def test_one_worker_learns_a_sessions_failures_lingering_between_them(repo: Path, tmp_path: Path) -> None:
    """As installed for a person: the worker the first failure started stays a while after its
    queue is empty (worker.LINGER), so the session's next failure is learned by it, not by a
    process started for that call; then it leaves by itself."""
    if not os.path.isdir("/proc"):
        pytest.skip("the workers are found in /proc")
    db = tmp_path / "store" / "lessonloop.db"
    env = {**_background(hook_env(db)), "LESSONLOOP_LEARN_LINGER": "3"}
    session = HookSession(repo, env)
    assert session.start().returncode == 0
    _post(session, 1, "sed -n '1,20p' a.txt", SED_MISSING)
    assert wait_idle(str(db), timeout=60)
    first = _workers(db)
    assert len(first) == 1, first  # done, and still there
    _post(session, 2, "git push", no_upstream("feature-y"))
    _post(session, 3, "git push --set-upstream origin feature-y")
    assert wait_idle(str(db), timeout=60)
    assert _workers(db) == first  # the same process learned the next calls: none was started for them
    assert any("sed" in row[2] for row in _lessons(db))
    deadline = time.monotonic() + 30
    while _workers(db) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _workers(db)  # it left by itself once nothing came for LINGER seconds
    assert not (db.parent / "hook-failures.log").exists()
