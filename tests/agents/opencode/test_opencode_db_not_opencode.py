"""A file named as an OpenCode database that OpenCode did not write (issue 25, item 6): ingest says
what it is and why it cannot be read, counts it as a failed file, and exits 1 when it was all the
person named (0 when something else they named was read). Real files through the CLI."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.agents.opencode.test_opencode_adapter import main_session, write_db
from tests.conftest import cli


def _ingest(tmp_path: Path, *paths: Path) -> tuple[int, dict[str, Any]]:
    result = cli("ingest", "--db", tmp_path / "store.db", *paths, "--json", "--no-analyze")
    data: dict[str, Any] = result.json()
    return result.exit_code, data


def _sqlite(path: Path, script: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(script)
        conn.commit()
    finally:
        conn.close()
    return path


# The older OpenCode written in Go (opencode-ai/opencode, continued as Crush): its goose migration
# 20250424200609_initial.sql, as in charmbracelet/crush internal/db/migrations.
GO_OPENCODE = """
CREATE TABLE sessions (id TEXT PRIMARY KEY, parent_session_id TEXT, title TEXT NOT NULL,
    message_count INTEGER NOT NULL DEFAULT 0, prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0, cost REAL NOT NULL DEFAULT 0.0,
    updated_at INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE files (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, path TEXT NOT NULL, content TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE messages (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, role TEXT NOT NULL,
    parts BLOB NOT NULL default '[]', model TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    finished_at INTEGER);
INSERT INTO sessions (id, title, updated_at, created_at) VALUES ('s1', 'fix the build', 1, 1);
"""


def _garbage(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(5000).replace(b"\n", b"\x00"))
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "garbage": (lambda p: _garbage(p / "opencode.db"), "unreadable-file", "not a SQLite database (binary data"),
    "table-less": (lambda p: _sqlite(p / "opencode.db", "PRAGMA user_version = 7;"), "not-opencode-db",
                   "an empty SQLite database (no tables"),
    "another program's": (lambda p: _sqlite(p / "opencode.db", "CREATE TABLE notes (id, body);"), "not-opencode-db",
                          "another program's SQLite database (none of OpenCode's tables session, message, part; its "
                          "tables: notes)"),
    "Go OpenCode without its messages table": (
        lambda p: _sqlite(p / ".opencode" / "opencode.db", GO_OPENCODE.replace("CREATE TABLE messages", "CREATE TABLE m")),
        "not-opencode-db", "the database of the older OpenCode written in Go (opencode-ai/opencode, continued as Crush"),
    "a channel's, gzipped": (lambda p: _gzipped(p / "opencode-beta.db"), "unreadable-file",
                             "not a SQLite database (gzip-compressed data"),
}  # fmt: skip


def _gzipped(path: Path) -> Path:
    import gzip

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(b"SQLite format 3\x00" + bytes(4000)))
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_a_file_opencode_did_not_write_is_said_counted_and_exits_1(tmp_path: Path, case: str) -> None:
    make, code, detail = CASES[case]
    path = make(tmp_path / "in")
    exit_code, data = _ingest(tmp_path, path)
    assert exit_code == 1
    assert [(p["path"], p["code"]) for p in data["problems"]] == [(str(path), code)], data["problems"]
    assert detail in data["problems"][0]["detail"]
    assert data["files"]["failed"] == 1 and data["sessions"] == 0


def test_a_folder_holding_the_go_opencode_database_reads_it(tmp_path: Path) -> None:
    """The Go OpenCode's database is read (issue 26; tests/agents/opencode/test_opencode_go_database.py), no problem."""
    _sqlite(tmp_path / "project" / ".opencode" / "opencode.db", GO_OPENCODE)
    exit_code, data = _ingest(tmp_path, tmp_path / "project")
    assert exit_code == 0
    assert data["problems"] == [] and data["sessions"] == 1


def test_beside_a_readable_database_it_is_a_problem_and_the_rest_is_stored(tmp_path: Path) -> None:
    good = tmp_path / "good" / "opencode.db"
    good.parent.mkdir()
    write_db(good, [main_session()])
    bad = _sqlite(tmp_path / "bad" / "opencode.db", "PRAGMA user_version = 7;")
    exit_code, data = _ingest(tmp_path, good, bad)
    assert exit_code == 0
    assert [(p["path"], p["code"]) for p in data["problems"]] == [(str(bad), "not-opencode-db")]
    assert data["files"]["failed"] == 1 and data["sessions"] == 1


def test_a_sqlite_file_of_another_name_named_explicitly_is_read_as_a_database(tmp_path: Path) -> None:
    crush = _sqlite(tmp_path / ".crush" / "crush.db", GO_OPENCODE)
    exit_code, data = _ingest(tmp_path, crush)
    assert exit_code == 0
    assert data["problems"] == []  # no "invalid-utf8" line by line
    assert data["sessions"] == 1
