"""The command line: sessions, show, stats, ingest, their errors and exit statuses (the rules every
command follows: test_cli_consistency.py)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder


@pytest.fixture
def store_with_two_sessions(tmp_path: Path, db_path: Path) -> tuple[Path, TranscriptBuilder, TranscriptBuilder]:
    first = TranscriptBuilder(session_id="aaaa1111-2222-4333-8444-555555555555", cwd="/home/dev/alpha")
    first.prompt("fix the failing test")
    first.bash("pytest -q", "1 failed", exit_code=1)
    first.bash("pytest -q", "3 passed")
    second = TranscriptBuilder(session_id="bbbb1111-2222-4333-8444-555555555555", cwd="/home/dev/beta")
    second.prompt("push it")
    second.bash("git push", "fatal: no upstream", exit_code=128)
    first.write(tmp_path / "in" / "a" / f"{first.session_id}.jsonl")
    second.write(tmp_path / "in" / "b" / f"{second.session_id}.jsonl")
    result = cli("ingest", "--db", db_path, tmp_path / "in")
    assert result.exit_code == 0, result.stderr
    return db_path, first, second


def test_help_and_usage_errors() -> None:
    assert cli("--help").exit_code == 0
    assert "ingest" in cli("--help").output
    assert cli("ingest", "--help").exit_code == 0
    bad = cli("sessions", "--limit", "-3")
    assert bad.exit_code == 2 and "must be 1 or more: -3" in bad.stderr
    assert cli().exit_code == 2  # no command: the help is printed


def test_ingest_prints_a_summary(tmp_path: Path, db_path: Path) -> None:
    t = TranscriptBuilder()
    t.prompt("hello")
    t.bash("ls", "a b")
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    result = cli("ingest", "--db", db_path, tmp_path / "in")
    assert result.exit_code == 0
    for label in ("files", "sessions", "records", "tool calls", "errors", "problems", "MB/s"):
        assert label in result.output


def test_ingest_json_summary(tmp_path: Path, db_path: Path) -> None:
    t = TranscriptBuilder()
    t.prompt("hello")
    t.bash("false", "", exit_code=1)
    path = t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    with open(path, "ab") as handle:
        handle.write(b'{"type": "user", "message": \n')
    data = cli("ingest", "--db", db_path, "--json", tmp_path / "in").json()
    assert data["files"] == {
        "found": 1,
        "read": 1,
        "unchanged": 0,
        "replaced": 0,
        "failed": 0,
        "nothing_read": 0,
        "other_format": 0,
        "read_whole": [],
    }
    assert (data["sessions"], data["tool_calls"], data["tool_errors"], data["prompts"]) == (1, 1, 1, 1)
    assert data["problems"] == [
        {"path": str(path), "line": 4, "code": "truncated-line", "detail": data["problems"][0]["detail"]}
    ]
    assert data["mb_per_second"] >= 0


def test_ingest_exit_status_is_1_only_when_nothing_could_be_read(tmp_path: Path, db_path: Path) -> None:
    missing = cli("ingest", "--db", db_path, tmp_path / "nope")
    assert missing.exit_code == 1
    assert "no such file or folder" in missing.output
    assert "nothing could be read" in missing.stderr
    t = TranscriptBuilder()
    t.prompt("hello")
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    partly = cli("ingest", "--db", db_path, tmp_path / "nope", tmp_path / "in")
    assert partly.exit_code == 0


def test_sessions_lists_and_filters_by_project(
    store_with_two_sessions: tuple[Path, TranscriptBuilder, TranscriptBuilder],
) -> None:
    db, first, second = store_with_two_sessions
    rows = cli("sessions", "--db", db, "--json").json()
    assert [(r["id"], r["prompts"], r["tool_calls"], r["errors"]) for r in rows] == [
        (first.session_id, 1, 2, 1),
        (second.session_id, 1, 1, 1),
    ]
    assert rows[0]["tokens"]["output"] == 20 and rows[0]["model"] == "claude-opus-4-6"
    only_beta = cli("sessions", "--db", db, "--json", "--project", "beta").json()
    assert [r["id"] for r in only_beta] == [second.session_id]
    table = cli("sessions", "--db", db).output
    assert first.session_id[:8] in table and "fix the failing test" in table


def test_show_prints_the_timeline_and_accepts_a_prefix(
    store_with_two_sessions: tuple[Path, TranscriptBuilder, TranscriptBuilder],
) -> None:
    db, first, _second = store_with_two_sessions
    text = cli("show", "--db", db, "aaaa").output
    assert "fix the failing test" in text and "pytest -q" in text and "exit 1" in text
    data = cli("show", "--db", db, "--json", first.session_id).json()
    assert data["session"]["id"] == first.session_id
    assert [item["type"] for item in data["items"]] == ["message", "tool_call", "tool_call"]
    assert [item.get("status") for item in data["items"][1:]] == ["error", "ok"]


def test_show_unknown_or_ambiguous_session_is_an_error(
    store_with_two_sessions: tuple[Path, TranscriptBuilder, TranscriptBuilder],
) -> None:
    db, _first, _second = store_with_two_sessions
    unknown = cli("show", "--db", db, "zzzz")
    assert unknown.exit_code == 2 and "no session matches 'zzzz'" in unknown.stderr
    conn = sqlite3.connect(db)
    conn.execute("UPDATE sessions SET id = 'aaaa9999' WHERE id LIKE 'bbbb%'")
    conn.commit()
    conn.close()
    ambiguous = cli("show", "--db", db, "aaaa")
    assert ambiguous.exit_code == 2 and "ambiguous" in ambiguous.stderr


def test_stats_json_shape(store_with_two_sessions: tuple[Path, TranscriptBuilder, TranscriptBuilder]) -> None:
    db, _first, _second = store_with_two_sessions
    data = cli("stats", "--db", db, "--json").json()
    assert data["sessions"] == 2
    assert data["tools"] == {"Bash": {"calls": 3, "errors": 2}}
    # the cost at Claude Opus 4.6's list prices per MTok: $5 input, $25 output, $6.25 cache write, $0.50 cache read
    cost = round((9 * 5 + 30 * 25 + 300 * 6.25 + 3000 * 0.5) / 1e6, 6)
    assert data["tokens"] == {
        "claude-opus-4-6": {
            "input": 9,
            "output": 30,
            "cache_creation": 300,
            "cache_read": 3000,
            "reasoning": 0,
            "cost_usd": cost,
            "unpriced_calls": 0,
        }
    }
    assert data["cost_usd"] == cost and data["unpriced_calls"] == 0
    beta = cli("stats", "--db", db, "--json", "-p", "beta").json()
    assert beta["sessions"] == 1 and beta["tools"] == {"Bash": {"calls": 1, "errors": 1}}


def test_a_damaged_store_is_reported_with_its_path(tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(b"this is not a database" * 100)
    result = cli("stats", "--db", db)
    assert result.exit_code == 1
    assert str(db) in result.stderr


def test_a_locked_store_is_reported_clearly(
    store_with_two_sessions: tuple[Path, TranscriptBuilder, TranscriptBuilder],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, first, _second = store_with_two_sessions
    monkeypatch.setenv("LESSONLOOP_BUSY_TIMEOUT_MS", "200")
    more = TranscriptBuilder(session_id=first.session_id, cwd=first.cwd)
    more.prompt("and one more")
    with open(tmp_path / "in" / "a" / f"{first.session_id}.jsonl", "ab") as handle:
        handle.write(b"".join(more.lines()))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = cli("ingest", "--db", db, tmp_path / "in")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert "locked" in result.stderr and str(db) in result.stderr
    # Nothing stored was lost, and the next run picks the new line up.
    again = cli("ingest", "--db", db, "--json", tmp_path / "in").json()
    assert again["prompts"] == 1
    assert cli("stats", "--db", db, "--json").json()["sessions"] == 2


def test_the_installed_entry_point_runs(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "lessonloop", "--help"], capture_output=True, text=True, check=True)
    assert "ingest" in result.stdout and "sessions" in result.stdout
    version = subprocess.run(
        [sys.executable, "-m", "lessonloop", "--version"], capture_output=True, text=True, check=True
    )
    assert "lessonloop" in version.stdout
