"""`lessonloop suggest` and `lessonloop patterns` over a real store of recorded runs, and what
`lessonloop run --auto` is given."""

from __future__ import annotations

import random
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from lessonloop.analyze.command_norm import normalize_command
from lessonloop.core.durations import parse_duration
from lessonloop.runs.runner.result import RunOptions, RunResult
from lessonloop.runs.store.retention import record_feedback
from lessonloop.runs.store.writer import record_run
from lessonloop.runs.suggestions import anomalies_for, auto_options, effectiveness, suggestion_for
from lessonloop.store import open_store
from tests.conftest import cli

ARGV = ["pytest", "-x", "tests/"]
NORM = "pytest <path> -x"
ERRORS = ["FAILED", "Traceback", r"^E\s+\[\d+\]"]
EXCLUDE = ["xfail"]


@dataclass
class Planned:
    """One run to record: how it went, and how often each error pattern matched."""

    duration: float
    first_output: float | None
    longest_idle: float
    lines: int
    reason: str = "exit"
    status: int = 0
    child_status: int | None = 0
    stopped: bool = False
    failed_matches: int = 0  # FAILED
    traceback_matches: int = 0  # Traceback (also printed by passing tests that log one)


def _history() -> list[Planned]:
    rng = random.Random(6)
    runs: list[Planned] = []
    for i in range(22):  # successful: 35..60 s, first output within 2 s, silences up to 9 s
        runs.append(
            Planned(
                duration=round(rng.uniform(35, 60), 3),
                first_output=round(rng.uniform(0.3, 2.0), 3),
                longest_idle=round(rng.uniform(1.0, 9.0), 3),
                lines=rng.randint(300, 330),
                traceback_matches=1 if i % 7 == 0 else 0,
            )
        )
    for _ in range(3):  # failed by themselves
        runs.append(
            Planned(
                duration=round(rng.uniform(30, 50), 3),
                first_output=0.5,
                longest_idle=3.0,
                lines=rng.randint(340, 380),
                status=1,
                child_status=1,
                failed_matches=2,
                traceback_matches=1,
            )
        )
    # stopped on an error match (rated right below), and one that hung until its timeout
    runs.append(Planned(12.0, 0.4, 2.0, 150, "error", 1, -15, True, failed_matches=1))
    runs.append(Planned(600.0, 0.6, 560.0, 90, "timeout", 124, -15, True))
    return runs


def _result(plan: Planned, index: int) -> RunResult:
    options = RunOptions(list(ARGV), error=list(ERRORS), exclude=list(EXCLUDE), timeout=600.0, use_pty=False)
    minute = f"{index // 60:02d}:{index % 60:02d}"
    result = RunResult(options, "/home/dev/app", f"2026-11-01T{10 + index // 60:02d}:{index % 60:02d}:00.000Z")
    result.ended_at = result.started_at.replace(f"{minute}:00", f"{minute}:59")
    result.duration = plan.duration
    result.first_output = plan.first_output
    result.longest_idle = plan.longest_idle
    result.idle_count = 3
    result.idle_periods = [(10.0, plan.longest_idle)]
    result.reason = plan.reason
    result.status = plan.status
    result.child_status = plan.child_status
    result.stopped = plan.stopped
    result.stdout.lines, result.stdout.bytes = plan.lines, plan.lines * 60
    result.stderr.lines, result.stderr.bytes = 2, 80
    result.pattern_counts = {
        ("error", "FAILED"): plan.failed_matches,
        ("error", "Traceback"): plan.traceback_matches,
    }
    return result


@pytest.fixture
def store(db_path: Path) -> Path:
    """A store holding 27 recorded runs of `pytest -x tests/` and a few of other commands."""
    conn = open_store(db_path)
    try:
        ids = []
        for index, plan in enumerate(_history()):
            ids.append(
                record_run(
                    conn,
                    _result(plan, index),
                    command=shlex.join(ARGV),
                    command_norm=normalize_command(ARGV),
                    project=None,
                )
            )
        record_feedback(conn, ids[-2], rating=5)  # stopping on FAILED was right
        other = RunResult(
            RunOptions(["make", "-j8", "check"], error=["Error"]), "/home/dev/app", "2026-11-02T09:00:00Z"
        )
        other.duration, other.first_output = 30.0, 1.0
        other.pattern_counts = {("error", "Error"): 1}
        record_run(conn, other, command="make -j8 check", command_norm="make check -j", project=None)
    finally:
        conn.close()
    return db_path


