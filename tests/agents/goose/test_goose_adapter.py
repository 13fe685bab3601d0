"""Goose's sessions.db.

The only real Goose database found (tests/agents/goose/data/jwp23_dotfiles/, PROVENANCE.md there) is
at schema 5 and holds one session that never got a message or a token: found in a temporary HOME
with no path, it gives no session, as it gives none to ccusage 20 (which reads nothing from a
schema without model_config_json, and skips a session whose tokens are all 0): a session opened and
never used is not one lessonloop stores either (Hermes Agent's reader does the same).

The behaviour of messages, calls, results and tokens is tested on databases BUILT IN THESE TESTS
from the DDL of Goose's own migrations (crates/goose/src/session/session_manager.rs: create_schema
at schema 17, and schema 5's tables as the real file has them plus migrations 6 and 7), with content
in the JSON Goose's message.rs serializes: they are not files Goose wrote.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from lessonloop.agents.goose.reader import paths
from lessonloop.agents.goose.reader.parser import model_name, result_of, units
from lessonloop.agents.goose.reader.tools import kind_of
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from lessonloop.core.records import Problem
from tests.agents.gemini.test_gemini_adapter import ingest, rows

DATA = Path(__file__).parent / "data" / "jwp23_dotfiles"
HOME = DATA / "home"
REAL = HOME / ".local" / "share" / "goose" / "sessions" / "sessions.db"
PROJECT = "/tmp/goose-project"

# Schema 17's tables, as create_schema makes them (aaif-goose/goose @017176d0).
SCHEMA_17 = """
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
INSERT INTO schema_version (version) VALUES (17);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
    user_set_name BOOLEAN DEFAULT FALSE, session_type TEXT NOT NULL DEFAULT 'user', working_dir TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    extension_data TEXT DEFAULT '{}', total_tokens INTEGER, input_tokens INTEGER, output_tokens INTEGER,
    cache_read_tokens INTEGER, cache_write_tokens INTEGER, accumulated_total_tokens INTEGER,
    accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER, accumulated_cache_read_tokens INTEGER,
    accumulated_cache_write_tokens INTEGER, accumulated_cost REAL, schedule_id TEXT, recipe_json TEXT,
    user_recipe_values_json TEXT, provider_name TEXT, model_config_json TEXT,
    goose_mode TEXT NOT NULL DEFAULT 'auto', archived_at TIMESTAMP, project_id TEXT, parent_session_id TEXT,
    parent_delegation TEXT
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT, session_id TEXT NOT NULL REFERENCES sessions(id),
    role TEXT NOT NULL, content_json TEXT NOT NULL, created_timestamp INTEGER NOT NULL,
    timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP, tokens INTEGER, metadata_json TEXT
);
CREATE TABLE usage_ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    created_timestamp INTEGER NOT NULL, model TEXT, input_tokens INTEGER, output_tokens INTEGER,
    total_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER, cost REAL, cost_source TEXT,
    is_compaction INTEGER DEFAULT 0
);
"""
# Schema 5 plus migrations 6 (provider_name, model_config_json) and 7 (message_id).
MIGRATIONS_6_7 = """
ALTER TABLE sessions ADD COLUMN provider_name TEXT;
ALTER TABLE sessions ADD COLUMN model_config_json TEXT;
ALTER TABLE messages ADD COLUMN message_id TEXT;
"""


def goose_home(tmp_path: Path) -> Path:
    """A HOME where Goose left the real schema-5 sessions.db (a copy: a reader may write its -shm)."""
    home = tmp_path / "home"
    shutil.copytree(HOME, home)
    return home


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


def request(call_id: str, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"type": "toolRequest", "id": call_id, "toolCall": {"status": "success", "value": {"name": name, "arguments": arguments}}}  # fmt: skip


def response(call_id: str, output: str, *, error: bool = False, exit_code: int | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"content": [{"type": "text", "text": output}], "isError": error}
    if exit_code is not None:
        value["structuredContent"] = {"stdout": output, "stderr": "", "exit_code": exit_code}
    return {"type": "toolResponse", "id": call_id, "toolResult": {"status": "success", "value": value}}


def add_message(
    conn: sqlite3.Connection, sid: str, role: str, content: list[Any], at: int, mid: str | None = None, **meta: Any
) -> None:
    metadata = json.dumps({"userVisible": True, "agentVisible": True, **meta})
    columns = [c[1] for c in conn.execute("PRAGMA table_info(messages)")]
    if "message_id" in columns:
        conn.execute(
            "INSERT INTO messages (message_id, session_id, role, content_json, created_timestamp, metadata_json)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (mid or f"msg_{sid}_{at}", sid, role, json.dumps(content), at, metadata),
        )
    else:
        conn.execute(
            "INSERT INTO messages (session_id, role, content_json, created_timestamp, metadata_json) VALUES (?, ?, ?, ?, ?)",
            (sid, role, json.dumps(content), at, metadata),
        )


def schema_17_database(path: Path) -> Path:
    """A schema-17 sessions.db built from Goose's DDL: a session with a prompt, a failed and a
    passing shell call, a text editor's view and str_replace, a call the model got wrong, and
    three ledger rows beside sums that hold 100 more input and 10 more output from before the
    ledger; and a sub-agent session of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA_17)
    model = json.dumps({"model_name": "claude-sonnet-4-5", "context_limit": 200000, "temperature": None})
    conn.execute(
        """INSERT INTO sessions (id, name, session_type, working_dir, created_at, updated_at,
               accumulated_total_tokens, accumulated_input_tokens, accumulated_output_tokens,
               accumulated_cache_read_tokens, accumulated_cache_write_tokens, accumulated_cost,
               provider_name, model_config_json)
           VALUES ('20261130_1', 'Fix the cart', 'user', ?, '2026-11-30 10:00:00', '2026-11-30 10:05:00',
               3460, 3300, 160, 1500, 300, 0.05, 'anthropic', ?)""",
        (PROJECT, model),
    )
    sid = "20261130_1"
    start = 1796032800  # 2026-11-30T10:00:00Z
    add_message(conn, sid, "user", [text("Run the cart tests and fix what fails.")], start)
    add_message(conn, sid, "assistant", [text("Running them."), request("toolu_1", "developer__shell", {"command": "pytest -q"})], start + 5)  # fmt: skip
    add_message(conn, sid, "user", [response("toolu_1", "1 failed, 3 passed", error=True, exit_code=1)], start + 9)
    add_message(
        conn, sid, "assistant",
        [request("toolu_2", "developer__text_editor", {"command": "view", "path": f"{PROJECT}/cart.py"})], start + 12,
    )  # fmt: skip
    add_message(conn, sid, "user", [response("toolu_2", "def total(items):\n    return 3\n")], start + 13)
    edit = {"command": "str_replace", "path": f"{PROJECT}/cart.py", "old_str": "    return 3\n", "new_str": "    return sum(items)\n"}  # fmt: skip
    add_message(conn, sid, "assistant", [request("toolu_3", "developer__text_editor", edit)], start + 20)
    add_message(conn, sid, "user", [response("toolu_3", "The file has been edited")], start + 21)
    bad = {"type": "toolRequest", "id": "toolu_4", "toolCall": {"status": "error", "error": "-32602: Invalid JSON"}}
    add_message(conn, sid, "assistant", [bad], start + 25)
    add_message(conn, sid, "user", [{"type": "toolResponse", "id": "toolu_4", "toolResult": {"status": "error", "error": "-32602: Invalid JSON"}}], start + 26)  # fmt: skip
    add_message(conn, sid, "assistant", [request("toolu_5", "shell", {"command": "pytest -q"})], start + 30)
    add_message(conn, sid, "user", [response("toolu_5", "4 passed", exit_code=0)], start + 40)
    add_message(conn, sid, "assistant", [text("Fixed: total sums the items.")], start + 45)
    add_message(conn, sid, "user", [text("Summary of the conversation so far ...")], start + 50, userVisible=False)
    for n, (inp, out, read, write, cost) in enumerate(
        ((1000, 50, 0, 300, 0.02), (1100, 50, 700, 0, 0.015), (1100, 50, 800, 0, 0.01)), 1
    ):
        conn.execute(
            """INSERT INTO usage_ledger (session_id, created_timestamp, model, input_tokens, output_tokens,
                   total_tokens, cache_read_tokens, cache_write_tokens, cost, cost_source)
               VALUES (?, ?, 'claude-sonnet-4-5', ?, ?, ?, ?, ?, ?, 'estimated')""",
            (sid, start + 10 * n, inp, out, inp + out, read, write, cost),
        )
    conn.execute(
        """INSERT INTO sessions (id, name, session_type, working_dir, created_at, updated_at,
               accumulated_input_tokens, accumulated_output_tokens, model_config_json, parent_session_id)
           VALUES ('20261130_2', 'subagent', 'sub_agent', ?, '2026-11-30 10:01:00', '2026-11-30 10:02:00',
               400, 20, ?, '20261130_1')""",
        (PROJECT, model),
    )
    add_message(conn, "20261130_2", "user", [text("List the tests.")], start + 60)
    add_message(conn, "20261130_2", "assistant", [request("c1", "developer__tree", {"path": PROJECT})], start + 61)
    conn.execute("INSERT INTO sessions (id, working_dir) VALUES ('20261130_3', ?)", (PROJECT,))  # never used
    conn.commit()
    conn.close()
    return path


