"""bandit is off by default (issue 28): only `[analysis] bandit = true` or `--bandit` runs it, never
its being installed; when on, one bandit process reads the edits of every session a run analyzes;
and turning it on never analyzes stored sessions again (pipeline/analysis.py).

bandit is started through $LESSONLOOP_BANDIT here: a script in tmp_path that appends a line to a
log each time it runs (then runs the real bandit, or prints an empty report), so the tests count
real bandit processes."""

from __future__ import annotations

import importlib.util
import shlex
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply.hooks.session_end import queue
from lessonloop.pipeline.live_ingest import ingest_transcripts, run_queue
from lessonloop.scanners.bandit_probe import ENV_BANDIT
from lessonloop.store import open_store
from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder

PROJECT = Path("/home/dev/webapp")
LOADER = "import yaml\n\n\ndef load(data):\n    return yaml.load(data)\n"  # bandit B506
HAS_BANDIT = importlib.util.find_spec("bandit") is not None
needs_bandit = pytest.mark.skipif(not HAS_BANDIT, reason="bandit is not installed: pip install 'lessonloop[scanners]'")


def _recording_bandit(folder: Path, monkeypatch: pytest.MonkeyPatch, *, real: bool) -> Path:
    """$LESSONLOOP_BANDIT set to a script that logs each start to the returned file, then runs
    this interpreter's bandit (`real`) or prints an empty bandit report."""
    log = folder / "bandit-starts.log"
    script = folder / "bandit"
    run = f'exec {shlex.quote(sys.executable)} -m bandit "$@"' if real else """echo '{"results": []}'"""
    script.write_text(f"#!/bin/sh\necho started >> {shlex.quote(str(log))}\n{run}\n", encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv(ENV_BANDIT, str(script))
    return log


def _starts(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def _risky(folder: Path, name: str) -> TranscriptBuilder:
    """A session that writes Python bandit flags (B506), saved as folder/NAME.jsonl."""
    risky = TranscriptBuilder(cwd=str(PROJECT))
    risky.prompt("write the loader")
    path = str(PROJECT / f"{name}.py")
    write = risky.tool_use("Write", {"file_path": path, "content": LOADER})
    risky.tool_result(
        write,
        f"File created successfully at: {path}",
        is_error=False,
        tool_use_result={"type": "create", "filePath": path, "content": LOADER, "structuredPatch": []},
    )
    risky.write(folder / f"{name}.jsonl")
    return risky


def _plain(folder: Path, name: str) -> TranscriptBuilder:
    plain = TranscriptBuilder(cwd=str(PROJECT))
    plain.prompt("run the tests")
    plain.bash("pytest -q", "1 passed")
    plain.write(folder / f"{name}.jsonl")
    return plain


def _ingest(db: Path, *args: str | Path) -> dict[str, Any]:
    result = cli("ingest", "--db", db, "--json", "--no-progress", "--no-learn", *args)
    assert result.exit_code == 0, result.stderr
    data = result.json()
    if data.get("background", {}).get("worker") == "not needed":  # nothing new: no analysis ran at all
        return {"analyzed": 0}
    analysis: dict[str, Any] = data["analysis"]
    return analysis


def _bandit_rules(db: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(db)
    try:
        found: dict[str, list[str]] = {}
        for session_id, rule in conn.execute(
            "SELECT session_id, rule FROM findings WHERE source = 'bandit' ORDER BY session_id, rule"
        ):
            found.setdefault(session_id, []).append(rule)
        return found
    finally:
        conn.close()


def _analyzed(db: Path) -> dict[str, tuple[str, int]]:
    """session id -> (analyzed_at, whether bandit scanned it)."""
    conn = sqlite3.connect(db)
    try:
        return {sid: (at, scanned) for sid, at, scanned in conn.execute(
            "SELECT session_id, analyzed_at, bandit FROM session_executions")}  # fmt: skip
    finally:
        conn.close()


def _set_bandit_config(value: str) -> None:
    result = cli("config", "set", "analysis.bandit", value)
    assert result.exit_code == 0, result.stderr


def test_bandit_is_off_by_default_even_when_it_can_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _recording_bandit(tmp_path, monkeypatch, real=False)
    folder = tmp_path / "in"
    folder.mkdir()
    _risky(folder, "loader")
    _plain(folder, "tests")
    db = tmp_path / "s.db"
    run = _ingest(db, folder)
    assert (run["analyzed"], run["bandit"]) == (2, False)
    assert cli("analyze", "--db", db, "--json", "--force", "--no-progress").exit_code == 0
    assert cli("config", "get", "analysis.bandit").output.strip() == "false"
    _risky(folder, "loader2")
    conn = open_store(db)
    try:  # the Stop hook's background worker, as it runs by default
        live = ingest_transcripts(conn, [str(folder / "loader2.jsonl")])
    finally:
        conn.close()
    assert live["analysis"]["bandit"] is False  # type: ignore[index]
    assert _starts(log) == 0  # no bandit process was started
    assert _bandit_rules(db) == {}
    assert {scanned for _, scanned in _analyzed(db).values()} == {0}


def test_no_bandit_overrides_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = _recording_bandit(tmp_path, monkeypatch, real=False)
    _set_bandit_config("true")
    folder = tmp_path / "in"
    folder.mkdir()
    _risky(folder, "loader")
    run = _ingest(tmp_path / "s.db", "--no-bandit", folder)
    assert (run["analyzed"], run["bandit"]) == (1, False)
    assert _starts(log) == 0
    both = cli("ingest", "--db", tmp_path / "s.db", "--bandit", "--no-bandit", folder)
    assert both.exit_code == 2 and "not allowed with" in both.stderr


@pytest.mark.slow
@needs_bandit
@pytest.mark.parametrize("how", ["config", "flag"])
def test_bandit_runs_when_the_configuration_or_the_flag_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    log = _recording_bandit(tmp_path, monkeypatch, real=True)
    if how == "config":
        _set_bandit_config("true")
    folder = tmp_path / "in"
    folder.mkdir()
    risky = _risky(folder, "loader")
    plain = _plain(folder, "tests")
    db = tmp_path / "s.db"
    run = _ingest(db, *(["--bandit"] if how == "flag" else []), folder)
    assert (run["analyzed"], run["bandit"], run["problems"]) == (2, True, [])
    assert _starts(log) == 1
    assert _bandit_rules(db) == {risky.session_id: ["bandit:B506"]}
    analyzed = _analyzed(db)
    assert analyzed[risky.session_id][1] == 1 and analyzed[plain.session_id][1] == 1  # both scanned
    detail = cli("analyze", "--db", db, "--session", risky.session_id, "--json", "--no-bandit").json()
    assert [(f["rule"], f["line"]) for f in detail["findings"] if f["source"] == "bandit"] == [("bandit:B506", 5)]
    assert detail["max_risk"] > 0


@pytest.mark.slow
@needs_bandit
def test_one_bandit_process_reads_the_edits_of_every_session_of_an_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _recording_bandit(tmp_path, monkeypatch, real=True)
    folder = tmp_path / "in"
    folder.mkdir()
    risky = [_risky(folder, f"loader{n}").session_id for n in range(40)]  # more than one analysis batch (25)
    plain = [_plain(folder, f"tests{n}").session_id for n in range(20)]
    db = tmp_path / "s.db"
    run = _ingest(db, "--bandit", folder)
    assert (run["analyzed"], run["bandit"]) == (60, True)
    assert _starts(log) == 1
    assert _bandit_rules(db) == {sid: ["bandit:B506"] for sid in risky}
    assert all(_analyzed(db)[sid][1] == 1 for sid in risky + plain)


@pytest.mark.slow
@needs_bandit
def test_turning_bandit_on_never_analyzes_the_stored_history_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _recording_bandit(tmp_path, monkeypatch, real=True)
    folder = tmp_path / "in"
    folder.mkdir()
    old = [_risky(folder, f"loader{n}").session_id for n in range(3)] + [_plain(folder, "tests").session_id]
    db = tmp_path / "store" / "lessonloop.db"
    assert _ingest(db, folder)["analyzed"] == 4  # bandit off: the default
    before = _analyzed(db)

    _set_bandit_config("true")
    assert _ingest(db, folder)["analyzed"] == 0  # nothing new: nothing analyzed, bandit not started
    assert _starts(log) == 0
    new = _risky(folder, "fresh").session_id
    queue(str(db), str(folder / "fresh.jsonl"))  # the Stop hook queues the new transcript ...
    assert run_queue(str(db)) == 1  # ... and its background worker ingests it, bandit on
    after = _analyzed(db)
    assert {sid: after[sid] for sid in old} == before  # the history: not analyzed again
    assert after[new][1] == 1
    assert _starts(log) == 1
    assert _bandit_rules(db) == {new: ["bandit:B506"]}  # the old sessions' edits were not scanned

    newer = _risky(folder, "newer").session_id
    run = _ingest(db, folder)  # `lessonloop ingest` of the whole folder: only the new session
    assert (run["analyzed"], run["skipped_unchanged"], run["bandit"]) == (1, 5, True)
    assert _starts(log) == 2
    assert set(_bandit_rules(db)) == {new, newer}
    forced = cli("analyze", "--db", db, "--json", "--force", "--no-progress").json()["run"]
    assert (forced["analyzed"], forced["bandit"]) == (6, True)  # the history, on request
    assert _starts(log) == 3
    assert set(_bandit_rules(db)) == {new, newer, *old[:3]}


def test_a_bandit_that_cannot_start_leaves_the_sessions_unscanned_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_BANDIT, str(tmp_path / "no-such-bandit"))
    folder = tmp_path / "in"
    folder.mkdir()
    _risky(folder, "loader")
    run = _ingest(tmp_path / "s.db", "--bandit", folder)
    assert run["analyzed"] == 1 and run["bandit"] is True
    assert run["problems"] and "bandit could not scan" in run["problems"][0]
    assert {scanned for _, scanned in _analyzed(tmp_path / "s.db").values()} == {0}
