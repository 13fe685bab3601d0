"""What `lessonloop run` stores: the runs row and its patterns, matches and findings written in one
transaction, redacted; reading them back; cleanup by age; feedback. Real store files throughout."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.core.records import FindingRecord
from lessonloop.runs.runner.result import MatchEvent, RunOptions, RunResult
from lessonloop.runs.runner.run_record import PatternUse
from lessonloop.runs.store.reader import get_run, list_runs, pattern_rows, run_row
from lessonloop.runs.store.retention import FeedbackError, RunNotFound, cleanup_runs, record_feedback
from lessonloop.runs.store.writer import clean_context, open_for_recording, record_run
from lessonloop.store import open_store

AWS_KEY = "AKIAIOSFODNN7EXAMPLQ"  # AKIA + 16 upper-case letters and digits
PASSWORD = "hunter2secretXYZ"


def make_result(
    *,
    argv: list[str] | None = None,
    started_at: str = "2026-11-01T10:00:00.000Z",
    matches: int = 2,
    cwd: str = "/home/dev/app",
    **options: Any,
) -> RunResult:
    """A RunResult as the engine leaves it after a run that stopped on an error match."""
    opts = RunOptions(
        argv or ["/usr/bin/pytest", "-q", "tests/test_x.py"],
        error=options.pop("error", ["FAILED", "Traceback"]),
        success=options.pop("success", ["passed in"]),
        exclude=options.pop("exclude", ["xfail"]),
        timeout=options.pop("timeout", 300.0),
        idle_timeout=options.pop("idle_timeout", 30.0),
        first_output_timeout=options.pop("first_output_timeout", None),
        use_pty=options.pop("use_pty", False),
        profile=options.pop("profile", "pytest"),
        **options,
    )
    result = RunResult(opts, cwd, started_at)
    result.ended_at = started_at.replace("10:00:00", "10:00:12")
    result.duration = 12.345
    result.status = 1
    result.child_status = -15
    result.reason = "error"
    result.stopped = True
    result.pid = 4242
    result.first_output = 0.25
    result.first_match = 11.5
    result.stdout.lines, result.stdout.bytes = 120, 4567
    result.stderr.lines, result.stderr.bytes = 3, 89
    result.longest_idle = 4.5
    result.idle_count = 2
    result.idle_periods = [(3.0, 4.5), (8.25, 1.125)]
    for i in range(matches):
        event = MatchEvent("error", "FAILED", "stdout", 100 + i, 11.5 + i, f"FAILED tests/test_x.py::test_{i}", [])
        event.before = [f"line {98 + i}", f"line {99 + i}"]
        event.after = [f"line {101 + i}"]
        result.matches.append(event)
    result.pattern_counts = {("error", "FAILED"): matches}
    return result


def finding(message: str = "FAILED tests/test_x.py::test_0", **extra: Any) -> FindingRecord:
    return FindingRecord(
        source="runner",
        kind="test_failure",
        rule="pytest",
        severity="medium",
        path=extra.pop("path", "tests/test_x.py"),
        line=extra.pop("line", 12),
        message=message,
        ts=extra.pop("ts", "2026-11-01T10:00:11.500Z"),
        **extra,
    )


@pytest.fixture
def conn(tmp_path: Path) -> Any:
    connection = open_store(tmp_path / "lessonloop.db")
    yield connection
    connection.close()


def _record(conn: sqlite3.Connection, result: RunResult | None = None, **kwargs: Any) -> int:
    result = result or make_result()
    kwargs.setdefault("command", "pytest -q tests/test_x.py")
    kwargs.setdefault("command_norm", "pytest")
    kwargs.setdefault("project", "/home/dev/app")
    return record_run(conn, result, **kwargs)


def _file_bytes(db: Path) -> bytes:
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


# --- recording -----------------------------------------------------------------------------------


def test_record_run_round_trip_of_every_column(conn: sqlite3.Connection) -> None:
    result = make_result()
    run_id = _record(conn, result, findings=[finding()])
    detail = get_run(conn, run_id)
    assert detail is not None
    row = detail.run
    assert row.to_json() == {
        "id": run_id,
        "started_at": "2026-11-01T10:00:00.000Z",
        "ended_at": "2026-11-01T10:00:12.000Z",
        "command": "pytest -q tests/test_x.py",
        "command_norm": "pytest",
        "program": "pytest",
        "cwd": "/home/dev/app",
        "project": "/home/dev/app",
        "profile": "pytest",
        "mode": "pipes",
        "settings": result.options.settings(),
        "timeout": 300.0,
        "idle_timeout": 30.0,
        "first_output_timeout": None,
        "exit_status": 1,
        "child_status": -15,
        "reason": "error",
        "stopped": True,
        "duration": 12.345,
        "first_output": 0.25,
        "first_match": 11.5,
        "match_count": 2,
        "longest_idle": 4.5,
        "idle_count": 2,
        "idle_periods": [[3.0, 4.5], [8.25, 1.125]],
        "stdout_lines": 120,
        "stdout_bytes": 4567,
        "stderr_lines": 3,
        "stderr_bytes": 89,
        "rating": None,
        "verdict": None,
        "feedback_note": None,
        "feedback_at": None,
    }
    # Every pattern of the options, with its count (0 when it never matched).
    assert [p.to_json() for p in detail.patterns] == [
        {"kind": "error", "pattern": "FAILED", "matches": 2},
        {"kind": "error", "pattern": "Traceback", "matches": 0},
        {"kind": "success", "pattern": "passed in", "matches": 0},
        {"kind": "exclude", "pattern": "xfail", "matches": 0},
    ]
    assert [m.to_json() for m in detail.matches] == [
        {
            "seq": 1,
            "kind": "error",
            "pattern": "FAILED",
            "stream": "stdout",
            "line": 100,
            "offset": 11.5,
            "text": "FAILED tests/test_x.py::test_0",
            "before": ["line 98", "line 99"],
            "after": ["line 101"],
        },
        {
            "seq": 2,
            "kind": "error",
            "pattern": "FAILED",
            "stream": "stdout",
            "line": 101,
            "offset": 12.5,
            "text": "FAILED tests/test_x.py::test_1",
            "before": ["line 99", "line 100"],
            "after": ["line 102"],
        },
    ]
    assert [f.to_json() for f in detail.findings] == [
        {
            "id": detail.findings[0].id,
            "source": "runner",
            "kind": "test_failure",
            "rule": "pytest",
            "severity": "medium",
            "path": "tests/test_x.py",
            "line": 12,
            "message": "FAILED tests/test_x.py::test_0",
            "ts": "2026-11-01T10:00:11.500Z",
        }
    ]
    # The raw rows: the mode and settings as JSON, stopped as 0/1, the finding linked to its run.
    raw = conn.execute("SELECT mode, stopped, settings, idle_periods FROM runs WHERE id = ?", (run_id,)).fetchone()
    assert raw[0] == "pipes" and raw[1] == 1
    assert '"mode":"pipes"' in raw[2] and raw[3] == "[[3.0,4.5],[8.25,1.125]]"
    assert conn.execute("SELECT run_id, session_id, tool_use_id, import_id FROM findings").fetchall() == [
        (run_id, None, None, None)
    ]
    assert get_run(conn, run_id + 1) is None


def test_a_run_without_matches_or_patterns(conn: sqlite3.Connection) -> None:
    result = make_result(matches=0, error=[], success=[], exclude=[], use_pty=True, profile=None, timeout=None)
    result.reason, result.status, result.child_status, result.stopped = "exit", 0, 0, False
    result.first_output = result.first_match = None
    result.idle_periods = []
    result.pattern_counts = {}
    run_id = _record(conn, result)
    detail = get_run(conn, run_id)
    assert detail is not None
    assert (detail.patterns, detail.matches, detail.findings) == ([], [], [])
    assert (detail.run.mode, detail.run.profile, detail.run.timeout, detail.run.idle_periods) == ("pty", None, None, [])
    assert (detail.run.first_output, detail.run.stopped, detail.run.match_count) == (None, False, 0)


def test_counted_patterns_missing_from_the_options_are_kept(conn: sqlite3.Connection) -> None:
    result = make_result(matches=1)
    result.pattern_counts[("success", "OK$")] = 1
    result.pattern_counts[("repeat", "same line")] = 3  # not a pattern kind of run_patterns
    run_id = _record(conn, result)
    rows = conn.execute("SELECT kind, pattern, matches FROM run_patterns WHERE run_id = ? ORDER BY 1, 2", (run_id,))
    assert rows.fetchall() == [
        ("error", "FAILED", 1),
        ("error", "Traceback", 0),
        ("exclude", "xfail", 0),
        ("success", "OK$", 1),
        ("success", "passed in", 0),
    ]


def test_secrets_are_redacted_everywhere_before_they_reach_the_file(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    conn = open_store(db)
    try:
        result = make_result(matches=1, error=["FAILED", f"password={PASSWORD}"])
        event = result.matches[0]
        event.text = f"FAILED login with AWS key {AWS_KEY}"
        event.before = [f"export password={PASSWORD}", "ok"]
        event.after = [f"key={AWS_KEY}"]
        run_id = _record(
            conn,
            result,
            command=f"deploy --key {AWS_KEY} --password={PASSWORD}",
            command_norm=f"deploy --key {AWS_KEY}",
            findings=[finding(f"FAILED with {AWS_KEY}")],
        )
        record_feedback(conn, run_id, note=f"the password={PASSWORD} leaked")
        detail = get_run(conn, run_id)
        assert detail is not None
        assert AWS_KEY not in detail.run.command and "[REDACTED:aws-access-key-id]" in detail.run.command
        assert PASSWORD not in detail.run.command
        assert detail.matches[0].text == "FAILED login with AWS key [REDACTED:aws-access-key-id]"
        assert len(detail.matches[0].before) == 2 and detail.matches[0].before[1] == "ok"
        assert PASSWORD not in detail.matches[0].before[0]
        assert detail.matches[0].after == ["key=[REDACTED:aws-access-key-id]"]
        assert AWS_KEY not in detail.findings[0].message
        conn.execute("PRAGMA wal_checkpoint(FULL)")
    finally:
        conn.close()
    data = _file_bytes(db)
    assert AWS_KEY.encode() not in data
    assert PASSWORD.encode() not in data
    assert b"FAILED login with AWS key" in data  # the rest of the text is kept


def test_command_line_secrets_are_redacted_but_not_numbers_or_expansions() -> None:
    from lessonloop.runs.store.writer import redact_text

    flag, env = "[REDACTED:cli-secret]", "[REDACTED:env-secret]"
    assert redact_text(f"mysql --password={PASSWORD} db", "command") == f"mysql --password={flag} db"
    assert redact_text(f"DB_TOKEN={PASSWORD} make", "command") == f"DB_TOKEN={env} make"
    assert redact_text(f"login --api-key {PASSWORD} --verbose", "command") == f"login --api-key {flag} --verbose"
    assert redact_text("login --password 'two words here'", "command") == f"login --password '{flag}'"
    for kept in ("claude --max-tokens 100000", "token=$TOKEN", "password = get_password()", "KeyError: x"):
        assert redact_text(kept, "command") == kept
        assert redact_text(kept) == kept


def test_a_private_key_across_context_lines_is_removed() -> None:
    before = ["starting", "-----BEGIN RSA PRIVATE KEY-----", "MIIEowIBAAKCAQEAvery"]
    text = "secretbody2 FAILED"
    after = ["moresecretbody3", "-----END RSA PRIVATE KEY-----", "done"]
    new_before, new_text, new_after = clean_context(before, text, after)
    kept = [*new_before, new_text, *new_after]
    assert kept[0] == "starting" and kept[-1] == "done"
    for secret in ("MIIEowIBAAKCAQEAvery", "secretbody2", "moresecretbody3"):
        assert not any(secret in line for line in kept), secret
    # Without a secret the lists are returned as they are.
    plain = (["a"], "b", ["c"])
    assert clean_context(*plain) == plain


def test_recording_is_one_transaction(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TEMP TRIGGER boom BEFORE INSERT ON findings BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
    with pytest.raises(sqlite3.IntegrityError, match="disk on fire"):
        _record(conn, findings=[finding()])
    assert not conn.in_transaction
    for table in ("runs", "run_patterns", "run_matches", "findings"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    conn.execute("DROP TRIGGER temp.boom")
    assert _record(conn) >= 1


def test_open_for_recording_creates_or_reuses_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "sub" / "lessonloop.db"
    monkeypatch.setenv("LESSONLOOP_BUSY_TIMEOUT_MS", "500")
    first = open_for_recording(str(db))
    try:
        assert first.execute("PRAGMA foreign_keys").fetchone() == (1,)
        run_id = _record(first)
    finally:
        first.close()
    again = open_for_recording(str(db))
    try:
        assert again.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert _record(again) == run_id + 1
    finally:
        again.close()


# --- reading -------------------------------------------------------------------------------------


def test_list_runs_newest_first_with_filters(conn: sqlite3.Connection) -> None:
    a = _record(conn, make_result(started_at="2026-11-01T10:00:00.000Z"), command_norm="pytest", command="pytest -q")
    b = _record(
        conn, make_result(started_at="2026-11-02T10:00:00.000Z"), command_norm="npm test", command="npm test -- --ci"
    )
    c = _record(
        conn,
        make_result(started_at="2026-11-03T10:00:00.000Z", cwd="/home/dev/other"),
        command_norm="pytest tests",
        command="pytest tests/test_y.py",
        project="/home/dev/other",
    )
    assert [r.id for r in list_runs(conn)] == [c, b, a]
    assert [r.id for r in list_runs(conn, limit=2)] == [c, b]
    # An exact normalized command first ...
    assert [r.id for r in list_runs(conn, command="pytest")] == [a]
    # ... else a substring of the normalized or the raw command.
    assert [r.id for r in list_runs(conn, command="pytest t")] == [c]
    assert [r.id for r in list_runs(conn, command="--ci")] == [b]
    assert [r.id for r in list_runs(conn, command="py")] == [c, a]
    assert list_runs(conn, command="100%") == []  # LIKE wildcards are taken literally
    assert [r.id for r in list_runs(conn, project="/home/dev/other")] == [c]
    assert list_runs(conn, project="/home/dev/other", command="npm test") == []
    # --since/--until (issue 26): the runs started in [since, until)
    assert [r.id for r in list_runs(conn, since="2026-11-02T00:00:00.000Z")] == [c, b]
    assert [r.id for r in list_runs(conn, until="2026-11-02T10:00:00.000Z")] == [a]
    assert [r.id for r in list_runs(conn, since="2026-11-02T00:00:00.000Z", until="2026-11-03T00:00:00.000Z")] == [b]


def test_pattern_rows_give_each_pattern_with_how_its_run_went(conn: sqlite3.Connection) -> None:
    first = _record(conn, make_result(matches=1))
    record_feedback(conn, first, rating=2, verdict="should_have_waited")
    ok = make_result(started_at="2026-11-02T10:00:00.000Z", matches=0, error=["FAILED"], success=[], exclude=[])
    ok.reason, ok.status, ok.child_status, ok.stopped = "exit", 0, 0, False
    second = _record(conn, ok)
    _record(conn, make_result(started_at="2026-11-03T10:00:00.000Z"), command_norm="make")
    rows = pattern_rows(conn, "pytest")
    assert rows[0] == PatternUse(
        run_id=first,
        command_norm="pytest",
        kind="error",
        pattern="FAILED",
        matches=1,
        reason="error",
        exit_status=1,
        child_status=-15,
        stopped=True,
        rating=2,
        verdict="should_have_waited",
    )
    assert [(r.run_id, r.kind, r.pattern, r.matches) for r in rows] == [
        (first, "error", "FAILED", 1),
        (first, "error", "Traceback", 0),
        (first, "exclude", "xfail", 0),
        (first, "success", "passed in", 0),
        (second, "error", "FAILED", 0),
    ]
    assert rows[-1].reason == "exit" and rows[-1].stopped is False
    assert len(pattern_rows(conn)) == 9


# --- cleanup -------------------------------------------------------------------------------------


def test_cleanup_deletes_old_runs_and_keeps_their_findings(conn: sqlite3.Connection) -> None:
    old = _record(conn, make_result(started_at="2026-01-01T00:00:00.000Z"), findings=[finding()])
    older = _record(conn, make_result(started_at="2025-06-01T00:00:00.000Z", matches=1))
    recent = _record(conn, make_result(started_at="2026-11-01T00:00:00.000Z"), findings=[finding()])
    now = "2026-11-20T00:00:00.000Z"
    dry = cleanup_runs(conn, 90 * 86400, dry_run=True, now=now)
    assert (dry.runs, dry.matches, dry.patterns, dry.findings_unlinked, dry.dry_run) == (2, 3, 8, 1, True)
    assert dry.cutoff == "2026-08-22T00:00:00.000Z"
    assert conn.execute("SELECT count(*) FROM runs").fetchone() == (3,)
    done = cleanup_runs(conn, 90 * 86400, now=now)
    assert done.to_json() == {**dry.to_json(), "dry_run": False}
    assert [r.id for r in list_runs(conn)] == [recent]
    for table in ("run_matches", "run_patterns"):
        assert conn.execute(f"SELECT DISTINCT run_id FROM {table}").fetchall() == [(recent,)], table
    assert conn.execute("SELECT run_id FROM findings ORDER BY id").fetchall() == [(None,), (recent,)]
    assert get_run(conn, old) is None and get_run(conn, older) is None
    again = cleanup_runs(conn, 90 * 86400, now=now)
    assert (again.runs, again.matches, again.patterns, again.findings_unlinked) == (0, 0, 0, 0)


def test_cleanup_without_foreign_keys_and_in_one_transaction(tmp_path: Path) -> None:
    db = tmp_path / "lessonloop.db"
    open_store(db).close()
    conn = sqlite3.connect(db, isolation_level=None)  # foreign_keys off: cleanup does not rely on it
    try:
        _record(conn, make_result(started_at="2020-01-01T00:00:00.000Z"), findings=[finding()])
        conn.execute("CREATE TEMP TRIGGER boom BEFORE DELETE ON runs BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
        with pytest.raises(sqlite3.IntegrityError):
            cleanup_runs(conn, 86400)
        assert conn.execute("SELECT count(*) FROM run_matches").fetchone() == (2,)
        assert conn.execute("SELECT run_id FROM findings").fetchone() == (1,)
        conn.execute("DROP TRIGGER temp.boom")
        assert cleanup_runs(conn, 86400).runs == 1
        assert conn.execute("SELECT run_id FROM findings").fetchone() == (None,)
        assert conn.execute("SELECT count(*) FROM run_matches").fetchone() == (0,)
    finally:
        conn.close()


# --- feedback ------------------------------------------------------------------------------------


def test_feedback_is_validated_and_merged(conn: sqlite3.Connection) -> None:
    run_id = _record(conn)
    row = record_feedback(conn, run_id, rating=4)
    assert (row.rating, row.verdict, row.feedback_note) == (4, None, None)
    assert row.feedback_at is not None and row.feedback_at.endswith("Z")
    row = record_feedback(conn, run_id, verdict="should_have_stopped", note="  took forever  ")
    assert (row.rating, row.verdict, row.feedback_note) == (4, "should_have_stopped", "took forever")
    assert run_row(conn, run_id) == row
    with pytest.raises(RunNotFound, match="no run has the id 99"):
        record_feedback(conn, 99, rating=3)
    with pytest.raises(RunNotFound):
        run_row(conn, 99)
    for kwargs, message in (
        ({}, "give a rating"),
        ({"note": "   "}, "give a rating"),
        ({"rating": 0}, "from 1 to 5"),
        ({"rating": 6}, "from 1 to 5"),
        ({"verdict": "maybe"}, "should_have_waited or should_have_stopped"),
    ):
        with pytest.raises(FeedbackError, match=message):
            record_feedback(conn, run_id, **kwargs)
    assert run_row(conn, run_id) == row
    assert not conn.in_transaction
