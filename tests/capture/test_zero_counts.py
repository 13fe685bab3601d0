"""A count of 0 where it makes no sense (-n 0 for the most recent N, -n 0 lessons to recall)
is a usage error (exit 2) saying what is expected; where 0 has a meaning (report -n 0: no
habits) the output says so. They were accepted with vague messages ("No sessions match -n 0",
"Nothing passed the minimum score", a report's "none found" habits)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import cli
from tests.transcript_builder import write_build_failure_sessions


@pytest.fixture
def store(tmp_path: Path) -> Path:
    write_build_failure_sessions(tmp_path / "in")
    db = tmp_path / "s.db"
    assert cli("ingest", "--db", db, "--no-progress", tmp_path / "in").exit_code == 0
    return db


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["sessions", "-n", "0"], "-n/--limit"),
        (["runs", "-n", "0"], "-n/--limit"),
        (["lessons", "list", "-n", "0"], "-n/--limit"),
        (["git", "commits", "-n", "0"], "-n/--limit"),
        (["recall", "build", "-n", "0"], "-n/--limit"),
    ],
)
def test_a_count_of_zero_that_means_nothing_is_a_usage_error(store: Path, command: list[str], option: str) -> None:
    result = cli(*command, "--db", store)
    assert result.exit_code == 2, (result.output, result.stderr)
    assert f"argument {option}: must be 1 or more: 0" in result.stderr, result.stderr


def test_one_is_still_a_count(store: Path) -> None:
    assert cli("sessions", "-n", "1", "--db", store).exit_code == 0
    assert cli("recall", "build", "-n", "1", "--db", store).exit_code == 0


def test_report_top_zero_says_the_habits_are_not_shown(store: Path) -> None:
    result = cli("report", "-n", "0", "--db", store)
    assert result.exit_code == 0, result.stderr
    assert "Worst habits per project: not shown (-n 0)." in result.output
    assert "worst habits" not in result.output and "none found" not in result.output
    assert "worst habits" in cli("report", "-n", "1", "--db", store).output
