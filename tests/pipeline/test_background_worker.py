"""`ingest` captures and returns; the store's worker analyzes and learns (issue 62, items 2 and 3;
pipeline/background). Real processes on real stores: the worker started by `ingest` reaches the
lessons and findings of an ingest that waits; a worker killed with SIGKILL at any moment leaves a
store the next worker completes to the same; a read and a hook racing a worker lose nothing;
`lessons export` waits for it, `lessons list` says how far the lessons trail, `status` shows it."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lessonloop.pipeline.background.worker import is_running
from tests.conftest import REPO_ROOT
from tests.hook_helpers import HookSession, hook_env
from tests.learning_helpers import no_upstream
from tests.transcript_builder import TranscriptBuilder

SPOTTER = REPO_ROOT.parent / "shared" / "corpus" / "claude-code" / "spotter"


def _env(db: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "LESSONLOOP_INGEST_WAIT"}
    env.update(LESSONLOOP_DB=str(db), **more)
    return env


def _lessonloop(env: dict[str, str], *words: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", *words], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return done


def _settled(db: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while is_running(str(db)):
        assert time.monotonic() < deadline, "the background worker did not finish"
        time.sleep(0.05)


def _outcome(db: Path) -> dict[str, object]:
    """What analysis and learning left in the store: the lessons (signature, tier, status, failing
    sessions), the findings and signals by kind, the analyzed sessions' fingerprints; and the
    texts stored (messages and calls with them, files still without them)."""
    conn = sqlite3.connect(db)
    try:
        return {
            "lessons": sorted(
                conn.execute(
                    "SELECT signature, tier, status, round(confidence, 3), observations FROM lessons ORDER BY signature"
                ).fetchall()
            ),
            "findings": sorted(conn.execute("SELECT kind, count(*) FROM findings GROUP BY kind").fetchall()),
            "signals": conn.execute("SELECT count(*) FROM analysis_signals").fetchone()[0],
            # the texts, stored by the worker after an `ingest` that stored figures first
            "texts": conn.execute(
                "SELECT (SELECT count(text) FROM messages), (SELECT count(input_json) FROM tool_calls),"
                " (SELECT count(*) FROM source_files WHERE texts_withheld = 1)"
            ).fetchone(),
        }
    finally:
        conn.close()


def _pushes(folder: Path, sessions: int = 3) -> Path:
    """Sessions that each push a branch without an upstream and fix it: a lesson to learn."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(sessions):
        t = TranscriptBuilder(cwd="/home/dev/project", start=datetime(2026, 11, 1 + n, 9, tzinfo=UTC))
        t.prompt(f"push the branch {n}")
        t.bash("git push", no_upstream(f"feature-{n}"), exit_code=128)
        t.bash(f"git push --set-upstream origin feature-{n}", "done")
        t.write(folder / f"{t.session_id}.jsonl")
    return folder


@pytest.fixture
def transcripts(tmp_path: Path) -> Path:
    if SPOTTER.is_dir():  # real sessions: seconds of analysis and learning, so a kill lands mid-way
        copy = tmp_path / "transcripts"
        shutil.copytree(SPOTTER, copy)
        return copy
    return _pushes(tmp_path / "transcripts")


@pytest.fixture
def reference(tmp_path: Path, transcripts: Path) -> dict[str, object]:
    """The outcome of an ingest that waits, the way every ingest ran before the worker."""
    db = tmp_path / "reference.db"
    _lessonloop(_env(db), "ingest", "--wait", str(transcripts))
    outcome = _outcome(db)
    assert outcome["lessons"], "the transcripts teach something"
    return outcome


def test_ingest_returns_after_capture_and_the_worker_reaches_the_same_lessons(
    tmp_path: Path, transcripts: Path, reference: dict[str, object]
) -> None:
    db = tmp_path / "store.db"
    done = _lessonloop(_env(db), "ingest", "--json", str(transcripts))
    report = json.loads(done.stdout)
    assert report["background"]["worker"] in ("started", "running")
    assert "analysis" not in report and "learning" not in report  # left to the worker
    _settled(db)
    assert _outcome(db) == reference
    text = _lessonloop(_env(db), "ingest", str(transcripts)).stdout  # nothing new: no worker asked for
    assert "in the background" not in text
    assert not is_running(str(db))
    status = json.loads(_lessonloop(_env(db), "status", "--json").stdout)
    assert status["worker"]["running"] is False and status["worker"]["phase"] == "done"
    assert status["lag"]["behind"] is False
    assert "current" in _lessonloop(_env(db), "status").stdout


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.6, 1.0])
def test_a_worker_killed_at_any_moment_leaves_a_store_the_next_one_completes(
    tmp_path: Path, transcripts: Path, reference: dict[str, object], delay: float
) -> None:
    db = tmp_path / "store.db"
    report = json.loads(_lessonloop(_env(db), "ingest", "--json", str(transcripts)).stdout)
    pid = report["background"]["pid"]
    assert isinstance(pid, int)
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):  # it had finished: the next worker finds nothing to do
        os.kill(pid, signal.SIGKILL)
    _wait_gone(pid)
    status = json.loads(_lessonloop(_env(db), "status", "--json").stdout)
    assert status["worker"]["running"] is False
    # the next worker (as `ingest` or a read would start it) goes on from the store's marks
    subprocess.run(
        [sys.executable, "-m", "lessonloop.pipeline.background.worker", "--db", str(db)],
        env=_env(db),
        check=True,
        timeout=300,
    )
    assert _outcome(db) == reference
    assert json.loads(_lessonloop(_env(db), "status", "--json").stdout)["lag"]["behind"] is False


