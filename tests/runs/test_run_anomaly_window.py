"""A command's anomalies are computed over the same runs everywhere: the latest HISTORY_RUNS
(runs/store/reader.py), by `lessonloop suggest` and by the dashboards' API, on one real store."""

from __future__ import annotations

import json
import random
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from lessonloop.runs.runner.result import RunOptions, RunResult
from lessonloop.runs.store.reader import HISTORY_RUNS
from lessonloop.runs.store.writer import record_run
from lessonloop.store import open_store
from tests.conftest import cli

pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'lessonloop[web]'")

from tests.web_stores import serving

ARGV = ["make", "check"]
OLDER = 40  # runs older than the window


def _result(index: int, seconds: float) -> RunResult:
    """Run number `index` (oldest first), one minute after the previous one."""
    minutes = 10 * 60 + index
    started = f"2026-10-{1 + minutes // 1440:02d}T{minutes // 60 % 24:02d}:{minutes % 60:02d}:00.000Z"
    result = RunResult(RunOptions(list(ARGV), use_pty=False), "/home/dev/app", started)
    result.ended_at = started
    result.duration = seconds
    result.first_output = 0.5
    result.reason, result.status, result.child_status = "exit", 0, 0
    result.stdout.lines, result.stdout.bytes = 200, 12_000
    return result


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """HISTORY_RUNS + OLDER runs of one command, 35 to 60 s, but a 900 s run among the older
    ones (outside the window) and a 600 s run among the latest."""
    db = tmp_path_factory.mktemp("run-anomalies") / "lessonloop.db"
    rng = random.Random(3)
    durations = [round(rng.uniform(35, 60), 3) for _ in range(HISTORY_RUNS + OLDER)]
    durations[OLDER // 2] = 900.0
    durations[-10] = 600.0
    conn = open_store(db)
    try:
        for index, seconds in enumerate(durations):
            record_run(conn, _result(index, seconds), command="make check", command_norm="make check", project=None)
    finally:
        conn.close()
    return db


def _flagged(anomalies: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(a["run_id"], a["metric"], a["direction"]) for a in anomalies]


@pytest.mark.slow
def test_suggest_and_the_dashboard_flag_the_same_runs(store: Path) -> None:
    from_cli = cli("runs", "suggest", "--db", store, "--json", "make check").json()["anomalies"]
    with serving(store) as server, urllib.request.urlopen(server.url + "/api/dashboard", timeout=120) as answer:
        dashboard = json.loads(answer.read())
    [command] = dashboard["runs"]
    assert command["command"] == "make check"
    assert command["runs"] == HISTORY_RUNS + OLDER  # how many are stored
    assert len(command["durations"]) == HISTORY_RUNS  # the window the figures are drawn from
    from_api = command["anomalies"]
    assert from_api and [{k: v for k, v in a.items() if k != "description"} for a in from_api] == from_cli
    slow = {(d["id"], d["seconds"]) for d in command["durations"] if d["seconds"] >= 600}
    assert len(slow) == 1  # the 900 s run is older than the window: neither flags it
    assert [(run_id, "duration", "high") for run_id, _ in slow] == [
        a for a in _flagged(from_cli) if a[1] == "duration" and a[2] == "high"
    ]
