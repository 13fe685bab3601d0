"""`lessonloop runs`, `runs show`, `feedback`, `cleanup`, and `forget project` taking a project's
runs: the real command line on real store files holding runs recorded by runs/store/writer.py."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.runs.store.writer import record_run
from lessonloop.store import open_store
from tests.conftest import cli
from tests.runs.test_run_store import AWS_KEY, finding, make_result
from tests.transcript_builder import TranscriptBuilder


def _rows(db: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


@pytest.fixture
def runs_db(tmp_path: Path) -> dict[str, Any]:
    """A store with three runs: two of pytest in /home/dev/app (the first with matches and a
    finding, long ago), one of `npm test` in /home/dev/web."""
    db = tmp_path / "store" / "lessonloop.db"
    conn = open_store(db)
    try:
        old = make_result(started_at="2025-01-01T10:00:00.000Z")
        old.matches[0].text = f"FAILED tests/test_x.py::test_0 with key {AWS_KEY}"
        first = record_run(
            conn,
            old,
            command="pytest -q tests/test_x.py",
            command_norm="pytest",
            project="/home/dev/app",
            findings=[finding()],
        )
        passing = make_result(started_at="2026-11-02T10:00:00.000Z", matches=0)
        passing.reason, passing.status, passing.child_status, passing.stopped = "exit", 0, 0, False
        passing.pattern_counts = {}
        second = record_run(
            conn, passing, command="pytest -q tests/test_y.py", command_norm="pytest", project="/home/dev/app"
        )
        web = make_result(started_at="2026-11-03T10:00:00.000Z", argv=["npm", "test"], cwd="/home/dev/web", matches=1)
        web.reason, web.status = "idle_timeout", 124
        third = record_run(conn, web, command="npm test", command_norm="npm test", project="/home/dev/web")
    finally:
        conn.close()
    return {"db": db, "ids": (first, second, third)}


# --- runs ----------------------------------------------------------------------------------------


def test_runs_lists_newest_first_as_a_table_and_json(runs_db: dict[str, Any]) -> None:
    db = runs_db["db"]
    first, second, third = runs_db["ids"]
    text = cli("runs", "--db", db)
    assert text.exit_code == 0, text.stderr
    header = text.output.splitlines()[0]
    for column in ("ID", "STARTED", "COMMAND", "STATUS", "REASON", "DURATION", "FIRST OUT", "LINES", "MATCHES"):
        assert column in header
    lines = text.output.splitlines()[1:4]
    assert [int(line.split()[0]) for line in lines] == [third, second, first]
    assert "idle_timeout" in lines[0] and "npm test" in lines[0] and "124" in lines[0]
    assert "12.3s" in lines[0] and "0.25s" in lines[0] and "120/3" in lines[0]
    assert "error (stopped)" not in text.output and "error" in lines[2]
    assert "3 run(s)" in text.output
    data = cli("runs", "--db", db, "--json").json()
    assert [r["id"] for r in data] == [third, second, first]
    assert data[0]["reason"] == "idle_timeout" and data[0]["settings"]["mode"] == "pipes"
    # `runs list` is the same; --json given before the subcommand is kept.
    assert cli("runs", "list", "--db", db, "--json").json() == data
    assert cli("runs", "--json", "--db", db, "list").json() == data


def test_runs_filters(runs_db: dict[str, Any]) -> None:
    db = runs_db["db"]
    first, second, third = runs_db["ids"]

    def ids(*args: str) -> list[int]:
        result = cli("runs", "--db", db, "--json", *args)
        assert result.exit_code == 0, result.stderr
        return [r["id"] for r in result.json()]

    assert ids("--command", "pytest") == [second, first]
    assert ids("--command", "test_y") == [second]  # a part of the raw command
    assert ids("-n", "1") == [third]
    assert ids("-p", "web") == [third]
    assert ids("list", "--project", "/home/dev/app", "--limit", "1") == [second]
    assert ids("--command", "cargo") == []
    assert "No run matches --command 'cargo'; 3 runs recorded" in cli("runs", "--db", db, "--command", "cargo").output
    assert ids("-p", "WEB") == [third]  # letter case is ignored when the name only contains the value
    # One rule for every --project (store/projects/names.py): none or several is a usage error (2)
    # naming the candidates.
    unknown = cli("runs", "--db", db, "-p", "nowhere")
    assert unknown.exit_code == 2 and "no project matches 'nowhere'" in unknown.stderr
    assert "/home/dev/app" in unknown.stderr and "/home/dev/web" in unknown.stderr
    several = cli("runs", "--db", db, "-p", "/home/dev")
    assert several.exit_code == 2
    assert "project '/home/dev' matches 2 projects: /home/dev/app, /home/dev/web" in several.stderr


def test_runs_on_an_empty_store(tmp_path: Path) -> None:
    open_store(tmp_path / "lessonloop.db").close()
    result = cli("runs", "--db", tmp_path / "lessonloop.db")
    assert result.exit_code == 0
    assert "No runs recorded yet" in result.output
    assert cli("runs", "--db", tmp_path / "lessonloop.db", "--json").json() == []


def test_runs_show_text_and_json(runs_db: dict[str, Any]) -> None:
    db = runs_db["db"]
    first = runs_db["ids"][0]
    result = cli("runs", "show", str(first), "--db", db)
    assert result.exit_code == 0, result.stderr
    text = result.output
    assert text.startswith(f"Run {first}: pytest -q tests/test_x.py\n")
    assert (
        "  ended          error: status 1: stopped early at the first failure (pytest would have exited 1: "
        "tests failed); pytest was ended by lessonloop's SIGTERM\n"
    ) in text
    assert "duration 12.3s, first output 0.25s, first match 11.5s" in text
    assert "stdout 120 lines (4.5 kB), stderr 3 lines (89 B)" in text
    assert "mode pipes, profile pytest, timeout 5m00s, idle timeout 30.0s" in text
    assert "longest 4.50s, 2 of 1 s or more: 4.50s at 3.00s, 1.12s at 8.25s" in text
    assert "  error       2 matches  FAILED\n  error       0 matches  Traceback\n" in text
    assert "#1 error on stdout line 100, at 11.5s: /FAILED/" in text
    assert "       98 | line 98\n" in text
    assert "    > 100 | FAILED tests/test_x.py::test_0 with key [REDACTED:aws-access-key-id]\n" in text
    assert "      101 | line 101\n" in text
    assert "Findings:\n" in text and "medium pytest tests/test_x.py:12: FAILED tests/test_x.py::test_0" in text
    assert AWS_KEY not in text
    data = cli("runs", "--json", "show", f"#{first}", "--db", db).json()
    assert data["id"] == first
    assert data["matches"][0]["line"] == 100 and data["matches"][0]["before"] == ["line 98", "line 99"]
    assert data["patterns"][0] == {"kind": "error", "pattern": "FAILED", "matches": 2}
    assert data["findings"][0]["rule"] == "pytest"
    passing = cli("runs", "show", str(runs_db["ids"][1]), "--db", db).output
    assert "No matches." in passing and "Findings" not in passing
    missing = cli("runs", "show", "999", "--db", db)
    assert missing.exit_code == 2 and "no run has the id 999" in missing.stderr
    assert cli("runs", "show", "abc", "--db", db).exit_code == 2


# --- feedback ------------------------------------------------------------------------------------


def test_feedback_records_rating_verdict_and_note(runs_db: dict[str, Any]) -> None:
    db = runs_db["db"]
    run_id = runs_db["ids"][2]
    result = cli("feedback", str(run_id), "--rating", "2", "--should-have-waited", "--db", db)
    assert result.exit_code == 0, result.stderr
    assert result.output.strip() == f"Run {run_id} (npm test): rating 2/5, should have waited."
    data = cli("feedback", str(run_id), "--note", "slow CI", "--db", db, "--json").json()
    assert (data["rating"], data["verdict"], data["feedback_note"]) == (2, "should_have_waited", "slow CI")
    data = cli("feedback", str(run_id), "--should-have-stopped", "--db", db, "--json").json()
    assert data["verdict"] == "should_have_stopped"
    assert _rows(db, "SELECT rating, verdict, feedback_note FROM runs WHERE id = ?", (run_id,)) == [
        (2, "should_have_stopped", "slow CI")
    ]
    listed = cli("runs", "--db", db).output.splitlines()[1]
    assert listed.rstrip().endswith("2")
    assert (
        "feedback       rating 2/5, should have stopped, note: slow CI"
        in cli("runs", "show", str(run_id), "--db", db).output
    )


def test_feedback_errors(runs_db: dict[str, Any], tmp_path: Path) -> None:
    db = runs_db["db"]
    run_id = str(runs_db["ids"][0])
    nothing = cli("feedback", run_id, "--db", db)
    assert nothing.exit_code == 1 and "nothing to record" in nothing.stderr
    both = cli("feedback", run_id, "--should-have-waited", "--should-have-stopped", "--db", db)
    assert both.exit_code == 2 and "not allowed with" in both.stderr
    for rating in ("0", "6", "x"):
        bad = cli("feedback", run_id, "--rating", rating, "--db", db)
        assert bad.exit_code == 2 and "from 1 to 5" in bad.stderr
    missing = cli("feedback", "999", "--rating", "3", "--db", db)
    assert missing.exit_code == 2 and "no run has the id 999" in missing.stderr
    no_store = cli("feedback", "1", "--rating", "3", "--db", tmp_path / "none.db")
    assert no_store.exit_code == 1 and not (tmp_path / "none.db").exists()
    assert _rows(db, "SELECT count(*) FROM runs WHERE feedback_at IS NOT NULL") == [(0,)]


# --- cleanup -------------------------------------------------------------------------------------


def test_cleanup_dry_run_then_for_real(runs_db: dict[str, Any]) -> None:
    db = runs_db["db"]
    first, second, third = runs_db["ids"]
    # The default: runner.retention, 90d; the first run is from 2025.
    dry = cli("cleanup", "--dry-run", "--db", db, "--json")
    assert dry.exit_code == 0, dry.stderr
    data = dry.json()
    assert (data["older_than"], data["runs"], data["matches"], data["patterns"], data["findings_unlinked"]) == (
        "90d",
        1,
        2,
        4,
        1,
    )
    assert data["dry_run"] is True
    assert _rows(db, "SELECT count(*) FROM runs") == [(3,)]
    text = cli("cleanup", "--dry-run", "--db", db).output
    assert text.startswith("Would delete 1 run(s) older than 90d")
    assert "Dry run: nothing was deleted." in text
    done = cli("cleanup", "--yes", "--db", db)
    assert done.exit_code == 0
    assert done.output.startswith("Deleted 1 run(s) older than 90d")
    assert "1 finding(s) of theirs were kept, no longer tied to a run." in done.output
    assert [r[0] for r in _rows(db, "SELECT id FROM runs ORDER BY id")] == [second, third]
    assert _rows(db, "SELECT run_id FROM findings") == [(None,)]
    assert cli("cleanup", "--yes", "--db", db).output.startswith("No runs older than 90d")
    assert first not in [r["id"] for r in cli("runs", "--db", db, "--json").json()]


def test_cleanup_older_than_and_the_configured_retention(runs_db: dict[str, Any], tmp_path: Path) -> None:
    db = runs_db["db"]
    bad = cli("cleanup", "--yes", "--older-than", "soon", "--db", db)
    assert bad.exit_code == 2 and "not a duration" in bad.stderr
    assert cli("config", "set", "runner.retention", "100000d").exit_code == 0
    assert cli("cleanup", "--yes", "--db", db, "--json").json()["runs"] == 0
    data = cli("cleanup", "--yes", "--older-than", "1s", "--db", db, "--json").json()
    assert (data["older_than"], data["runs"], data["dry_run"]) == ("1s", 3, False)
    empty = cli("cleanup", "--yes", "--db", tmp_path / "none.db", "--json")
    assert empty.exit_code == 0 and empty.json()["runs"] == 0
    assert not (tmp_path / "none.db").exists()


# --- forget --------------------------------------------------------------------------------------


def test_forget_project_deletes_its_runs(runs_db: dict[str, Any], tmp_path: Path) -> None:
    db = runs_db["db"]
    third = runs_db["ids"][2]
    # A session in the same project: `forget project` takes both.
    t = TranscriptBuilder(cwd="/home/dev/app")
    t.prompt("run the tests")
    t.bash("pytest -q", "1 failed", exit_code=1)
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    assert cli("ingest", "--db", db, tmp_path / "in").exit_code == 0
    assert _rows(db, "SELECT DISTINCT project FROM sessions") == [("/home/dev/app",)]
    dry = cli("forget", "project", "/home/dev/app", "--dry-run", "--db", db, "--json").json()
    assert dry["deleted"]["runs"] == 2 and dry["deleted"]["run_matches"] == 2
    assert _rows(db, "SELECT count(*) FROM runs") == [(3,)]
    result = cli("forget", "project", "/home/dev/app", "--db", db, "--json", "--yes")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["sessions"] == [t.session_id]
    assert (data["deleted"]["runs"], data["deleted"]["run_patterns"], data["deleted"]["run_matches"]) == (2, 8, 2)
    assert data["deleted"]["findings"] >= 1  # the run's finding went with it
    assert [r[0] for r in _rows(db, "SELECT id FROM runs")] == [third]
    assert _rows(db, "SELECT count(*) FROM run_matches WHERE run_id != ?", (third,)) == [(0,)]
    assert _rows(db, "SELECT count(*) FROM findings") == [(0,)]
    # A project only runs know of is found too, and forgotten.
    text = cli("forget", "project", "web", "--db", db, "--yes")
    assert text.exit_code == 0, text.stderr
    assert "Forgot 0 sessions and 1 run of `lessonloop run` of the project /home/dev/web:" in text.output
    assert _rows(db, "SELECT count(*) FROM runs") == [(0,)]
    again = cli("forget", "project", "web", "--db", db, "--yes")
    assert again.exit_code == 2 and "no project matches 'web'" in again.stderr
