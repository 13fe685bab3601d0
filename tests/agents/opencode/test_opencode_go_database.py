"""The older OpenCode written in Go (opencode-ai/opencode): its `.opencode/opencode.db` is read
(issue 26, item 5). The fixture database is made with the Go OpenCode's own schema, its goose
migrations internal/db/migrations/20250424200609_initial.sql and
20250515105448_add_summary_message_id.sql (tables, columns, triggers as there), and rows in the
shapes its message service writes (internal/message/content.go: parts as [{"type", "data"}])."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from lessonloop.capture.opencode_format.go_database import is_go_database, project_folder
from tests.conftest import run_ingest

GO_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    parent_session_id TEXT,
    title TEXT NOT NULL,
    message_count INTEGER NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    prompt_tokens  INTEGER NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
    completion_tokens  INTEGER NOT NULL DEFAULT 0 CHECK (completion_tokens>= 0),
    cost REAL NOT NULL DEFAULT 0.0 CHECK (cost >= 0.0),
    updated_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS update_sessions_updated_at AFTER UPDATE ON sessions
BEGIN UPDATE sessions SET updated_at = strftime('%s', 'now') WHERE id = new.id; END;
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    path TEXT NOT NULL,
    content TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE,
    UNIQUE(path, session_id, version)
);
CREATE INDEX IF NOT EXISTS idx_files_session_id ON files (session_id);
CREATE INDEX IF NOT EXISTS idx_files_path ON files (path);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    role TEXT NOT NULL,
    parts BLOB NOT NULL default '[]',
    model TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    finished_at INTEGER,
    FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS idx_messages_session_id ON messages (session_id);
CREATE TRIGGER IF NOT EXISTS update_session_message_count_on_insert AFTER INSERT ON messages
BEGIN UPDATE sessions SET message_count = message_count + 1 WHERE id = new.session_id; END;
ALTER TABLE sessions ADD COLUMN summary_message_id TEXT;
CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL,
    is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')));
INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1), (20250424200609, 1), (20250515105448, 1);
"""
SESSION = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"
TASK = "toolu_01AgentTask"  # the agent tool's sub-session is keyed by its call id


def _parts(*parts: tuple[str, dict[str, Any]]) -> str:
    return json.dumps([{"type": kind, "data": data} for kind, data in parts])


