"""The ingest summary's records line: "N of M lines" holds for JSONL and Markdown, where each
record is a line; a Gemini CLI chat (one JSON document) or OpenCode's storage has records but no
lines, and the summary said "3 of 0 lines"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS, cli

GEMINI = SHARED_CORPUS / "gemini" / "codemie"


@pytest.mark.corpus
def test_records_from_json_documents_are_not_said_to_be_of_lines(tmp_path: Path) -> None:
    if not GEMINI.is_dir():
        pytest.skip(f"real-data corpus not found at {GEMINI}")
    chats = tmp_path / "chats"
    chats.mkdir()
    for path in GEMINI.glob("session-*.json"):
        shutil.copy(path, chats / path.name)
    result = cli("ingest", "--db", tmp_path / "s.db", "--no-analyze", chats)
    assert result.exit_code == 0, result.stderr
    line = next(x for x in result.output.splitlines() if x.startswith("read ")).split("records ", 1)[1]
    assert " of 0 lines" not in line, line
    records = cli("ingest", "--db", tmp_path / "t.db", "--no-analyze", "--json", chats).json()["records"]
    assert line.split()[0] == f"{records:,}"


def test_notices_are_not_all_called_format_drift(tmp_path: Path) -> None:
    """An empty file (or a file another ingest stored meanwhile) is a notice, not format drift:
    the heading said "Notices (1: format drift, nothing lost)" over "empty file"."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.jsonl").write_bytes(b"")
    result = cli("ingest", "--db", tmp_path / "s.db", "--no-analyze", folder)
    assert "empty-file" in result.output
    assert "format drift" not in result.output
    assert "Notices (1; nothing lost):" in result.output


def test_the_sample_message_says_how_to_read_aider_and_other_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Aider keeps its history in each project, where lessonloop cannot know to look on a first
    run: the message that the sample was ingested instead says how to point at a folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for key in ("CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "AIDER_CHAT_HISTORY_FILE", "LESSONLOOP_CONFIG"):
        monkeypatch.delenv(key, raising=False)
    result = cli("ingest", "--db", tmp_path / "s.db", "--no-analyze")
    assert "bundled sample" in result.output
    assert "lessonloop ingest FOLDER" in result.output and "Aider" in result.output
    assert "`lessonloop lessons` (what was learned)" in result.output and "`lessonloop report`" in result.output
