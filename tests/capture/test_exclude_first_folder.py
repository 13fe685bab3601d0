"""capture.exclude_projects when a session's first records name no folder (issue 25, item 6): the
first record that names one decides, and an excluded project stores nothing, whatever came
before it and however the file is cut into chunks. Real transcripts of each agent, copied and
changed the way such files come (a title first, a record without cwd, a meta without cwd)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.capture import line_reader
from tests.conftest import SHARED_CORPUS, cli

SHORT = SHARED_CORPUS / "claude-code" / "spotter" / "short.jsonl"
CODEX = (
    SHARED_CORPUS
    / "codex"
    / "parking-lot"
    / "sessions"
    / "2025"
    / "12"
    / "06"
    / "rollout-2025-12-06T15-11-37-019af581-86ce-7d23-b9c6-0f99353d36af.jsonl"
)
OPENCODE = SHARED_CORPUS / "opencode" / "codemie" / "storage"
TABLES = ("sessions", "messages", "tool_calls", "token_usage", "file_sessions")


def _need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"real-data corpus not found at {path} (the ../shared folder is absent)")


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _exclude(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str) -> None:
    config = tmp_path / "cfg" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[capture]\nexclude_projects = [{json.dumps(pattern)}]\n", encoding="utf-8")
    monkeypatch.setenv("LESSONLOOP_CONFIG", str(config))


def _counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
    finally:
        conn.close()


def _ingest(db: Path, folder: Path) -> dict[str, Any]:
    result = cli("ingest", "--db", db, folder, "--json", "--no-analyze")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = result.json()
    return data


def _titled_claude_code(folder: Path, *, strip_first_cwd: bool) -> tuple[Path, str]:
    """short.jsonl opening with a summary and a title that name no folder (and, with
    `strip_first_cwd`, its first user record without its cwd too)."""
    records = _records(SHORT)
    session_id = next(r["sessionId"] for r in records if "sessionId" in r)
    cwd = next(r["cwd"] for r in records if "cwd" in r)
    head = [
        {"type": "summary", "summary": "SUMMARYMARK of the work", "leafUuid": "0b7c1d2e-0000-4000-8000-000000000001"},
        {"type": "ai-title", "sessionId": session_id, "aiTitle": "TITLEMARK client work"},
    ]
    if strip_first_cwd:
        first = next(i for i, r in enumerate(records) if r.get("type") == "user")
        records[first] = {k: v for k, v in records[first].items() if k != "cwd"}
    return _write(folder / f"{session_id}.jsonl", head + records), cwd


@pytest.mark.corpus
@pytest.mark.parametrize("strip_first_cwd", [False, True])
@pytest.mark.parametrize("block_bytes", [None, 1500])
def test_claude_code_session_opening_without_cwd_is_excluded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strip_first_cwd: bool, block_bytes: int | None
) -> None:
    _need(SHORT)
    _, cwd = _titled_claude_code(tmp_path / "in", strip_first_cwd=strip_first_cwd)
    if block_bytes is not None:  # chunks of a few lines: the folder is named chunks after the session began
        monkeypatch.setattr(line_reader, "BLOCK_BYTES", block_bytes)
    _exclude(tmp_path, monkeypatch, cwd)
    db = tmp_path / "store.db"
    data = _ingest(db, tmp_path / "in")
    assert data["sessions"] == 0
    assert any(n["code"] == "excluded-sessions" for n in data["notices"])
    assert _counts(db) == dict.fromkeys(TABLES, 0)
    stored = db.read_bytes() + b"".join(p.read_bytes() for p in tmp_path.glob("store.db-*"))
    for mark in (b"TITLEMARK", b"SUMMARYMARK"):
        assert mark not in stored


@pytest.mark.corpus
def test_a_session_allowed_late_is_stored_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Records held while the folder was unknown are stored once it is known and allowed: the
    same rows as when the whole file is one chunk."""
    _need(SHORT)
    _titled_claude_code(tmp_path / "in", strip_first_cwd=True)
    _exclude(tmp_path, monkeypatch, "/somewhere/else")
    whole = tmp_path / "whole.db"
    _ingest(whole, tmp_path / "in")
    monkeypatch.setattr(line_reader, "BLOCK_BYTES", 1500)
    cut = tmp_path / "cut.db"
    _ingest(cut, tmp_path / "in")
    assert _counts(cut) == _counts(whole)
    assert _counts(whole)["messages"] > 0

    def rows(db: Path) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(db)
        try:
            return conn.execute("SELECT id, cwd, project, title FROM sessions").fetchall()
        finally:
            conn.close()

    assert rows(cut) == rows(whole)
    ((_, cwd, project, title),) = rows(whole)
    assert cwd and project and title == "TITLEMARK client work"  # the folder of the first record naming one


@pytest.mark.corpus
def test_codex_rollout_whose_meta_names_no_folder_is_excluded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _need(CODEX)
    records = _records(CODEX)
    meta = records[0]
    assert meta["type"] == "session_meta"
    cwd = meta["payload"].pop("cwd")
    _write(tmp_path / "in" / CODEX.name, records)
    monkeypatch.setattr(line_reader, "BLOCK_BYTES", 4000)
    _exclude(tmp_path, monkeypatch, cwd)
    db = tmp_path / "store.db"
    data = _ingest(db, tmp_path / "in")
    assert data["sessions"] == 0
    assert _counts(db) == dict.fromkeys(TABLES, 0)


@pytest.mark.corpus
def test_opencode_session_without_directory_is_excluded_by_its_replies_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _need(OPENCODE)
    storage = tmp_path / "opencode" / "storage"
    shutil.copytree(OPENCODE, storage)
    session_file = next((storage / "session").rglob("*.json"))
    info = json.loads(session_file.read_text(encoding="utf-8"))
    info.pop("directory")
    session_file.write_text(json.dumps(info), encoding="utf-8")
    for message in (storage / "message").rglob("*.json"):
        data = json.loads(message.read_text(encoding="utf-8"))
        if data.get("role") == "assistant":  # OpenCode's assistant messages carry path {cwd, root}
            data["path"] = {"cwd": "/home/dev/clients/bank", "root": "/home/dev/clients/bank"}
            message.write_text(json.dumps(data), encoding="utf-8")
    _exclude(tmp_path, monkeypatch, "/home/dev/clients/*")
    db = tmp_path / "store.db"
    data = _ingest(db, storage)
    assert data["sessions"] == 0
    assert any(n["code"] == "excluded-sessions" for n in data["notices"])
    assert _counts(db) == dict.fromkeys(TABLES, 0)
