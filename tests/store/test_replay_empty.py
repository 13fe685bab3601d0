"""`replay` with nothing to replay says why: an empty store is told to ingest first (it said only
"no tool calls to replay"), transcripts given that hold no call are named as such."""

from __future__ import annotations

from pathlib import Path

from lessonloop.store import open_store
from tests.conftest import cli


def test_replay_of_an_empty_store_says_to_ingest_first(tmp_path: Path) -> None:
    open_store(tmp_path / "s.db").close()
    result = cli("replay", "--db", tmp_path / "s.db")
    assert result.exit_code == 1
    assert "no sessions stored yet" in result.stderr and "lessonloop ingest" in result.stderr, result.stderr


def test_replay_of_files_without_calls_names_them(tmp_path: Path) -> None:
    notes = tmp_path / "notes.jsonl"
    notes.write_text("just text\n")
    result = cli("replay", notes)
    assert result.exit_code == 1
    assert "no tool calls to replay in the transcripts given" in result.stderr, result.stderr
