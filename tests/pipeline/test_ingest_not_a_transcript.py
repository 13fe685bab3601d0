"""A file given to ingest that holds no record at all: a text file, a README or an image (no JSON
record among its first lines) is "not a transcript", said once (it was a problem per line: 250
"invalid-json" lines for a README.md); a JSON chat cut short is read with no readable record. When
nothing else was read the exit status is 1 with the reason, as the README promises ("0 unless
nothing at all could be read")."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import cli
from tests.transcript_builder import TranscriptBuilder

TEXT = "MIT License\n\nCopyright (c) 2026\n\nPermission is hereby granted, free of charge,\nto any person.\n"


def test_a_text_file_alone_is_not_a_transcript_and_exit_1(tmp_path: Path, db_path: Path) -> None:
    notes = tmp_path / "LICENSE"
    notes.write_text(TEXT)
    result = cli("ingest", "--db", db_path, notes)
    assert result.exit_code == 1
    assert "nothing could be read" in result.stderr and "not a transcript" in result.output, result.output
    assert "invalid-json" not in result.output + result.stderr
    data = cli("ingest", "--db", db_path, "--json", notes).json()
    assert data["problems"] == [] and [p for o in data["other_formats"] for p in o["paths"]] == [str(notes)]
    other = tmp_path / "image.png"
    other.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b"\nIEND\n")
    again = cli("ingest", "--db", db_path, "--json", other)
    assert again.exit_code == 1 and again.json()["problems"] == []


def test_a_text_file_beside_a_transcript_is_said_not_a_transcript(tmp_path: Path, db_path: Path) -> None:
    folder = tmp_path / "in"
    t = TranscriptBuilder()
    t.prompt("hello")
    t.write(folder / f"{t.session_id}.jsonl")
    (folder / "notes.jsonl").write_text(TEXT)
    result = cli("ingest", "--db", db_path, "--json", folder)
    assert result.exit_code == 0
    data = result.json()
    assert (data["files"]["read"], data["files"]["nothing_read"]) == (1, 0)
    assert data["sessions"] == 1 and data["problems"] == []
    assert [p for o in data["other_formats"] for p in o["paths"]] == [str(folder / "notes.jsonl")]


def test_a_transcript_with_damaged_lines_is_still_read(tmp_path: Path, db_path: Path) -> None:
    t = TranscriptBuilder()
    t.prompt("hello")
    path = tmp_path / "s.jsonl"
    t.write(path)
    path.write_bytes(b"not json\n" + path.read_bytes() + b"{cut\n")
    result = cli("ingest", "--db", db_path, "--json", path)
    assert result.exit_code == 0
    data = result.json()
    assert (data["files"]["read"], data["files"]["nothing_read"]) == (1, 0)
    assert data["records"] >= 1 and len(data["problems"]) == 2


def test_a_json_chat_cut_short_alone_is_nothing_read(tmp_path: Path, db_path: Path) -> None:
    """A Gemini CLI chat is one JSON document: cut short, the file is skipped whole ("truncated-
    file"), so nothing of it was read; it was counted read, with exit status 0."""
    chat = tmp_path / "session-2026-01-01T10-00-abcd1234.json"
    chat.write_text('{"sessionId": "s-1", "projectHash": "h", "startTime": "2026-01-01T10:00:00Z", "messages": [{"id"')
    result = cli("ingest", "--db", db_path, "--json", chat)
    assert result.exit_code == 1, result.output
    data = result.json()
    assert (data["files"]["read"], data["files"]["nothing_read"]) == (1, 1)
    assert [p["code"] for p in data["problems"]] == ["truncated-file"]
