"""Parallel hooks lose nothing: 20 processes at once (parallel tool calls of one session, several
sessions), 100 hook events each, next to two CPU-bound processes (a loaded machine: waits for the
write lock then last seconds), every event stored exactly once, no lock error surfacing. Events
whose write found the lock taken wait in the spool (apply/hooks/spool.py) and are stored by the
next hook: the store is checked after one more hook event."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.apply.hooks import failures, spool
from tests.hook_helpers import HookSession, hook_env

HOGS = 2  # CPU-bound processes running for the test's duration (the machine has 2 cores in CI)

PROCESSES = 20
EVENTS = 100

# One hook process handling EVENTS events through the real entry point, each with its own
# connection, as EVENTS separate hook processes would (without paying 2,000 interpreter starts).
WORKER = """
import io, json, sys
from lessonloop.apply.hooks import entry

worker, cwd = int(sys.argv[1]), sys.argv[2]
session = f"session-{worker % 4}"
for n in range(int(sys.argv[3])):
    call = f"toolu_w{worker:02d}_{n // 2:03d}"
    event = ("PreToolUse", "PostToolUse" if n % 6 else "PostToolUseFailure")[n % 2]
    payload = {"session_id": session, "cwd": cwd, "hook_event_name": event, "tool_name": "Bash",
               "tool_input": {"command": f"echo {worker} {n}"}, "tool_use_id": call,
               "tool_response": {"stdout": "ok", "stderr": ""}, "error": "Exit code 1\\nboom"}
    class Stdin:
        buffer = io.BytesIO(json.dumps(payload).encode())
    sys.stdin = Stdin()
    assert entry.main([event]) == 0
"""


@pytest.mark.slow
def test_twenty_hook_processes_at_once_store_every_event_once(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    env = hook_env(db)
    last = HookSession(tmp_path, env)
    last.bash("true")  # the store exists, as after the first hook
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(HOGS)]
    try:
        workers = [
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(w), str(tmp_path), str(EVENTS)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for w in range(PROCESSES)
        ]
        for worker in workers:
            _out, err = worker.communicate(timeout=600)
            assert worker.returncode == 0, err.decode()
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    count, logged = failures.read_failures(str(db))
    assert count == 0, logged
    last.bash("true")  # the next hook stores whatever still waits in the spool
    assert spool.pending(str(db)) == []
    calls = PROCESSES * EVENTS // 2
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*), count(DISTINCT id) FROM live_calls WHERE id LIKE 'toolu_w%'").fetchone()
        failed = conn.execute(
            "SELECT count(*) FROM live_calls WHERE id LIKE 'toolu_w%' AND status = 'error'"
        ).fetchone()
        decisions = conn.execute(
            "SELECT count(*), count(DISTINCT tool_use_id) FROM hook_decisions WHERE tool_use_id LIKE 'toolu_w%'"
        ).fetchone()
        per_session = conn.execute(
            "SELECT session_id, count(*), max(seq) FROM live_calls WHERE id LIKE 'toolu_w%' GROUP BY session_id"
        ).fetchall()
    assert stored == (calls, calls)
    assert failed[0] == PROCESSES * len([n for n in range(EVENTS) if n % 2 and n % 6 == 0])
    assert decisions == (calls, calls)
    # arrival order within a session has no gaps or repeats, even with calls stored in parallel
    for session, n, top in per_session:
        assert n == top, (session, n, top)
