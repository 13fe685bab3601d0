"""OpenClaw 2026.8+'s SQLite session store (agents/<agent>/agent/openclaw-agent.sqlite), as the real
OpenClaw 2026.9.6 wrote it (tests/agents/openclaw/data/openclaw_2026_9_6/, PROVENANCE.md): found in a
temporary HOME with no path and read exactly; a later turn re-reads only its session; a session both
in a JSONL file and in the store (`openclaw doctor --session-sqlite import`, data/openclaw_2026_9_6_doctor/)
is stored once; a store that is locked, damaged or not OpenClaw's is no crash. Its tokens against
ccusage 20's: tests/cli/test_costs_ccusage.py."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.agents.openclaw.reader import database, paths
from lessonloop.capture.adapters import DiscoveryContext, Found, UnreadableUnit
from lessonloop.core.records import Problem
from tests.agents.gemini.test_gemini_adapter import ingest, rows
from tests.agents.openclaw.test_openclaw_adapter import SESSION_FILE

DATA = Path(__file__).parent / "data"
STORE = Path(".openclaw") / "agents" / "main" / "agent" / "openclaw-agent.sqlite"
PUSH = "236f57b9-fa28-4da5-8689-7ea92ac89018"  # two turns: the push (one failed call), then `git log`
NUMBERS = "a573cd7e-355c-43bf-a577-dfb8aa367f94"  # `seq 1 3000`: its result kept compressed (zstd)
CWD = "/work/oc_run/f1/shop"
LATER_TURN = 12  # the push session's rows from seq 12 are its second turn, written by a later run


def openclaw_store_home(tmp_path: Path, fixture: str = "openclaw_2026_9_6") -> Path:
    """A HOME where OpenClaw left its store (a copy: SQLite may write its -shm beside it)."""
    home = tmp_path / "home"
    shutil.copytree(DATA / fixture / "home", home)
    return home


def _env(home: Path) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("OPENCLAW_", "CLAWDBOT_"))}, "HOME": str(home)}


def test_ingest_with_no_path_reads_the_store_exactly(tmp_path: Path) -> None:
    home = openclaw_store_home(tmp_path)
    db = tmp_path / "s.db"
    summary = ingest(db, env=_env(home))
    assert summary["problems"] == [] and summary["notices"] == []
    assert summary["files"]["read_whole"] == [{"agent": "openclaw", "files": 1, "sessions": 2}]
    assert rows(db, "SELECT id, agent, kind, cwd, model FROM sessions ORDER BY started_at") == [
        (PUSH, "openclaw", "main", CWD, "harness-model"),
        (NUMBERS, "openclaw", "main", CWD, "harness-model"),
    ]
    assert rows(db, "SELECT session_id, text FROM messages WHERE kind = 'prompt' ORDER BY session_id, seq") == [
        (PUSH, "Push the feature-a branch to origin."),
        (PUSH, "What is the last commit?"),
        (NUMBERS, "Print the numbers from 1 to 3000."),
    ]
    # OpenClaw's exec: the failed push says so only in its text and details (exitCode 128, isError false)
    assert rows(
        db, "SELECT session_id, tool, kind, command, status, exit_code FROM tool_calls ORDER BY session_id, seq"
    ) == [
        (PUSH, "exec", "shell", "git push", "error", 128),
        (PUSH, "exec", "shell", "git push --set-upstream origin feature-a", "ok", 0),
        (PUSH, "exec", "shell", "git log -1 --oneline", "ok", 0),
        (NUMBERS, "exec", "shell", "seq 1 3000", "ok", 0),
    ]
    [(error,)] = rows(db, "SELECT error_text FROM tool_calls WHERE status = 'error'")
    assert error.startswith("fatal: The current branch feature-a has no upstream branch.")
    assert "git push --set-upstream origin feature-a" in error and "Command exited" not in error
    [(numbers,)] = rows(db, "SELECT result_text FROM tool_calls WHERE session_id = ?", NUMBERS)
    assert numbers.startswith("1\n2\n3\n4\n")  # decoded from event_zstd
    # per assistant message, what the harness's model server reported (requests 1-3, 6-7; 4-5)
    assert rows(
        db,
        """SELECT session_id, count(*), sum(input_tokens), sum(output_tokens), sum(cache_creation_tokens),
                  sum(cache_read_tokens), sum(cost_usd), min(model) FROM token_usage GROUP BY 1 ORDER BY 1""",
    ) == [
        (PUSH, 5, 5323, 157, 0, 256, 0.0, "harness-model"),
        (NUMBERS, 2, 2153, 67, 0, 192, 0.0, "harness-model"),
    ]
    assert rows(db, "SELECT format, count(*) FROM source_files GROUP BY 1") == [("openclaw-db", 2)]


def _take_out_later_turn(store: Path) -> list[tuple[object, ...]]:
    """The push session's second turn out of the copy: the store as it was before the run that
    wrote it (PROVENANCE.md: the same rows as OpenClaw's store then). Its rows are returned."""
    conn = sqlite3.connect(store)
    try:
        later = conn.execute(
            "SELECT * FROM transcript_events WHERE session_id = ? AND seq >= ? ORDER BY seq", (PUSH, LATER_TURN)
        ).fetchall()
        conn.execute("DELETE FROM transcript_events WHERE session_id = ? AND seq >= ?", (PUSH, LATER_TURN))
        conn.commit()
    finally:
        conn.close()
    return later


def _append(store: Path, later: list[tuple[object, ...]]) -> None:
    conn = sqlite3.connect(store)
    try:
        conn.execute("PRAGMA ignore_check_constraints = ON")  # its checks call functions newer than this SQLite's
        conn.executemany(f"INSERT INTO transcript_events VALUES ({', '.join('?' * len(later[0]))})", later)
        conn.commit()
    finally:
        conn.close()


def test_a_later_turn_rereads_only_its_session(tmp_path: Path) -> None:
    home = openclaw_store_home(tmp_path)
    store = home / STORE
    later = _take_out_later_turn(store)
    assert len(later) == 6
    db = tmp_path / "s.db"
    first = ingest(db, env=_env(home))
    assert (first["files"]["read"], first["files"]["unchanged"]) == (2, 0)
    assert rows(db, "SELECT count(*) FROM tool_calls WHERE session_id = ?", PUSH) == [(2,)]
    again = ingest(db, env=_env(home))
    assert (again["files"]["read"], again["files"]["unchanged"]) == (0, 2)

    _append(store, later)
    after = ingest(db, env=_env(home))
    assert (after["files"]["read"], after["files"]["unchanged"]) == (1, 1)
    assert after["problems"] == []
    assert rows(db, "SELECT kind, count(*) FROM messages WHERE session_id = ? GROUP BY 1 ORDER BY 1", PUSH) == [
        ("assistant", 2),
        ("prompt", 2),
    ]
    assert rows(db, "SELECT command, status FROM tool_calls WHERE session_id = ? ORDER BY seq", PUSH)[-1] == (
        "git log -1 --oneline",
        "ok",
    )
    assert rows(db, "SELECT session_id, count(*), sum(input_tokens) FROM token_usage GROUP BY 1 ORDER BY 1") == [
        (PUSH, 5, 5323),
        (NUMBERS, 2, 2153),
    ]


def test_a_session_in_a_jsonl_file_and_in_the_store_is_stored_once(tmp_path: Path) -> None:
    """`openclaw doctor --session-sqlite import` copied the JSONL session of data/clawdbot/ into the
    store, with the same ids (and `provider` "openai-codex" made "openai"); with the JSONL file
    back in sessions/ (OpenClaw 2026.8 before the import, or a copy) both are read, and the
    store keeps the session once: its figures are the JSONL file's alone."""
    home = openclaw_store_home(tmp_path, "openclaw_2026_9_6_doctor")
    sessions = home / ".openclaw" / "agents" / "main" / "sessions"
    sessions.mkdir()
    shutil.copy(SESSION_FILE, sessions / SESSION_FILE.name)
    db = tmp_path / "s.db"
    summary = ingest(db, env=_env(home))
    assert summary["problems"] == [] and summary["files"]["found"] == 2
    assert rows(db, "SELECT id, agent FROM sessions") == [(SESSION_FILE.stem, "openclaw")]
    assert rows(
        db, "SELECT count(*), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens) FROM token_usage"
    ) == [(10, 82040, 1620, 123904)]
    assert rows(db, "SELECT count(*) FROM messages WHERE kind = 'prompt'") == [(16,)]
    assert rows(db, "SELECT status, count(*) FROM tool_calls GROUP BY 1 ORDER BY 1") == [("error", 3), ("ok", 3)]


def test_found_in_each_agents_folder_and_claimed_by_its_name(tmp_path: Path) -> None:
    home = openclaw_store_home(tmp_path)
    state = tmp_path / "state"
    shutil.copytree(home / ".openclaw", state)
    found = paths.discover(DiscoveryContext(environ={"OPENCLAW_STATE_DIR": str(state)}, home=str(home)))
    assert found == [
        Found(str(state / "agents" / "main" / "agent" / "openclaw-agent.sqlite"), paths.DATABASE),
        Found(str(home / STORE), paths.DATABASE),
    ]
    assert paths.claims(str(tmp_path / "elsewhere" / "openclaw-agent.sqlite")) == paths.DATABASE


def test_a_damaged_or_foreign_store_is_a_problem_naming_it(tmp_path: Path) -> None:
    real = (DATA / "openclaw_2026_9_6" / "home" / STORE).read_bytes()
    cut = tmp_path / "cut.sqlite"
    cut.write_bytes(real[:4096] + b"\0" * 8192)  # its first page, then nothing
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    foreign = tmp_path / "foreign.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    problems: list[Problem] = []
    assert database.units([str(cut), str(empty), str(foreign)], problems) == []
    assert [(p.path, p.code) for p in problems] == [
        (str(cut), "unreadable-file"),
        (str(empty), "unreadable-file"),
        (str(foreign), "unreadable-file"),
    ]
    assert "malformed" in problems[0].detail and "no transcript_events table" in problems[2].detail

    home = tmp_path / "home"
    (home / STORE).parent.mkdir(parents=True)
    shutil.copy(cut, home / STORE)
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--db", str(tmp_path / "s.db"), "--no-analyze", "--json"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in done.stderr
    assert str(home / STORE) in done.stdout + done.stderr


def test_a_locked_store_is_read_from_a_copy_and_a_session_gone_unreadable_keeps_what_was_stored(
    tmp_path: Path,
) -> None:
    home = openclaw_store_home(tmp_path)
    store = home / STORE
    writer = sqlite3.connect(store, isolation_level=None)
    try:
        writer.execute("PRAGMA locking_mode = EXCLUSIVE")
        writer.execute("BEGIN EXCLUSIVE")  # OpenClaw in the middle of a write that holds the file
        problems: list[Problem] = []
        units = database.units([str(store)], problems)  # busy for SQLite's 5 s, then a copy is read
        assert problems == [] and [u.path.rsplit("#", 1)[1] for u in units] == [PUSH, NUMBERS]
        assert [len(u.read().tool_calls) for u in units] == [3, 1]
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    units = database.units([str(store)], problems)
    renamer = sqlite3.connect(store)
    renamer.execute("ALTER TABLE transcript_events RENAME TO moved")  # gone between listing and reading
    renamer.close()
    with pytest.raises(UnreadableUnit) as refused:  # ingest then keeps what the session stored
        units[0].read()
    assert refused.value.problem.path == f"{store}#{PUSH}" and refused.value.problem.code == "unreadable-file"
    with pytest.raises(UnreadableUnit):
        units[1].read()  # the last: the database is closed after it