def schema_7_database(path: Path) -> Path:
    """Schema 5's tables (as the real file has them) with migrations 6 and 7: a session with its
    sums and no ledger; one message written before migration 7 (no message_id)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REAL, path)
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS_6_7)
    conn.execute(
        """UPDATE sessions SET input_tokens = 900, output_tokens = 40, total_tokens = 940,
               accumulated_input_tokens = 2000, accumulated_output_tokens = 90, accumulated_total_tokens = 2090,
               model_config_json = ?, provider_name = 'openai' WHERE id = '20251202_1'""",
        (json.dumps({"model_name": "gpt-4o"}),),
    )
    conn.execute(
        "INSERT INTO messages (session_id, role, content_json, created_timestamp) VALUES (?, 'user', ?, ?)",
        ("20251202_1", json.dumps([text("What is in this folder?")]), 1764694800),
    )
    add_message(conn, "20251202_1", "assistant", [text("A README.")], 1764694810)
    conn.commit()
    conn.close()
    return path


def schema_7_home(tmp_path: Path) -> Path:
    """A HOME holding a sessions.db BUILT from the real schema-5 file and Goose's migrations 6 and 7
    (schema_7_database: one session, its sums 2000 input and 90 output, model gpt-4o, no cache):
    for the comparison with ccusage (tests/cli/test_costs_ccusage.py). Not a file Goose wrote."""
    home = tmp_path / "built-home"
    schema_7_database(home / ".local" / "share" / "goose" / "sessions" / "sessions.db")
    return home


# --- the real file --------------------------------------------------------------------------------


def test_the_real_schema_5_database_found_with_no_path_gives_no_session(tmp_path: Path) -> None:
    home = goose_home(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("GOOSE_PATH_ROOT", "XDG_DATA_HOME")}
    found = paths.discover(DiscoveryContext(environ={}, home=str(home)))
    assert [(f.path, f.format) for f in found] == [(f"{home}/.local/share/goose/sessions/sessions.db", "goose-db")]
    problems: list[Problem] = []
    assert units([found[0].path], problems) == [] and problems == []
    db = tmp_path / "s.db"
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--no-progress", "--no-analyze", "--json"],
        env={**env, "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr  # nothing to read, as with no file at all
    summary = json.loads(done.stdout)
    assert summary["files"]["read_whole"] == [{"agent": "goose", "files": 1, "sessions": 0}]
    assert (summary["sessions"], summary["problems"]) == (0, [])
    assert rows(db, "SELECT count(*) FROM sessions") == [(0,)]
    # what the file holds, as Goose wrote it
    with sqlite3.connect(f"file:{REAL}?mode=ro&immutable=1", uri=True) as conn:
        held = conn.execute("SELECT id, name, working_dir, created_at, total_tokens FROM sessions").fetchall()
        assert conn.execute("SELECT count(*) FROM messages").fetchone() == (0,)
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == (5,)
    conn.close()
    assert held == [("20251202_1", "CLI Session", "/Users/jpresley/workspace/tmp/vsl", "2025-12-02 16:58:55", None)]


def test_it_is_found_in_goose_path_root_and_xdg_data_home(tmp_path: Path) -> None:
    root = tmp_path / "goose-root"
    (root / "data" / "sessions").mkdir(parents=True)
    shutil.copy(REAL, root / "data" / "sessions" / "sessions.db")
    xdg = tmp_path / "xdg"
    (xdg / "goose" / "sessions").mkdir(parents=True)
    shutil.copy(REAL, xdg / "goose" / "sessions" / "sessions.db")
    home = goose_home(tmp_path)
    context = DiscoveryContext(environ={"GOOSE_PATH_ROOT": str(root), "XDG_DATA_HOME": str(xdg)}, home=str(home))
    assert [f.path for f in paths.discover(context)] == [
        str(root / "data" / "sessions" / "sessions.db"),
        str(xdg / "goose" / "sessions" / "sessions.db"),
        f"{home}/.local/share/goose/sessions/sessions.db",
    ]
    assert str(root / "data" / "sessions") == paths.searched(context)[0]
    assert paths.claims("/home/me/.local/share/goose/sessions/sessions.db") == "goose-db"
    assert paths.claims("/home/me/.local/share/other/sessions/sessions.db") is None
    assert paths.claims("/home/me/.local/share/goose/sessions/20250101_1.jsonl") is None
    assert sniff("/backups/sessions.db", REAL.read_bytes()[:65536]) == "goose-db"  # by its name
    # ingest with $GOOSE_PATH_ROOT reads the database there
    built = schema_17_database(tmp_path / "built-root" / "data" / "sessions" / "sessions.db")
    db = tmp_path / "s.db"
    env = {k: v for k, v in os.environ.items() if k != "XDG_DATA_HOME"}
    ingest(db, env={**env, "HOME": str(tmp_path / "empty-home"), "GOOSE_PATH_ROOT": str(built.parents[2])})
    assert rows(db, "SELECT id FROM sessions WHERE agent = 'goose' ORDER BY id") == [("20261130_1",), ("20261130_2",)]


# --- databases built from Goose's schema ----------------------------------------------------------


def test_a_schema_17_database_is_read_into_records(tmp_path: Path) -> None:
    path = schema_17_database(tmp_path / "goose" / "sessions" / "sessions.db")
    db = tmp_path / "s.db"
    ingest(db, path)
    assert rows(
        db, "SELECT id, agent, kind, parent_id, cwd, model, title, started_at, ended_at FROM sessions ORDER BY id"
    ) == [
        ("20261130_1", "goose", "main", None, PROJECT, "claude-sonnet-4-5", "Fix the cart",
         "2026-11-30T10:00:00.000Z", "2026-11-30T10:00:50.000Z"),
        ("20261130_2", "goose", "subagent", "20261130_1", PROJECT, "claude-sonnet-4-5", "subagent",
         "2026-11-30T10:01:00.000Z", "2026-11-30T10:01:01.000Z"),
    ]  # fmt: skip
    assert rows(db, "SELECT session_id, kind, text FROM messages ORDER BY session_id, seq") == [
        ("20261130_1", "prompt", "Run the cart tests and fix what fails."),
        ("20261130_1", "assistant", "Running them."),
        ("20261130_1", "assistant", "Fixed: total sums the items."),
        ("20261130_1", "instructions", "Summary of the conversation so far ..."),
        ("20261130_2", "prompt", "List the tests."),
    ]
    calls = rows(
        db,
        "SELECT id, tool, kind, command, target_path, status, exit_code, error_text FROM tool_calls ORDER BY session_id, seq",
    )
    assert calls == [
        ("toolu_1", "developer__shell", "shell", "pytest -q", None, "error", 1, "1 failed, 3 passed"),
        ("toolu_2", "developer__text_editor", "read", None, f"{PROJECT}/cart.py", "ok", None, None),
        ("toolu_3", "developer__text_editor", "edit", None, f"{PROJECT}/cart.py", "ok", None, None),
        ("toolu_4", "?", "other", None, None, "error", None, "-32602: Invalid JSON"),
        ("toolu_5", "shell", "shell", "pytest -q", None, "ok", 0, None),
        ("c1", "developer__tree", "search", None, None, None, None, None),
    ]
    assert rows(db, "SELECT diff, lines_added, lines_removed FROM tool_calls WHERE id = 'toolu_3'") == [
        ("@@ -1 +1 @@\n-    return 3\n+    return sum(items)", 1, 1)
    ]
    # three ledger rows (Goose's input counts the cache: taken out), and what the sums held before
    # the ledger; Goose's costs
    assert rows(
        db,
        """SELECT message_id, model, input_tokens, cache_read_tokens, cache_creation_tokens, output_tokens,
                  round(cost_usd, 6) FROM token_usage ORDER BY session_id, message_id""",
    ) == [
        ("20261130_1#ledger:1", "claude-sonnet-4-5", 700, 0, 300, 50, 0.02),
        ("20261130_1#ledger:2", "claude-sonnet-4-5", 400, 700, 0, 50, 0.015),
        ("20261130_1#ledger:3", "claude-sonnet-4-5", 300, 800, 0, 50, 0.01),
        ("20261130_1#session", "claude-sonnet-4-5", 100, 0, 0, 10, 0.005),
        ("20261130_2#session", "claude-sonnet-4-5", 400, 0, 0, 20, None),
    ]
    assert rows(db, "SELECT count(*) FROM ingest_problems") == [(0,)]
    again = ingest(db, path)  # nothing changed: nothing read again
    assert again is not None and rows(db, "SELECT count(*) FROM tool_calls") == [(6,)]


def test_an_older_schema_is_read_by_the_columns_it_has(tmp_path: Path) -> None:
    path = schema_7_database(tmp_path / "backup" / "sessions.db")  # named: Goose's by its name
    db = tmp_path / "s.db"
    ingest(db, path)
    assert rows(db, "SELECT id, model, cwd, title FROM sessions") == [
        ("20251202_1", "gpt-4o", "/Users/jpresley/workspace/tmp/vsl", "CLI Session")
    ]
    assert rows(db, "SELECT uuid, kind, text FROM messages ORDER BY seq") == [
        ("20251202_1:#0", "prompt", "What is in this folder?"),
        ("20251202_1:msg_20251202_1_1764694810", "assistant", "A README."),
    ]
    # no ledger: the session's sums (not the last call's 900/40), as ccusage takes them
    assert rows(db, "SELECT model, input_tokens, output_tokens, cache_read_tokens, cost_usd FROM token_usage") == [
        ("gpt-4o", 2000, 90, 0, None)
    ]


def test_a_new_message_changes_its_sessions_stamp_only(tmp_path: Path) -> None:
    path = schema_17_database(tmp_path / "goose" / "sessions" / "sessions.db")
    before = {u.path: (u.size, u.mtime_ns) for u in units([str(path)], [])}
    assert sorted(before) == [f"{path}#20261130_1", f"{path}#20261130_2"]
    conn = sqlite3.connect(path)
    add_message(conn, "20261130_2", "user", [response("c1", "tests/test_cart.py")], 1796032870)
    conn.commit()
    conn.close()
    after = {u.path: (u.size, u.mtime_ns) for u in units([str(path)], [])}
    assert [p for p in before if before[p] != after[p]] == [f"{path}#20261130_2"]
    conn = sqlite3.connect(path)  # new tokens alone change it too
    conn.execute("UPDATE sessions SET accumulated_output_tokens = 30 WHERE id = '20261130_2'")
    conn.commit()
    conn.close()
    again = {u.path: (u.size, u.mtime_ns) for u in units([str(path)], [])}
    assert [p for p in after if after[p] != again[p]] == [f"{path}#20261130_2"]


def test_a_locked_or_broken_database_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    locked = schema_17_database(tmp_path / "locked" / "sessions.db")
    conn = sqlite3.connect(locked, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("BEGIN EXCLUSIVE")
    try:
        problems: list[Problem] = []
        assert units([str(locked)], problems) == []
        assert [p.code for p in problems] == ["unreadable-file"] and "locked" in problems[0].detail
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    text_file = tmp_path / "text" / "sessions.db"
    text_file.parent.mkdir()
    text_file.write_text("not a database\n")
    cut = tmp_path / "cut" / "sessions.db"
    cut.parent.mkdir()
    cut.write_bytes(REAL.read_bytes()[:5000])
    other = tmp_path / "other" / "sessions.db"
    other.parent.mkdir()
    with sqlite3.connect(other) as made:
        made.execute("CREATE TABLE kv (key TEXT, value TEXT)")
    made.close()
    for path, said in ((text_file, "not a SQLite database"), (cut, "cannot read"), (other, "not a Goose database")):
        problems = []
        found = units([str(path)], problems)
        for unit in found:  # a cut file may list its sessions and fail on reading them
            try:
                unit.read()
            except Exception as exc:  # UnreadableUnit: ingest keeps what it stored
                problems.append(Problem(unit.path, None, "unreadable-file", str(exc)))
        assert problems and said in problems[0].detail, (path, problems)
    bad = schema_17_database(tmp_path / "bad" / "sessions.db")
    conn = sqlite3.connect(bad)
    conn.execute("UPDATE messages SET content_json = '{oops' WHERE id = 1")
    conn.commit()
    conn.close()
    batches = [unit.read() for unit in units([str(bad)], [])]
    assert [p.code for b in batches for p in b.problems] == ["malformed-record"]
    assert sum(len(b.tool_calls) for b in batches) == 6


def test_tool_kinds_results_and_model() -> None:
    assert kind_of("developer__shell") == kind_of("shell") == "shell"
    assert kind_of("developer__text_editor", {"command": "view"}) == "read"
    assert kind_of("developer__text_editor", {"command": "write"}) == "write"
    assert kind_of("developer__text_editor", {"command": "undo_edit"}) == "edit"
    assert kind_of("developer__write") == kind_of("write") == "write"
    assert kind_of("developer__edit") == "edit"
    assert kind_of("developer__list_windows") == kind_of("platform__manage_extensions") == "other"
    assert kind_of("todo__todo_write") == "plan"
    assert kind_of("summon__delegate") == kind_of("dynamic_task__create_task") == "subagent"
    assert kind_of("github__create_issue") == "other"
    assert result_of({"status": "success", "value": [{"type": "text", "text": "old form"}]}) == ("ok", None, "old form")
    assert result_of({"status": "error", "error": "-32603: boom"}) == ("error", None, "-32603: boom")
    assert result_of({"status": "success", "value": {"content": [], "isError": True}}) == ("error", None, "")
    assert model_name('{"model_name": "gpt-4o", "context_limit": 128000}') == "gpt-4o"
    assert model_name("not json") is None
