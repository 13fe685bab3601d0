"""Paths the person names are sniffed by content (issue 81, item 5): a file listed in
`capture.paths` is recognized by its content, like a discovered one or a file named to `ingest`
(an OpenCode database is read as one, never as an Aider history), and a file read wrong before
(stored as another agent's format, with problems) is read again once a reader recognizes it: what
the wrong reading stored is replaced by the right reading, a `read-again` notice says so, and no
other file's rows change (pipeline/misread_files.py). Real processes on real stores, an OpenCode
database written from the shared corpus's OpenCode sessions, a real Claude Code transcript and a
real Aider history."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lessonloop.capture.discovery import SourceRef
from lessonloop.pipeline.ingest import IngestSummary, ingest
from lessonloop.store import open_store
from tests.conftest import SHARED_CORPUS, dump_store, store_differences
from tests.corpus_copies import OPENCODE_CORPUS, opencode_sessions, write_opencode_db
from tests.home_processes import home_env, lessonloop

pytestmark = pytest.mark.corpus
SHORT = SHARED_CORPUS / "claude-code" / "spotter" / "short.jsonl"
AIDER = SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md"


@pytest.fixture(autouse=True)
def _corpus() -> None:
    for path in (OPENCODE_CORPUS, SHORT, AIDER):
        if not path.exists():
            pytest.skip(f"the shared corpus is not there: {path}")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A person with no agent's folder of their own (only what they name is read); their
    configuration file is the test's (conftest's LESSONLOOP_CONFIG)."""
    return home_env(tmp_path / "home")


def _database(path: Path) -> Path:
    """A real OpenCode database: the shared corpus's OpenCode sessions as OpenCode 1.2 writes them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_opencode_db(path, opencode_sessions())
    return path


def _opencode_session_ids() -> set[str]:
    return {str(session[0]["id"]) for _project, session in opencode_sessions()}


def _ingest_json(env: dict[str, str], *words: str) -> Any:
    return json.loads(lessonloop(env, "ingest", *words, "--no-analyze", "--json").stdout)


def _sessions_by_agent(db: Path) -> dict[str, set[str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT agent, id FROM sessions WHERE parent_id IS NULL").fetchall()
    found: dict[str, set[str]] = {}
    for agent, session in rows:
        found.setdefault(str(agent), set()).add(str(session))
    return found


def _problems_of(db: Path, path: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM ingest_problems WHERE path = ?", (str(path),)).fetchone()[0])


@pytest.mark.parametrize("name", ["opencode.db", "chats-backup.sqlite"])
def test_an_opencode_database_listed_in_capture_paths_is_read_as_one(
    tmp_path: Path, env: dict[str, str], name: str
) -> None:
    database = _database(tmp_path / "backups" / name)
    lessonloop(env, "config", "set", "capture.paths", str(database))
    db = Path(env["LESSONLOOP_DB"])
    done = _ingest_json(env)
    assert done["problems"] == [], done["problems"][:3]
    assert _sessions_by_agent(db) == {"opencode": _opencode_session_ids()}
    assert _problems_of(db, database) == 0
    # named to `ingest` as the README shows: the same file, unchanged, nothing read wrong
    again = _ingest_json(env, str(database))
    assert again["problems"] == [] and again.get("notices", []) == []
    assert _sessions_by_agent(db) == {"opencode": _opencode_session_ids()}


def test_a_history_aider_wrote_under_another_name_listed_in_capture_paths_is_aiders(
    tmp_path: Path, env: dict[str, str]
) -> None:
    lines = AIDER.read_text(encoding="utf-8").splitlines(keepends=True)
    history = tmp_path / "notes" / "chat-log.md"  # aider --chat-history-file chat-log.md
    history.parent.mkdir()
    history.write_text("".join(lines[:247]), encoding="utf-8")  # its first four sessions
    lessonloop(env, "config", "set", "capture.paths", str(history))
    done = _ingest_json(env)
    assert done["problems"] == []
    assert set(_sessions_by_agent(Path(env["LESSONLOOP_DB"]))) == {"aider"}


def _misread_as_aider(db: Path, database: Path) -> None:
    """What an older lessonloop's ingest without paths did with the database listed in
    capture.paths: Aider's discovery handed it on as an Aider history, and it was read as one."""
    conn = open_store(db)
    try:
        ingest(conn, [SourceRef(str(database), "aider", format="aider-chat-history")], IngestSummary())
    finally:
        conn.close()


def test_a_database_read_as_an_aider_history_before_is_read_again_as_opencodes(
    tmp_path: Path, env: dict[str, str]
) -> None:
    transcript = Path(shutil.copy(SHORT, tmp_path / "short.jsonl"))
    database = _database(tmp_path / "backups" / "opencode.db")
    db = Path(env["LESSONLOOP_DB"])
    _ingest_json(env, str(transcript))
    _misread_as_aider(db, database)
    assert _problems_of(db, database) > 0  # the misread, remembered by the store
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT agent, format FROM source_files WHERE path = ?", (str(database),)).fetchone() == (
            "aider",
            "aider-chat-history",
        )
    # `lessonloop ingest FILE`, as the README shows: read as what it is, the misread replaced
    done = _ingest_json(env, str(database))
    (notice,) = [n for n in done["notices"] if n["code"] == "read-again"]
    assert notice["path"] == str(database)
    assert "read before as an Aider chat history" in notice["detail"]
    assert "recognized now as an OpenCode database" in notice["detail"]
    assert _problems_of(db, database) == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM source_files WHERE path = ?", (str(database),)).fetchone() == (0,)
    # exactly what a store that read both right holds: the other file's rows untouched
    clean = tmp_path / "clean.db"
    _ingest_json({**env, "LESSONLOOP_DB": str(clean)}, str(transcript))
    _ingest_json({**env, "LESSONLOOP_DB": str(clean)}, str(database))
    assert store_differences(dump_store(clean), dump_store(db)) == []
    # and read right, it stays so
    again = _ingest_json(env, str(database))
    assert [n for n in again.get("notices", []) if n["code"] == "read-again"] == []


def test_a_misread_database_listed_in_capture_paths_is_read_again_by_a_plain_ingest(
    tmp_path: Path, env: dict[str, str]
) -> None:
    database = _database(tmp_path / "backups" / "sessions.sqlite")
    db = Path(env["LESSONLOOP_DB"])
    _misread_as_aider(db, database)
    lessonloop(env, "config", "set", "capture.paths", str(database))
    done = _ingest_json(env)
    assert [n["path"] for n in done["notices"] if n["code"] == "read-again"] == [str(database)]
    assert _sessions_by_agent(db) == {"opencode": _opencode_session_ids()}
    assert _problems_of(db, database) == 0


def test_a_damaged_transcript_read_right_is_not_read_again(tmp_path: Path, env: dict[str, str]) -> None:
    """Problems alone are no misread: a Claude Code transcript with a broken line, which no other
    reader recognizes, keeps what it stored."""
    transcript = tmp_path / "short.jsonl"
    transcript.write_bytes(SHORT.read_bytes() + b'{"type": "user", "message": {"role": "user", "cont\n')
    db = Path(env["LESSONLOOP_DB"])
    _ingest_json(env, str(transcript))
    assert _problems_of(db, transcript) == 1
    before = dump_store(db)
    again = _ingest_json(env, str(transcript))
    assert [n for n in again.get("notices", []) if n["code"] == "read-again"] == []
    assert store_differences(before, dump_store(db)) == []