def _call(call_id: str, name: str, arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    data = {"id": call_id, "name": name, "input": json.dumps(arguments), "type": "tool_use", "finished": True}
    return "tool_call", data


def _result(
    call_id: str, name: str, content: str, *, error: bool = False, metadata: dict[str, Any] | None = None
) -> tuple[str, dict[str, Any]]:
    meta = json.dumps(metadata) if metadata is not None else ""
    data = {"tool_call_id": call_id, "name": name, "content": content, "metadata": meta, "is_error": error}
    return "tool_result", data


def make_go_database(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(GO_SCHEMA)
    t0 = 1_745_500_000
    conn.execute(
        "INSERT INTO sessions (id, parent_session_id, title, prompt_tokens, completion_tokens, cost, updated_at,"
        " created_at) VALUES (?, NULL, 'Fix the failing test', 18000, 900, 0.042, ?, ?)",
        (SESSION, t0 + 60, t0),
    )
    conn.execute(
        "INSERT INTO sessions (id, parent_session_id, title, updated_at, created_at) VALUES (?, ?, 'Find tests', ?, ?)",
        (TASK, SESSION, t0 + 20, t0 + 10),
    )
    model = "claude-3.7-sonnet"
    rows = [
        ("m1", SESSION, "user", _parts(("text", {"text": "make the tests pass"})), None, t0 + 1),
        (
            "m2",
            SESSION,
            "assistant",
            _parts(
                ("reasoning", {"thinking": "run them first"}),
                ("text", {"text": "Running the tests."}),
                _call("toolu_01Bash", "bash", {"command": "go test ./...", "timeout": 60000}),
                _call("toolu_01View", "view", {"file_path": "/work/app/main.go"}),
                ("finish", {"reason": "tool_use", "time": t0 + 3}),
            ),
            model,
            t0 + 2,
        ),
        (
            "m3",
            SESSION,
            "tool",
            _parts(
                _result(
                    "toolu_01Bash",
                    "bash",
                    "--- FAIL: TestAdd\nFAIL\nexit status 1\nExit code 1\n\n<cwd>/work/app</cwd>",
                    metadata={"start_time": (t0 + 2) * 1000 + 100, "end_time": (t0 + 2) * 1000 + 2600},
                ),
                _result("toolu_01View", "view", "<file>\n     1|package main\n</file>"),
            ),
            None,
            t0 + 4,
        ),
        (
            "m4",
            SESSION,
            "assistant",
            _parts(
                _call(
                    "toolu_01Edit",
                    "edit",
                    {"file_path": "/work/app/add.go", "old_string": "a - b", "new_string": "a + b"},
                ),
                _call("toolu_01Rm", "bash", {"command": "rm -rf /work/app/vendor"}),
                _call(TASK, "agent", {"prompt": "find the tests"}),
                ("finish", {"reason": "tool_use", "time": t0 + 6}),
            ),
            model,
            t0 + 5,
        ),
        (
            "m5",
            SESSION,
            "tool",
            _parts(
                _result(
                    "toolu_01Edit",
                    "edit",
                    "<result>\nContent replaced in file: /work/app/add.go\n</result>",
                    metadata={
                        "diff": "--- a/work/app/add.go\n+++ b/work/app/add.go\n@@ -3 +3 @@\n-\treturn a - b\n+\treturn a + b\n",
                        "additions": 1,
                        "removals": 1,
                    },
                ),
                _result("toolu_01Rm", "bash", "Permission denied", error=True),
                _result(TASK, "agent", "add_test.go"),
            ),
            None,
            t0 + 7,
        ),
        ("m6", SESSION, "user", _parts(("text", {"text": "run them again"})), None, t0 + 30),
        (
            "m7",
            SESSION,
            "assistant",
            _parts(
                _call("toolu_01Again", "bash", {"command": "go test ./..."}),
                ("finish", {"reason": "canceled", "time": t0 + 32}),
            ),
            model,
            t0 + 31,
        ),
        (
            "m8",
            SESSION,
            "tool",
            _parts(_result("toolu_01Again", "bash", "Tool execution canceled by user", error=True)),
            None,
            t0 + 32,
        ),
        ("t1", TASK, "user", _parts(("text", {"text": "find the tests"})), None, t0 + 10),
        ("t2", TASK, "assistant", _parts(_call("toolu_01Glob", "glob", {"pattern": "**/*_test.go"})), model, t0 + 11),
        ("t3", TASK, "tool", _parts(_result("toolu_01Glob", "glob", "/work/app/add_test.go")), None, t0 + 12),
    ]
    conn.executemany(
        "INSERT INTO messages (id, session_id, role, parts, model, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*row, row[-1]) for row in rows],
    )
    conn.execute(
        "INSERT INTO files (id, session_id, path, content, version, created_at, updated_at) VALUES"
        " ('f1', ?, '/work/app/add.go', 'package main', 0, ?, ?)",
        (SESSION, t0, t0),
    )
    conn.commit()
    conn.close()
    return path


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_go_schema_is_known_and_its_project_is_the_folder_holding_dot_opencode(tmp_path: Path) -> None:
    db = make_go_database(tmp_path / "app" / ".opencode" / "opencode.db")
    conn = sqlite3.connect(db)
    try:
        assert is_go_database(conn)
    finally:
        conn.close()
    assert project_folder(str(db)) == str(tmp_path / "app")
    assert project_folder(str(tmp_path / "elsewhere" / "opencode.db")) is None


def test_a_go_opencode_database_is_read(tmp_path: Path, db_path: Path) -> None:
    source = make_go_database(tmp_path / "app" / ".opencode" / "opencode.db")
    before = source.read_bytes()
    summary = run_ingest(db_path, source)
    assert source.read_bytes() == before  # read-only
    assert summary.problems == []
    sessions = _rows(db_path, "SELECT id, agent, kind, parent_id, cwd, title, model FROM sessions ORDER BY kind, id")
    assert sessions == [
        (SESSION, "opencode", "main", None, str(tmp_path / "app"), "Fix the failing test", "claude-3.7-sonnet"),
        (TASK, "opencode", "subagent", SESSION, str(tmp_path / "app"), "Find tests", "claude-3.7-sonnet"),
    ]
    prompts = _rows(db_path, "SELECT session_id, text FROM messages WHERE kind = 'prompt' ORDER BY ts")
    assert prompts == [(SESSION, "make the tests pass"), (TASK, "find the tests"), (SESSION, "run them again")]
    assert _rows(db_path, "SELECT count(*) FROM messages WHERE kind = 'interrupt'") == [(1,)]
    calls = _rows(
        db_path,
        "SELECT id, tool, kind, command, target_path, status, exit_code FROM tool_calls ORDER BY session_id, seq",
    )
    assert calls == [
        ("toolu_01Bash", "bash", "shell", "go test ./...", None, "error", 1),
        ("toolu_01View", "view", "read", None, "/work/app/main.go", "ok", None),
        ("toolu_01Edit", "edit", "edit", None, "/work/app/add.go", "ok", None),
        ("toolu_01Rm", "bash", "shell", "rm -rf /work/app/vendor", None, "rejected", None),
        (TASK, "agent", "subagent", None, None, "ok", None),
        ("toolu_01Again", "bash", "shell", "go test ./...", None, "interrupted", None),
        ("toolu_01Glob", "glob", "search", None, None, "ok", None),  # in the agent tool's session
    ]
    edit = _rows(db_path, "SELECT diff, lines_added, lines_removed FROM tool_calls WHERE id = 'toolu_01Edit'")
    assert edit == [("@@ -3 +3 @@\n-\treturn a - b\n+\treturn a + b", 1, 1)]
    assert _rows(db_path, "SELECT duration_ms FROM tool_calls WHERE id = 'toolu_01Bash'") == [(2500,)]
    # The session's token columns hold the last response's context, not a total: none stored.
    assert _rows(db_path, "SELECT count(*) FROM token_usage") == [(0,)]


def test_ingest_reads_it_again_only_when_it_changed(tmp_path: Path, db_path: Path) -> None:
    source = make_go_database(tmp_path / "app" / ".opencode" / "opencode.db")
    first = run_ingest(db_path, source)
    assert first.files_read == 2  # a unit per session
    again = run_ingest(db_path, source)
    assert (again.files_read, again.files_unchanged) == (0, 2)
    conn = sqlite3.connect(source)
    conn.execute(
        "INSERT INTO messages (id, session_id, role, parts, created_at, updated_at) VALUES ('m9', ?, 'user', ?, ?, ?)",
        (SESSION, _parts(("text", {"text": "thanks"})), 1_745_500_100, 1_745_500_100),
    )
    conn.commit()
    conn.close()
    third = run_ingest(db_path, source)
    assert (third.files_read, third.files_unchanged) == (1, 1)
    assert _rows(db_path, "SELECT count(*) FROM messages WHERE kind = 'prompt'") == [(4,)]
    assert _rows(db_path, "SELECT count(*) FROM tool_calls") == [(7,)]


def test_the_cli_reads_the_go_database_and_says_nothing_is_wrong(tmp_path: Path) -> None:
    source = make_go_database(tmp_path / "app" / ".opencode" / "opencode.db")
    store = tmp_path / "store.db"
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", str(source), "--db", str(store), "--json"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "not an OpenCode database" not in done.stdout + done.stderr
    assert _rows(store, "SELECT count(*) FROM sessions WHERE agent = 'opencode'") == [(2,)]


def test_messages_of_one_second_keep_the_tables_order(tmp_path: Path, db_path: Path) -> None:
    """The Go OpenCode stores whole seconds and random ids: a prompt and its reply written in the
    same second are read in the order of the table, not of their ids."""
    source = tmp_path / "app" / ".opencode" / "opencode.db"
    source.parent.mkdir(parents=True)
    conn = sqlite3.connect(source)
    conn.executescript(GO_SCHEMA)
    conn.execute("INSERT INTO sessions (id, title, updated_at, created_at) VALUES ('s', 't', 100, 100)")
    rows = [
        ("zz-prompt", "user", _parts(("text", {"text": "first"}))),
        ("aa-reply", "assistant", _parts(("text", {"text": "second"}))),
        ("mm-prompt", "user", _parts(("text", {"text": "third"}))),
    ]
    conn.executemany(
        "INSERT INTO messages (id, session_id, role, parts, created_at, updated_at) VALUES (?, 's', ?, ?, 100, 100)",
        rows,
    )
    conn.commit()
    conn.close()
    run_ingest(db_path, source)
    assert _rows(db_path, "SELECT text FROM messages ORDER BY seq") == [("first",), ("second",), ("third",)]


def test_failed_calls_are_the_ones_the_database_says_failed(tmp_path: Path, db_path: Path) -> None:
    """Issue 41: a Go database's failed calls are its is_error results and the bash results whose
    last line (before the <cwd> line later versions add) is a non-zero "Exit code N", counted from
    the format description (tests/counting/opencode_go_count.py) and by `stats` alike. A line
    "Exit code 2" in a command's own output is not its exit; a command stopped by a timeout is not
    an error result."""
    from tests.agents.opencode.test_opencode_adapter import ingest, stats
    from tests.counting.opencode_go_count import count

    source = make_go_database(tmp_path / "app" / ".opencode" / "opencode.db")
    conn = sqlite3.connect(source)
    t0 = 1_745_600_000
    results = {
        "toolu_02Log": ("cat run.log", "step one\nExit code 2\nstep two done\n\n<cwd>/work/app</cwd>", False),
        "toolu_02Slow": ("go test -run Slow ./...", "=== RUN TestSlow\nCommand was aborted before completion", False),
        "toolu_02Vet": ("go vet ./...", "vet: add.go:3: unreachable code\nExit code 1\n\n<cwd>/work/app</cwd>", False),
        "toolu_02Zero": ("true", "Exit code 0", False),
        "toolu_02Ban": ("curl example.com", "command 'curl' is not allowed", True),
    }
    calls = [_call(call_id, "bash", {"command": command}) for call_id, (command, _, _) in results.items()]
    answers = [_result(call_id, "bash", text, error=error) for call_id, (_, text, error) in results.items()]
    rows = [
        ("n1", SESSION, "user", _parts(("text", {"text": "check the logs"}), ("text", {"text": "  "})), None, t0),
        ("n2", SESSION, "assistant", _parts(*calls, ("finish", {"reason": "tool_use", "time": t0 + 2})), "m", t0 + 1),
        ("n3", SESSION, "tool", _parts(*answers), None, t0 + 3),
    ]
    conn.executemany(
        "INSERT INTO messages (id, session_id, role, parts, model, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*row, row[-1]) for row in rows],
    )
    conn.commit()
    conn.close()
    ingest(db_path, source)
    expected = count([str(source)])
    got = stats(db_path)
    assert got["sessions"] == expected["sessions"] == 1
    assert got["messages"]["prompt"] == expected["prompts"] == 4
    assert {tool: {"calls": v["calls"], "errors": v["errors"]} for tool, v in got["tools"].items()} == expected["tools"]
    # go test (Exit code 1), rm (Permission denied), the cancelled go test, go vet, curl
    assert expected["tools"]["bash"] == {"calls": 8, "errors": 5}
    assert _rows(db_path, "SELECT id, status, exit_code FROM tool_calls WHERE id LIKE 'toolu_02%' ORDER BY seq") == [
        ("toolu_02Log", "ok", None),
        ("toolu_02Slow", "ok", None),
        ("toolu_02Vet", "error", 1),
        ("toolu_02Zero", "ok", 0),
        ("toolu_02Ban", "error", None),
    ]
