"""`lessonloop run` end to end, as a person or an agent uses it: real commands recorded in a real
store, then `runs`, `suggest`, `run --auto`, `feedback`, and an error line that becomes a finding
tied to the agent's edit on the next ingest, and a lesson."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import cli
from tests.runner_helpers import PYTHON, lessonloop_run, runner_env
from tests.transcript_builder import TranscriptBuilder

WORK = """\
import sys, time
seconds = float(sys.argv[1])
print("building", flush=True)
time.sleep(seconds / 2)
for i in range(20):
    print(f"step {i} ok")
sys.stdout.flush()
time.sleep(seconds / 2)
print("done")
"""
DURATIONS = [0.05 + (i * 7 % 20) * 0.02 for i in range(21)]  # 0.05 .. 0.43 s, in a scrambled order


@pytest.mark.slow
def test_recorded_runs_give_limits_that_would_cut_none_of_them_and_auto_applies_them(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    (tmp_path / "work.py").write_text(WORK)
    for seconds in DURATIONS:
        ran = lessonloop_run("--", PYTHON, "work.py", f"{seconds:.2f}", db=db, cwd=tmp_path)
        assert ran.status == 0, ran.stderr
    failed = lessonloop_run("-e", "^step 3 ", "-A", "0", "--json", "--", PYTHON, "work.py", "0.2", db=db, cwd=tmp_path)
    assert failed.status == 1 and failed.summary()["run_id"] is not None

    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT command_norm, exit_status, duration, longest_idle, first_output FROM runs").fetchall()
    conn.close()
    assert len(rows) == 22 and len({row[0] for row in rows}) == 1  # one command, whatever its argument
    successful = [row for row in rows if row[1] == 0]
    assert len(successful) == 21

    suggested = cli("runs", "suggest", "--db", db, "--json", "--", PYTHON, "work.py", "1")
    assert suggested.exit_code == 0, suggested.stderr
    limits = {name: item["seconds"] for name, item in suggested.json()["limits"].items()}
    assert limits["timeout"] >= max(row[2] for row in successful)
    assert limits["idle_timeout"] >= max(row[3] for row in successful)
    assert limits["first_output_timeout"] >= max(row[4] for row in successful)

    auto = lessonloop_run("--auto", "--json", "--", PYTHON, "work.py", "0.1", db=db, cwd=tmp_path)
    summary = auto.summary()
    assert auto.status == 0
    assert summary["settings"]["timeout"] == limits["timeout"]
    assert summary["settings"]["auto"]["applied"]["timeout"] == limits["timeout"]
    explicit = lessonloop_run("--auto", "-t", "1h", "--json", "--", PYTHON, "work.py", "0.1", db=db, cwd=tmp_path)
    assert explicit.summary()["settings"]["timeout"] == 3600  # what the person says wins

    run_id = failed.summary()["run_id"]
    assert cli("feedback", str(run_id), "--rating", "5", "--should-have-stopped", "--db", db).exit_code == 0
    listed = cli("runs", "--db", db, "--json").json()
    assert listed[0]["id"] == run_id + 2 and len(listed) == 24
    shown = cli("runs", "show", str(run_id), "--db", db, "--json").json()
    assert shown["rating"] == 5 and shown["matches"][0]["text"] == "step 3 ok"


def test_no_telemetry_records_nothing(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    assert lessonloop_run("--no-telemetry", "--", "true", db=db).status == 0
    assert not db.exists()


FAILING_TEST = "def test_total():\n    assert 1 + 1 == 3\n"


@pytest.mark.slow
def test_a_failed_test_becomes_a_finding_tied_to_the_agent_s_edit_and_then_a_lesson(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    (project / "tests").mkdir(parents=True)
    test_file = project / "tests" / "test_total.py"
    test_file.write_text(FAILING_TEST)
    (project / ".git").mkdir()  # the project root
    db = tmp_path / "store.db"
    # An agent's session edited the test a minute ago ...
    session = TranscriptBuilder(cwd=str(project), start=datetime.now(UTC) - timedelta(minutes=1))
    session.prompt("make the total test stricter")
    read = session.tool_use("Read", {"file_path": str(test_file)})
    session.tool_result(read, "     1\tdef test_total():\n     2\t    assert 1 + 1\n", is_error=False)
    edit = session.tool_use(
        "Edit", {"file_path": str(test_file), "old_string": "assert 1 + 1", "new_string": "assert 1 + 1 == 3"}
    )
    session.tool_result(edit, f"The file {test_file} has been updated successfully.", is_error=False)
    transcript = session.write(tmp_path / "transcripts" / f"{session.session_id}.jsonl")
    # ... and now its tests run through lessonloop, which stops on the failure.
    ran = lessonloop_run(
        "--profile",
        "pytest",
        "--json",
        "--",
        PYTHON,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "tests",
        db=db,
        cwd=project,
    )
    assert ran.status == 1, ran.stdout.decode()
    conn = sqlite3.connect(db)
    finding = conn.execute(
        "SELECT source, kind, rule, path, session_id FROM findings WHERE run_id IS NOT NULL"
    ).fetchone()
    conn.close()
    assert finding[:4] == ("runner", "test_failure", "tests/test_total.py::test_total", "tests/test_total.py")
    assert finding[4] is None  # not tied yet: the session is not in the store

    assert cli("ingest", "--db", db, transcript).exit_code == 0
    conn = sqlite3.connect(db)
    tied = conn.execute("SELECT session_id, tool_use_id FROM findings WHERE run_id IS NOT NULL").fetchone()
    lesson = conn.execute("SELECT title FROM lessons WHERE kind = 'finding'").fetchone()
    conn.close()
    assert tied == (session.session_id, edit)
    assert lesson is not None and "tests/test_total.py::test_total" in lesson[0]


def test_a_locked_store_costs_the_record_and_never_the_status(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    assert lessonloop_run("--", "true", db=db).status == 0  # creates the store
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        env = runner_env(db, LESSONLOOP_BUSY_TIMEOUT_MS="100")
        ran = lessonloop_run("--json", "--", "sh", "-c", "echo hi; exit 3", env=env)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert ran.status == 3
    assert ran.summary()["run_id"] is None
    assert (
        f"lessonloop run: the run was not recorded: the store {db} is locked by another process: database is "
        "locked (waited 0.1 s"
    ).encode() in ran.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM runs").fetchone() == (1,)  # what was stored is kept
    conn.close()
