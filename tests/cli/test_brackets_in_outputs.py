"""Stored texts with "[skip ci]" and "[id]" (a prompt, a command, a folder, a tool and a model
name, a recorded run's command) are data, not rich markup: every command's text output shows them
as they are. rich took "[skip ci]" or "[id]" for a style and dropped it from `stats` (tool and
model names), `patterns --command` (its title), `recall` (its title) and `quality` (a repository)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import cli
from tests.git_helpers import commit_file, make_repo
from tests.runner_helpers import lessonloop_run
from tests.transcript_builder import TranscriptBuilder

FOLDER = "/tmp/brackets/app/[id]"
COMMAND = "npm run build -- --tag [skip ci]"
TOOL = "mcp__web__open_[id]"
MODEL = "claude-[skip ci]"
RUN_WORDS = ["echo", "[skip ci]", "[id]"]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    work = tmp_path
    for day in range(1, 5):  # the same failure in four sessions: a lesson to recall
        t = TranscriptBuilder(cwd=FOLDER, start=datetime(2026, 11, day, 9, 0, tzinfo=UTC))
        t.prompt("fix the build [skip ci] for app/[id]")
        for _ in range(2):
            t.bash(COMMAND, "Error: Cannot find module 'app/[id]/page.tsx'", exit_code=1)
        t.bash("npm install && " + COMMAND, "built")
        call = t.tool_use(TOOL, {"url": "http://localhost/app/[id]"}, model=MODEL)
        t.tool_result(call, "opened", is_error=False)
        t.write(work / "in" / f"{t.session_id}.jsonl")
    db = work / "s.db"
    assert cli("ingest", "--db", db, "--no-progress", work / "in").exit_code == 0
    repo = make_repo(work / "repo [id]")
    for n in range(2):
        commit_file(repo, "VERSION", f"{n}\n", "chore: bump [skip ci]", f"2026-11-01T0{n}:00:00Z")
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    for _ in range(3):
        assert lessonloop_run("--no-profile", "-e", "FAILED", "--", *RUN_WORDS, db=db).status == 0
    return db


def output(*words: str | Path) -> str:
    result = cli(*words)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.output


def test_stats_shows_tool_and_model_names_as_they_are(store: Path) -> None:
    out = output("stats", "--db", store)
    assert TOOL in out and MODEL in out, out


def test_runs_patterns_and_suggest_show_the_command_as_it_is(store: Path) -> None:
    command = " ".join(RUN_WORDS)
    assert command in output("runs", "--db", store)
    patterns = output("runs", "patterns", "--db", store, "--command", command)
    assert f"of `{command}`" in patterns, patterns
    suggest = output("runs", "suggest", "--db", store, "--", *RUN_WORDS)
    assert f"`{command}`" in suggest and "'[skip ci]' '[id]'" in suggest, suggest


def test_recall_shows_the_query_as_it_is(store: Path) -> None:
    out = output("recall", "--db", store, "fix the build [skip ci] for app/[id]")
    assert "'fix the build [skip ci] for app/[id]'" in out, out


def test_quality_report_and_sessions_keep_them(store: Path) -> None:
    assert "repo [id]" in output("dataset", "quality", "--db", store)
    sessions = output("sessions", "--db", store)
    assert "app/[id]" in sessions and "fix the build [skip ci] for app/[id]" in sessions, sessions
    assert "app/[id]" in output("report", "--db", store)


def test_show_keeps_the_command_and_the_prompt(store: Path) -> None:
    session_id = json.loads(output("sessions", "--db", store, "--json"))[0]["id"]
    out = output("show", session_id, "--db", store)
    assert COMMAND in out and "fix the build [skip ci] for app/[id]" in out and TOOL in out, out
