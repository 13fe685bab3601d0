"""Findings of `lessonloop run` tied to the session edits behind them, in a real store.

A session (a transcript ingested the way `lessonloop ingest` does) edits tests/test_x.py; a run
recorded a minute later fails in that file. The run is stored by the runner's own writer, with the
findings the runner makes of its matches.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lessonloop.pipeline.ingest_job import IngestRequest, run_ingest_job
from lessonloop.runs.findings import before_analysis, match_run_findings
from lessonloop.runs.runner.findings import findings_from_run
from lessonloop.runs.runner.result import ERROR, MatchEvent, RunOptions, RunResult
from lessonloop.runs.store.writer import record_run
from lessonloop.store import open_store
from tests.conftest import run_ingest
from tests.transcript_builder import TranscriptBuilder

PROJECT = "/home/dev/shop"
TEST_FILE = f"{PROJECT}/tests/test_x.py"
# The builder's clock starts at 2026-11-01T09:00:00Z and moves a second per record.
EDIT_TIME = "2026-11-01T09:00:04.000Z"


def session_editing_the_test(tmp_path: Path, cwd: str = PROJECT) -> tuple[TranscriptBuilder, str, Path]:
    b = TranscriptBuilder(cwd=cwd)
    b.prompt("make test_a check the total")
    read = b.tool_use("Read", {"file_path": TEST_FILE})
    b.tool_result(read, "     1\tdef test_a():\n     2\t    assert total\n", is_error=False)
    edit = b.tool_use("Edit", {"file_path": TEST_FILE, "old_string": "assert total", "new_string": "assert total == 2"})
    b.tool_result(edit, f"The file {TEST_FILE} has been updated successfully.", is_error=False)
    b.say("Done.")
    return b, edit, b.write(tmp_path / "in" / f"{b.session_id}.jsonl")


def record(
    conn: sqlite3.Connection,
    text: str,
    *,
    started_at: str = "2026-11-01T09:01:03.000Z",
    cwd: str = PROJECT,
    argv: tuple[str, ...] = ("pytest", "tests/test_x.py"),
    test_command: bool = True,
) -> int:
    """A finished run whose one error match is `text`, stored with its findings; its id."""
    result = RunResult(RunOptions(list(argv), error=["^FAILED "]), cwd, started_at)
    match = MatchEvent(ERROR, "^FAILED ", "stdout", 12, 2.0, text, [])
    result.matches = [match]
    result.reason, result.status, result.child_status = ERROR, 1, 1
    command = " ".join(argv)
    findings = findings_from_run(result, command_norm=command, test_command=test_command)
    return record_run(conn, result, command=command, command_norm=command, project=PROJECT, findings=findings)


def stored(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    return conn.execute(
        "SELECT run_id, source, kind, rule, path, session_id, tool_use_id, ts FROM findings WHERE run_id IS NOT NULL ORDER BY id"
    ).fetchall()


def test_a_failure_in_an_edited_file_is_tied_to_the_edit(tmp_path: Path, db_path: Path) -> None:
    builder, edit, transcript = session_editing_the_test(tmp_path)
    run_ingest(db_path, transcript)
    conn = open_store(db_path)
    try:
        assert conn.execute("SELECT ts FROM tool_calls WHERE id = ?", (edit,)).fetchone() == (EDIT_TIME,)
        run_id = record(conn, "FAILED tests/test_x.py::test_a - assert 1 == 2")
        assert [row[5:7] for row in stored(conn)] == [(None, None)]

        assert match_run_findings(conn) == 1
        assert stored(conn) == [
            (
                run_id,
                "runner",
                "test_failure",
                "tests/test_x.py::test_a",
                "tests/test_x.py",  # relative, as pytest printed it: resolved against the run's cwd
                builder.session_id,
                edit,
                "2026-11-01T09:01:05.000Z",  # the run's start plus the match's 2 s
            )
        ]
        assert match_run_findings(conn) == 0  # nothing left to match
    finally:
        conn.close()


def test_the_relative_path_is_resolved_against_the_folder_the_run_ran_in(tmp_path: Path, db_path: Path) -> None:
    # The session works in /home/dev/shop; the run ran in /home/dev/shop/tests and printed "test_x.py".
    builder, edit, transcript = session_editing_the_test(tmp_path)
    run_ingest(db_path, transcript)
    conn = open_store(db_path)
    try:
        record(conn, "FAILED test_x.py::test_a - assert 1 == 2", cwd=f"{PROJECT}/tests")
        assert match_run_findings(conn) == 1
        assert [row[5:7] for row in stored(conn)] == [(builder.session_id, edit)]
    finally:
        conn.close()


def test_a_run_before_the_edit_is_not_the_edits_doing(tmp_path: Path, db_path: Path) -> None:
    builder, _, transcript = session_editing_the_test(tmp_path)
    run_ingest(db_path, transcript)
    conn = open_store(db_path)
    try:
        # A test failure after the session's first call (a Read at 09:00:02) and before its edit
        # (09:00:04): the session's, not the edit's.
        record(conn, "FAILED tests/test_x.py::test_a - assert 1 == 2", started_at="2026-11-01T09:00:00.500Z")
        # A build error long before any session: nothing to tie it to, it stays unmatched.
        record(
            conn,
            "src/main.c:5:24: error: 'count' undeclared",
            started_at="2026-10-01T08:00:00.000Z",
            argv=("make",),
            test_command=False,
        )
        assert match_run_findings(conn) == 1
        rows = stored(conn)
        assert [(row[2], row[5], row[6]) for row in rows] == [
            ("test_failure", builder.session_id, None),
            ("run_error", None, None),
        ]
    finally:
        conn.close()


def test_findings_already_matched_and_other_findings_are_left_alone(tmp_path: Path, db_path: Path) -> None:
    _, _, transcript = session_editing_the_test(tmp_path)
    run_ingest(db_path, transcript)
    conn = open_store(db_path)
    try:
        run_id = record(conn, "FAILED tests/test_x.py::test_a - assert 1 == 2")
        conn.execute("UPDATE findings SET session_id = 'other-session' WHERE run_id = ?", (run_id,))
        conn.execute(
            """INSERT INTO findings (source, kind, rule, severity, path, line, message, ts)
               VALUES ('junit', 'test_failure', 'tests.test_x::test_a', 'medium', 'tests/test_x.py', NULL, 'x',
                       '2026-11-01T09:01:00.000Z')"""
        )
        assert match_run_findings(conn) == 0
        assert conn.execute("SELECT session_id FROM findings ORDER BY id").fetchall() == [("other-session",), (None,)]
    finally:
        conn.close()


def test_an_empty_store(db_path: Path) -> None:
    conn = open_store(db_path)
    try:
        assert match_run_findings(conn) == 0
        record(conn, "FAILED tests/test_x.py::test_a - assert 1 == 2")  # no sessions at all
        assert match_run_findings(conn) == 0
    finally:
        conn.close()


def test_the_workers_ingest_analyzes_the_session_a_run_finding_was_tied_to(tmp_path: Path, db_path: Path) -> None:
    """The hooks' worker analyzes only what its ingest touched: the sessions it read, and those the
    wings' steps changed. The runs' step says which sessions it gave a finding (core/wing.py's
    before_analysis), so a session ingested earlier is analyzed again with its run's failure."""
    builder, _edit, transcript = session_editing_the_test(tmp_path)
    run_ingest(db_path, transcript)
    other = TranscriptBuilder(cwd="/home/dev/elsewhere")
    other.prompt("nothing to do with the shop")
    other_file = other.write(tmp_path / "other" / f"{other.session_id}.jsonl")
    conn = open_store(db_path)
    try:
        record(conn, "FAILED tests/test_x.py::test_a - assert 1 == 2")
        report = run_ingest_job(conn, IngestRequest(paths=(str(other_file),), only_touched=True, sample=False), None)
        tied = conn.execute("SELECT session_id FROM findings WHERE run_id IS NOT NULL").fetchall()
    finally:
        conn.close()
    assert tied == [(builder.session_id,)]
    assert report.analysis is not None
    assert report.analysis.analyzed == 2  # the session read, and the one given the run's failure


def test_the_runs_step_names_the_sessions_it_gave_a_finding(tmp_path: Path, db_path: Path) -> None:
    builder, _edit, transcript = session_editing_the_test(tmp_path)
    run_ingest(db_path, transcript)
    conn = open_store(db_path)
    try:
        assert before_analysis(conn, None, None) == set()  # no run yet
        record(conn, "FAILED tests/test_x.py::test_a - assert 1 == 2")
        assert before_analysis(conn, None, None) == {builder.session_id}
        assert before_analysis(conn, None, None) == set()  # tied already: nothing new
    finally:
        conn.close()
