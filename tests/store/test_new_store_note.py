"""A reading command that finds no store at its path refuses, naming the path and how to make one
(a mistyped --db or $LESSONLOOP_DB used to make an empty store there and answer "No sessions stored
yet": a silent wrong answer). A writing command (ingest) makes the store and says so once; an
existing store, empty or not, gets no note."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lessonloop.store import open_store
from tests.conftest import cli

READING = (["sessions"], ["stats"], ["stats", "--json"], ["lessons", "list"], ["report"], ["recall", "git push"])


@pytest.mark.parametrize("command", READING, ids=lambda c: " ".join(c))
def test_a_reading_command_refuses_a_store_that_does_not_exist(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "typo" / "lessonloop.db"
    result = cli(*command, "--db", db)
    assert result.exit_code == 1 and result.output == ""
    assert f"no store at {db} (from --db: check its spelling)" in result.stderr, result.stderr
    assert f"lessonloop ingest --db {db}" in result.stderr
    assert not db.parent.exists()  # nothing made


def test_the_store_named_by_the_environment_is_said_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("LESSONLOOP_DB", str(db))
    result = cli("sessions")
    assert result.exit_code == 1 and "(from $LESSONLOOP_DB: check its spelling)" in result.stderr, result.stderr
    assert not db.exists()


def test_ingest_makes_a_new_store_and_names_it_once(tmp_path: Path) -> None:
    db = tmp_path / "new" / "lessonloop.db"
    empty = tmp_path / "no-sessions"
    empty.mkdir()
    first = cli("ingest", empty, "--db", db)
    assert db.is_file() and str(db) in first.stderr and "new, empty" in first.stderr, first.stderr
    again = cli("sessions", "--db", db)
    assert again.exit_code == 0 and again.stderr == ""
    assert os.stat(db).st_mode & 0o777 == 0o600


def test_stats_of_an_empty_store_says_nothing_is_stored(tmp_path: Path) -> None:
    """It printed "0 sessions (+0 subagent contexts) in 0 project(s), - to -; ..."."""
    db = tmp_path / "new.db"
    open_store(db).close()
    result = cli("stats", "--db", db)
    assert result.exit_code == 0
    assert "No sessions stored yet" in result.output and "- to -" not in result.output
    assert cli("stats", "--db", db, "--json").json()["sessions"] == 0
