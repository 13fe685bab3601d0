"""A command that finds no store at its path makes a new, empty one there, and says so on stderr
with the path: a mistyped --db (or $LESSONLOOP_DB) used to answer "No sessions stored yet" and
leave an empty store behind without a word. An existing store gets no note."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import cli


def test_a_new_store_is_named_once(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "lessonloop.db"
    first = cli("sessions", "--db", db)
    assert first.exit_code == 0
    assert str(db) in first.stderr and "new, empty" in first.stderr, first.stderr
    again = cli("sessions", "--db", db)
    assert again.exit_code == 0 and again.stderr == ""


def test_json_output_stays_valid_with_the_note(tmp_path: Path) -> None:
    result = cli("stats", "--db", tmp_path / "new.db", "--json")
    assert result.exit_code == 0
    assert result.json()["sessions"] == 0
    assert "new, empty" in result.stderr


def test_stats_of_an_empty_store_says_nothing_is_stored(tmp_path: Path) -> None:
    """It printed "0 sessions (+0 subagent contexts) in 0 project(s), - to -; ..."."""
    result = cli("stats", "--db", tmp_path / "new.db")
    assert result.exit_code == 0
    assert "No sessions stored yet" in result.output and "- to -" not in result.output
