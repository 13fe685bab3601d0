"""No file of an agent lessonloop does not read is stored as another agent's session (issue 64,
item 4). Real files the agents wrote against the harness's model server (tests/data/other_agents/):

- Cline 3.0.65's `<id>.messages.json` was read as a Gemini CLI chat: a session of 0 messages;

Each is now named "not a transcript of any agent lessonloop knows", counted among the files not
read, and nothing of it is stored, so a later lessonloop with its reader reads it. A file of an
agent lessonloop reads that holds no session (Claude Code's summaries only) stays read, as
before. Two agents' files were misread before their readers existed and are read as their own
now: a Qwen Code chat (taken for Claude Code's) and a Factory Droid session (read as a Codex
rollout: 0 sessions, two notices, the file kept as read). Kimi Code's wire log was told apart by
sniffing before its reader, and is read now (tests/capture/test_kimi_code_adapter.py); a Continue
CLI session (an indented JSON document), read line by line as Claude Code's before (151
problems), is read by its own reader (tests/capture/test_continue_adapter.py).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.capture.test_gemini_adapter import ingest

OTHERS = Path(__file__).parent.parent / "data" / "other_agents"
FILES = {
    "cline-3.0.65.messages.json": "unknown-no-session",
    "cline-3.0.65.json": "unknown-no-session",
}
QWEN = Path(__file__).parent.parent / "data" / "qwen_code_0_24_4" / "push.jsonl"
DROID = next((Path(__file__).parent.parent / "data" / "droid_0_215_0").rglob("56c237b5-*.jsonl"))


def _not_read(db: Path, path: Path) -> Any:
    """`ingest --json PATH` on a file it does not read: exit 1 (nothing could be read), the report."""
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--no-progress", "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    return json.loads(done.stdout)


def _count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("name", sorted(FILES))
def test_another_agents_file_is_named_and_not_stored(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(OTHERS / name, folder / name)
    db = tmp_path / "s.db"
    report = _not_read(db, folder / name)
    assert report["files"]["read"] == 0
    assert report["files"]["other_format"] == 1
    [other] = report["other_formats"]
    assert other["format"] == FILES[name]
    assert other["detail"].startswith("not a transcript of any agent lessonloop knows")
    assert report["problems"] == [] and report["notices"] == []
    for table in ("sessions", "messages", "tool_calls", "source_files", "ingest_problems"):
        assert _count(db, f"SELECT count(*) FROM {table}") == 0, table
    # sniffed again on the next run: still not read, still nothing stored
    again = _not_read(db, folder / name)
    assert again["files"]["other_format"] == 1 and _count(db, "SELECT count(*) FROM source_files") == 0


def test_a_file_of_known_records_without_a_session_stays_read(tmp_path: Path) -> None:
    """Claude Code writes files of summaries alone: its records, no session; read as before."""
    path = tmp_path / "summaries.jsonl"
    path.write_text(json.dumps({"type": "summary", "summary": "Fix the parser", "leafUuid": "u1"}) + "\n")
    db = tmp_path / "s.db"
    report = ingest(db, path)
    assert report["files"]["read"] == 1 and report["files"]["other_format"] == 0
    assert _count(db, "SELECT count(*) FROM source_files") == 1


def test_a_qwen_code_chat_is_read_as_its_own(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    report = ingest(db, QWEN)
    assert report["files"]["read"] == 1
    assert _count(db, "SELECT count(*) FROM sessions WHERE agent = 'qwen-code'") == 1
    assert _count(db, "SELECT count(*) FROM tool_calls") == 2


def test_a_droid_session_is_read_as_its_own(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    report = ingest(db, DROID)
    assert report["files"]["read"] == 1
    assert _count(db, "SELECT count(*) FROM sessions WHERE agent = 'droid'") == 1
    assert _count(db, "SELECT count(*) FROM tool_calls") == 2


def test_a_file_read_before_is_never_dropped(tmp_path: Path) -> None:
    """A transcript stored before keeps what it stored even when what is appended is all foreign."""
    path = tmp_path / "chat.jsonl"
    shutil.copy(QWEN, path)
    db = tmp_path / "s.db"
    ingest(db, path)
    with path.open("a") as handle:
        handle.write('{"type": "checkpoint", "sessionId": "d557117b", "uuid": "x"}\n{"broken": \n')
    report = ingest(db, path)
    assert report["files"]["other_format"] == 0
    assert _count(db, "SELECT count(*) FROM tool_calls") == 2
    assert _count(db, "SELECT count(*) FROM source_files") == 1