def _runs(db: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM runs WHERE command_norm = ? ORDER BY id", (NORM,)).fetchall()
    finally:
        conn.close()


def test_suggested_limits_would_not_have_cut_any_successful_run_short(store: Path) -> None:
    data = cli("runs", "suggest", "--db", store, "--json", "--", *ARGV).json()
    runs = _runs(store)
    successful = [r for r in runs if r["reason"] == "exit" and r["exit_status"] == 0]
    assert len(runs) >= 20 and len(successful) == 22
    assert (data["runs"], data["successful"], data["failed"], data["stopped"]) == (27, 22, 3, 2)
    limits = data["limits"]
    timeout, idle, first = (limits[n]["seconds"] for n in ("timeout", "idle_timeout", "first_output_timeout"))
    for run in successful:
        assert timeout >= run["duration"]
        assert idle >= run["longest_idle"]
        assert first >= run["first_output"]
    assert timeout >= max(r["duration"] for r in successful) * 1.25
    assert timeout < 600  # the hung run is not a successful one: it does not stretch the limit
    for name in ("timeout", "idle_timeout", "first_output_timeout"):
        assert limits[name]["samples"] == 22
        assert parse_duration(limits[name]["value"]) == limits[name]["seconds"]


def test_suggest_json_shape(store: Path) -> None:
    data = cli("runs", "suggest", "--db", store, "--json", "--", *ARGV).json()
    assert set(data) >= {
        "command",
        "run",
        "command_norm",
        "runs",
        "successful",
        "failed",
        "stopped",
        "options",
        "limits",
        "patterns",
        "pattern_reason",
        "anomalies",
    }
    assert data["command_norm"] == NORM
    assert data["command"] == "pytest -x tests/"
    run = shlex.split(data["run"])
    assert run[:2] == ["lessonloop", "run"]
    assert run[2:-4] == data["options"]
    assert run[-4:] == ["--", *ARGV]
    limit = data["limits"]["timeout"]
    assert set(limit) == {
        "name",
        "flag",
        "seconds",
        "value",
        "samples",
        "percentile",
        "percentile_value",
        "max_observed",
        "too_short",
        "margin",
        "max_margin",
        "floor",
        "reason",
    }
    assert limit["percentile"] == 95.0


def test_suggested_options_are_options_of_lessonloop_run(store: Path) -> None:
    from lessonloop.runs.command.options import build_parser

    data = cli("runs", "suggest", "--db", store, "--json", "--", *ARGV).json()
    args = build_parser().parse_args(data["options"])
    assert args.timeout == data["limits"]["timeout"]["seconds"]
    assert args.idle_timeout == data["limits"]["idle_timeout"]["seconds"]
    assert args.first_output_timeout == data["limits"]["first_output_timeout"]["seconds"]
    assert args.error == ["FAILED"]


def test_the_pattern_with_real_failures_is_suggested_and_the_noisy_one_is_not(store: Path) -> None:
    data = cli("runs", "suggest", "--db", store, "--json", "--", *ARGV).json()
    assert [(p["kind"], p["pattern"], p["source"]) for p in data["patterns"]] == [("error", "FAILED", "history")]
    score = data["patterns"][0]["score"]
    assert (score["real"], score["false_alarms"], score["unknown"]) == (4, 0, 0)  # 3 failed, 1 rated right


def test_the_hung_run_is_an_anomaly(store: Path) -> None:
    data = cli("runs", "suggest", "--db", store, "--json", "--", *ARGV).json()
    hung = _runs(store)[-1]
    assert hung["reason"] == "timeout"
    flagged = {(a["run_id"], a["metric"], a["direction"]) for a in data["anomalies"]}
    assert (hung["id"], "duration", "high") in flagged
    assert all(
        a["run_id"] == hung["id"] or a["metric"] != "duration" or a["direction"] == "low" for a in data["anomalies"]
    )


def test_one_quoted_command_line_or_the_normalized_form_give_the_same(store: Path) -> None:
    words = cli("runs", "suggest", "--db", store, "--json", "--", *ARGV).json()
    quoted = cli("runs", "suggest", "--db", store, "--json", "pytest -x tests/").json()
    without_dashes = cli("runs", "suggest", "--db", store, "--json", *ARGV).json()
    normalized = cli("runs", "suggest", "--db", store, "--json", NORM).json()
    other_files = cli("runs", "suggest", "--db", store, "--json", "pytest tests/unit -x").json()
    for data in (quoted, without_dashes, normalized, other_files):
        assert data["command_norm"] == NORM
        assert data["options"] == words["options"]
    assert normalized["command"] == "pytest -x tests/"  # the last recorded run's command line
    assert other_files["run"].endswith("-- pytest tests/unit -x")
    assert without_dashes["command"] == "pytest -x tests/"


def test_a_double_dash_inside_the_command_is_kept(store: Path) -> None:
    data = cli("runs", "suggest", "--db", store, "--json", "--", "npm", "run", "build", "--", "--watch").json()
    assert data["command_norm"] == "npm run build --watch"
    assert data["command"] == "npm run build -- --watch"
    assert cli("runs", "suggest", "--db", store).exit_code == 1  # no command


def test_suggest_prints_a_command_line_the_evidence_and_anomalies(store: Path) -> None:
    result = cli("runs", "suggest", "--db", store, "--", *ARGV)
    assert result.exit_code == 0, result.stderr
    text = result.output
    assert "lessonloop run --timeout" in text and "-- pytest -x tests/" in text
    for label in ("--idle-timeout", "--first-output-timeout", "P95", "LONGEST", "successful", "Anomalies"):
        assert label in text
    assert f"run {_runs(store)[-1]['id']} took 10m" in text
    assert "--error FAILED" in text


def test_suggest_for_a_command_never_recorded(store: Path) -> None:
    result = cli("runs", "suggest", "--db", store, "cargo", "test")
    assert result.exit_code == 0
    assert "No run of this command was recorded yet" in result.output
    data = cli("runs", "suggest", "--db", store, "--json", "cargo test").json()
    assert data["runs"] == 0
    assert data["options"] == [word for p in data["patterns"] for word in ("--profile", p["pattern"])]
    assert all(limit["seconds"] is None for limit in data["limits"].values())


def test_patterns_table_and_json(store: Path) -> None:
    data = cli("runs", "patterns", "--db", store, "--json").json()
    assert data["command_norm"] is None
    by_pattern = {(p["kind"], p["pattern"]): p for p in data["patterns"]}
    failed = by_pattern[("error", "FAILED")]
    assert (failed["runs"], failed["matched"], failed["real"], failed["false_alarms"], failed["misses"]) == (
        27,
        4,
        4,
        0,
        0,
    )
    traceback = by_pattern[("error", "Traceback")]
    assert (traceback["matched"], traceback["real"], traceback["false_alarms"]) == (7, 3, 4)
    assert traceback["precision_low"] < traceback["precision"] < traceback["precision_high"]
    assert by_pattern[("error", ERRORS[2])]["matched"] == 0
    assert by_pattern[("error", ERRORS[2])]["misses"] == 3
    assert by_pattern[("exclude", "xfail")]["runs"] == 27
    assert by_pattern[("error", "Error")]["commands"] == ["make check -j"]

    only = cli("runs", "patterns", "--db", store, "--json", "--command", "pytest -x tests/").json()
    assert only["command_norm"] == NORM
    assert ("error", "Error") not in {(p["kind"], p["pattern"]) for p in only["patterns"]}

    table = cli("runs", "patterns", "--db", store, "--command", NORM)
    assert table.exit_code == 0, table.stderr
    for text in ("FAILED", "Traceback", ERRORS[2], "PRECISION", "100% [", "xfail"):
        assert text in table.output


def test_patterns_on_an_empty_store(db_path: Path) -> None:
    open_store(db_path).close()
    result = cli("runs", "patterns", "--db", db_path)
    assert result.exit_code == 0
    assert result.output.startswith("No runs recorded yet.")
    assert cli("runs", "patterns", "--db", db_path, "--json").json() == {"command_norm": None, "patterns": []}


def test_auto_options_for_lessonloop_run(store: Path) -> None:
    conn = open_store(store)
    try:
        values, note = auto_options(conn, ["pytest", "tests/other", "-x"])
        suggestion = suggestion_for(conn, ARGV)
        assert {k: values[k] for k in ("timeout", "idle_timeout", "first_output_timeout")} == suggestion.seconds()
        assert values["error"] == ["FAILED"]
        assert values["exclude"] == ["xfail"]
        assert "--timeout" in note and NORM in note and "22 successful of 27" in note
        from lessonloop.runs.runner.profiles import PROFILES

        profile_only, why = auto_options(conn, ["cargo", "test"])  # never recorded: the built-in profile
        cargo = PROFILES["cargo-test"]
        assert profile_only == {"error": list(cargo.error), "exclude": list(cargo.exclude)}
        assert "cargo-test profile" in why
        nothing, why = auto_options(conn, ["./scripts/deploy.sh", "--dry-run"])
        assert nothing == {}
        assert "nothing to apply" in why and "0 successful runs" in why
        assert [a.run_id for a in anomalies_for(conn, NORM) if a.metric == "duration"]
        assert {s.pattern for s in effectiveness(conn, NORM)} == {"FAILED", "Traceback", ERRORS[2], "xfail"}
    finally:
        conn.close()
