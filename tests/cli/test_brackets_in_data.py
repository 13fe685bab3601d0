"""Texts of the store with square brackets (a folder "[/x]", a Next.js route "app/[id]", a prompt
"fix [/] the [red]thing") are data, not rich markup: the tables show them as they are. A closing
tag that matched nothing made `sessions`, `stats` and `report` end in a traceback (MarkupError),
and an opening one ("[bold]", "[id]") was taken as a style and vanished."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder

CWD = "/tmp/brackets/[/x]/app/[id]"


@pytest.fixture
def bracket_store(tmp_path: Path) -> Path:
    t = TranscriptBuilder(cwd=CWD, start=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    t.prompt("fix [/] the [red]thing")
    t.bash("echo x", "ok")
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    db = tmp_path / "s.db"
    assert cli("ingest", "--db", db, tmp_path / "in").exit_code == 0
    return db


@pytest.mark.parametrize("command", [["sessions"], ["stats"], ["report"], ["analyze", "stats"], ["dataset", "quality"]])
def test_no_command_fails_on_brackets(bracket_store: Path, command: list[str]) -> None:
    result = cli(*command, "--db", bracket_store)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr and "MarkupError" not in result.stderr


def test_the_sessions_table_shows_them_as_they_are(bracket_store: Path) -> None:
    out = cli("sessions", "--db", bracket_store).output
    assert "[/x]/app/[id]" in out
    assert "fix [/] the [red]thing" in out


def test_the_report_names_the_project_as_it_is(bracket_store: Path) -> None:
    out = cli("report", "--db", bracket_store).output
    assert "[bold]" not in out


def test_a_sessions_analysis_shows_paths_as_they_are(tmp_path: Path) -> None:
    t = TranscriptBuilder(cwd="/tmp/web", start=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    t.prompt("fix the page")
    for _ in range(2):  # read twice: a duplicate read, a signal that names the path
        call = t.tool_use("Read", {"file_path": "/tmp/web/app/[id]/page.tsx"})
        t.tool_result(call, "export default function Page() {}", is_error=False)
    t.write(tmp_path / "in" / f"{t.session_id}.jsonl")
    db = tmp_path / "s.db"
    assert cli("ingest", "--db", db, tmp_path / "in").exit_code == 0
    out = cli("analyze", "--session", t.session_id, "--db", db).output
    assert "app/[id]/page.tsx" in out, out


def test_quality_shows_a_repeated_commit_message_as_it_is(tmp_path: Path) -> None:
    """ "chore: bump [skip ci]" was listed as "chore: bump " (rich took [skip ci] for a style)."""
    from tests.git_helpers import commit_file, make_repo

    repo = make_repo(tmp_path / "repo")
    for round_ in range(3):
        commit_file(repo, "VERSION", f"{round_}\n", "chore: bump [skip ci]", f"2026-11-01T0{round_}:00:00Z")
    db = tmp_path / "s.db"
    assert cli("ingest", "--git", "--db", db, repo).exit_code == 0
    out = cli("dataset", "quality", "--db", db).output
    assert "chore: bump [skip ci]" in out, out
