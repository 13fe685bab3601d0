"""The ingest job (pipeline/ingest_job.py) called directly on real stores: one small Claude Code
transcript (a failing test run, then a passing one), the report's figures, and `lessonloop ingest
--json` printing exactly the report's `to_json()` (the CLI parses and renders, the job runs)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.history.jobs import GitIngestRequest, run_git_ingest_job
from lessonloop.pipeline.ingest_job import IngestRequest, ResultsFileError, run_ingest_job
from lessonloop.pipeline.live_ingest import ingest_transcripts
from lessonloop.settings.config import load_config
from lessonloop.store import open_store
from tests.conftest import cli
from tests.git_helpers import commit_file, make_repo

FINDINGS = Path(__file__).resolve().parent.parent / "data" / "findings"
CLOCK = {"seconds", "mb_per_second"}  # the clock's figures: differ between two runs
# and what the command adds to the job's report: how the analysis and learning ran (waited for
# here, as tests run ingest: $LESSONLOOP_INGEST_WAIT; tests/pipeline/test_background_worker.py the rest)
CLOCK |= {"background"}


def _transcript(path: Path, session: str = "s1") -> Path:
    """A session that runs the tests, sees them fail, and runs them again with success."""
    base = {"sessionId": session, "cwd": "/home/dev/app", "gitBranch": "main", "version": "2.1.38"}

    def call(n: int, command: str, output: str, error: bool) -> list[dict[str, Any]]:
        stamp = f"2026-03-02T09:0{n}:0"
        return [
            {**base, "type": "assistant", "uuid": f"{session}a{n}", "timestamp": f"{stamp}1.000Z",
             "message": {"role": "assistant", "content": [
                 {"type": "tool_use", "id": f"toolu_{session}{n}", "name": "Bash", "input": {"command": command}}]}},
            {**base, "type": "user", "uuid": f"{session}r{n}", "parentUuid": f"{session}a{n}",
             "timestamp": f"{stamp}2.000Z",
             "message": {"role": "user", "content": [
                 {"type": "tool_result", "tool_use_id": f"toolu_{session}{n}", "content": output, "is_error": error}]}},
        ]  # fmt: skip

    lines = [
        {**base, "type": "user", "uuid": f"{session}p", "timestamp": "2026-03-02T09:00:00.000Z",
         "message": {"role": "user", "content": "run the tests"}},
        *call(1, "pytest tests/test_app.py", "Exit code 1\nFAILED tests/test_app.py::test_add - assert 3 == 4", True),
        *call(2, "pytest tests/test_app.py", "1 passed in 0.01s", False),
    ]  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _without_clock(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_clock(v) for k, v in value.items() if k not in CLOCK}
    if isinstance(value, list):
        return [_without_clock(v) for v in value]
    return value


def _job(db: Path, request: IngestRequest, *, config: bool = True) -> Any:
    conn = open_store(db)
    try:
        return run_ingest_job(conn, request, load_config() if config else None)
    finally:
        conn.close()


def test_the_wings_steps_run_at_the_end_of_the_job(tmp_path: Path) -> None:
    """A wing's step after ingest (core/wing.py's after_ingest) runs at the end of the job: the team
    wing's looks at the store's file and starts no sync for a store that joined no team."""
    transcript = _transcript(tmp_path / "projects" / "-home-dev-app" / "s1.jsonl")
    db = tmp_path / "job.db"
    report = _job(db, IngestRequest(paths=(str(transcript),), store_file=db))
    assert report.wing_steps == {"team_sync_started": False}
    assert not (tmp_path / "team-sync.log").exists()


def test_the_job_reads_analyzes_and_learns(tmp_path: Path) -> None:
    transcript = _transcript(tmp_path / "projects" / "-home-dev-app" / "s1.jsonl")
    report = _job(tmp_path / "job.db", IngestRequest(paths=(str(transcript),)))
    summary = report.summary
    assert summary is not None and not summary.used_sample and not report.nothing_readable
    assert (summary.files_found, summary.files_read, len(summary.main_sessions)) == (1, 1, 1)
    assert (summary.prompts, summary.tool_calls, summary.tool_results, summary.tool_errors) == (1, 2, 2, 1)
    assert report.projects is not None
    assert report.imports == [] and not report.nothing_imported
    links = report.sections["links"]  # the history wing's step before analysis
    assert links.skipped is not None and links.section_json() is None  # no commits stored
    assert report.analysis is not None and (report.analysis.sessions, report.analysis.analyzed) == (1, 1)
    assert report.learning is not None and report.learning.tool_calls == 2
    assert report.stats is None and report.live_calls_dropped is None
    assert report.wing_steps == {} and not report.sample_refused  # no store file: no step starts a process
    data = report.to_json()
    assert "links" not in data and "imports" not in data and "stats" not in data
    assert data["sessions"] == 1 and data["analysis"]["analyzed"] == 1

    again = _job(tmp_path / "job.db", IngestRequest(paths=(str(transcript),)))  # nothing new
    assert again.summary.files_unchanged == 1 and again.analysis.analyzed == 0

    done = cli("ingest", transcript, "--db", tmp_path / "cli.db", "--json")
    assert done.exit_code == 0, done.stderr
    assert _without_clock(done.json()) == _without_clock(data)


def test_without_analysis_nothing_is_analyzed_or_learned(tmp_path: Path) -> None:
    transcript = _transcript(tmp_path / "t" / "s1.jsonl")
    report = _job(tmp_path / "job.db", IngestRequest(paths=(str(transcript),), analyze=False))
    assert report.analysis is None and report.learning is None
    analyzed_only = _job(tmp_path / "job2.db", IngestRequest(paths=(str(transcript),), learn=False))
    assert analyzed_only.analysis is not None and analyzed_only.learning is None
    done = cli("ingest", transcript, "--db", tmp_path / "cli.db", "--json", "--no-learn")
    assert _without_clock(done.json()) == _without_clock(analyzed_only.to_json())


def test_nothing_readable_is_the_reports_and_the_cli_exits_1(tmp_path: Path) -> None:
    text = tmp_path / "notes" / "notes.jsonl"
    text.parent.mkdir()
    text.write_text("not json at all\n", encoding="utf-8")
    report = _job(tmp_path / "job.db", IngestRequest(paths=(str(text),)))
    assert report.nothing_readable
    done = cli("ingest", text, "--db", tmp_path / "cli.db", "--json")
    assert done.exit_code == 1
    assert _without_clock(done.json()) == _without_clock(report.to_json())


def test_results_only_reads_no_sessions(tmp_path: Path) -> None:
    request = IngestRequest(sarif=(str(FINDINGS / "invalid.sarif"),))
    assert request.results_only
    report = _job(tmp_path / "job.db", request, config=False)
    assert report.summary is None and report.projects is None
    assert len(report.imports) == 1 and report.nothing_imported
    done = cli("ingest", "--db", tmp_path / "cli.db", "--json", "--sarif", FINDINGS / "invalid.sarif")
    assert done.exit_code == 1
    assert _without_clock(done.json()) == _without_clock(report.to_json())

    with pytest.raises(ResultsFileError, match="cannot read"):
        _job(tmp_path / "job.db", IngestRequest(junit=(str(tmp_path / "missing.xml"),)), config=False)


def test_the_workers_request_analyzes_what_it_read_and_drops_the_live_calls(tmp_path: Path) -> None:
    first = _transcript(tmp_path / "t" / "s1.jsonl")
    db = tmp_path / "job.db"
    _job(db, IngestRequest(paths=(str(first),)))
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO live_calls (id, session_id, seq, ts, tool, ok, status) "
            "VALUES ('toolu_s21', 's2', 1, '2026-03-02T09:01:01.000Z', 'Bash', 0, 'error')"
        )
    conn.close()
    second = _transcript(tmp_path / "t" / "s2.jsonl", "s2")
    request = IngestRequest(paths=(str(second),), only_touched=True, sample=False, drop_live_calls=True)
    report = _job(db, request)
    assert report.analysis is not None and (report.analysis.sessions, report.analysis.analyzed) == (1, 1)
    assert report.live_calls_dropped == 1
    worker = report.worker_json()
    assert set(worker) == {"ingest", "analysis", "learning", "live_calls_dropped"}

    conn = open_store(tmp_path / "worker.db")
    try:
        got = ingest_transcripts(conn, [str(first)], bandit=False)
    finally:
        conn.close()
    assert got["live_calls_dropped"] == 0 and got["ingest"]["sessions"] == 1  # type: ignore[index]


def test_the_sample_is_refused_when_the_request_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    report = _job(tmp_path / "job.db", IngestRequest(sample=False))
    assert report.sample_refused and report.summary is None and report.worker_json() == {"ingested": 0}
    conn = sqlite3.connect(tmp_path / "job.db")
    try:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone() == (0,)
    finally:
        conn.close()


def test_the_git_job_reads_and_links_as_ingest_git_prints(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    commit_file(repo, "a.py", "x = 1\n", "feat: one", "2024-03-02T10:00:00+00:00")
    conn = open_store(tmp_path / "job.db")
    try:
        report = run_git_ingest_job(conn, GitIngestRequest(repositories=(str(repo),)), load_config())
    finally:
        conn.close()
    assert report.summary.commits_stored == 1 and not report.nothing_readable
    done = cli("ingest", "--git", repo, "--db", tmp_path / "cli.db", "--json")
    assert done.exit_code == 0, done.stderr
    assert _without_clock(done.json()) == _without_clock(report.to_json())