def _wait_gone(pid: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        with contextlib.suppress(ChildProcessError):  # our own child's zombie, when we started it
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.02)


def test_a_read_and_a_hook_racing_the_worker_lose_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    projects = home / ".claude" / "projects" / "-home-dev-project"
    _pushes(projects, sessions=4)
    db = home / "store.db"
    env = _env(db, HOME=str(home))
    env.pop("LESSONLOOP_REFRESH", None)
    _lessonloop(env, "ingest")  # the worker starts
    # meanwhile: a new session written, read by `stats` (its refresh), and a hook's live call
    t = TranscriptBuilder(cwd="/home/dev/project", start=datetime(2026, 11, 9, 9, tzinfo=UTC))
    t.prompt("push again")
    t.bash("git push", no_upstream("feature-9"), exit_code=128)
    t.write(projects / f"{t.session_id}.jsonl")
    session = HookSession(tmp_path, hook_env(db))
    hooked = session.bash("make lint", error="make: *** [lint] Error 2")
    reads = json.loads(_lessonloop(env, "stats", "--json").stdout)
    assert reads["sessions"] == 5
    assert all(run.returncode == 0 for run in hooked)
    _settled(db)
    conn = sqlite3.connect(db)
    try:
        calls = conn.execute("SELECT count(*) FROM tool_calls").fetchone()[0]
        live = conn.execute("SELECT count(*) FROM live_calls WHERE session_id = ?", (session.session_id,)).fetchone()[0]
    finally:
        conn.close()
    assert calls == 4 * 2 + 1  # every transcript's calls, the new session's too
    assert live == 1  # the hook's call, kept until its transcript is read
    status = json.loads(_lessonloop(env, "status", "--json").stdout)
    assert status["lag"]["behind"] is False
    # and what the worker learned is what an ingest that waits learns from the same transcripts
    again = tmp_path / "again.db"
    _lessonloop(_env(again), "ingest", "--wait", str(projects))
    assert _outcome(db)["lessons"] == _outcome(again)["lessons"]


def _exported(env: dict[str, str], *more: str) -> list[dict[str, object]]:
    """`lessons export`'s records, their live confidence to 3 decimals (it decays by the second)."""
    records = [json.loads(line) for line in _lessonloop(env, "lessons", "export", *more).stdout.splitlines()]
    for record in records:
        record["confidence"] = round(float(record["confidence"]), 3)
    return records


def test_export_waits_for_the_worker_and_list_says_what_trails(tmp_path: Path) -> None:
    transcripts = _pushes(tmp_path / "transcripts")
    waited = tmp_path / "waited.db"
    _lessonloop(_env(waited), "ingest", "--wait", str(transcripts))
    expected = _exported(_env(waited))
    assert expected
    db = tmp_path / "store.db"
    _lessonloop(_env(db), "ingest", str(transcripts))
    assert _exported(_env(db)) == expected  # waited for the worker (or did its work)
    _settled(db)
    # captured, not analyzed (--no-analyze starts no worker): the lessons trail, and say so
    behind = tmp_path / "behind.db"
    _lessonloop(_env(behind), "ingest", "--no-analyze", str(transcripts))
    listed = _lessonloop(_env(behind), "lessons", "list")
    assert "the lessons trail the stored sessions" in listed.stderr
    assert "`lessonloop ingest --wait`" in listed.stderr
    note = _lessonloop(_env(behind), "lessons", "export", "--no-wait")
    assert note.stdout.strip() == "" and "trail" in note.stderr
    assert "not analyzed yet" in _lessonloop(_env(behind), "status").stdout
    waiting = _lessonloop(_env(behind), "lessons", "export")  # off a terminal: a line says why it waits
    assert "Note: waiting for the lessons to catch up (" in waiting.stderr, waiting.stderr
    assert _exported(_env(behind)) == expected  # waiting did the work here
