"""Cursor's chats in its state databases: a real workspace database of Cursor 0.42
(tests/agents/cursor/data/slevin48/, PROVENANCE.md) found in a temporary HOME with no path and read
exactly; the global database's conversations (Cursor 2025 on) read in the shape the readers of
Cursor's files describe (docs/agents/cursor.md: no real global database with an open licence was
found, so that shape is built here), with their calls, outcomes, tokens and folders."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from lessonloop.agents.cursor.reader import paths
from lessonloop.capture.adapters import DiscoveryContext
from tests.agents.gemini.test_gemini_adapter import ingest, rows

DATA = Path(__file__).parent / "data" / "slevin48" / "home"
WORKSPACE = Path(".config/Cursor/User/workspaceStorage/5a1f0c2e9b7d/state.vscdb")
COMPOSER = "c0ffee00-1111-2222-3333-444455556666"


def cursor_user(home: Path) -> Path:
    return home / ".config" / "Cursor" / "User"


def workspace_home(tmp_path: Path) -> Path:
    """A HOME where Cursor 0.42 left this workspace's database."""
    home = tmp_path / "home"
    shutil.copytree(DATA, home)
    return home


def test_ingest_with_no_path_reads_a_workspace_of_cursor_0_42(tmp_path: Path) -> None:
    home = workspace_home(tmp_path)
    db = tmp_path / "s.db"
    report = ingest(db, env={**os.environ, "HOME": str(home)})
    assert report["files"]["read"] == 1 and report["problems"] == []
    # its 5 chat tabs and 26 composers, each a session; 131 bubbles, 5 of them empty
    assert rows(db, "SELECT agent, kind, count(*) FROM sessions GROUP BY 1, 2") == [("cursor", "main", 31)]
    assert rows(db, "SELECT kind, count(*) FROM messages GROUP BY 1 ORDER BY 1") == [("assistant", 63), ("prompt", 63)]
    assert rows(
        db, "SELECT title, model, started_at FROM sessions WHERE id = '2aa483d1-573c-4039-ae4e-7415e28d2605'"
    ) == [("Ionic App Sidebar Customization Guide", "claude-3.5-sonnet", "2024-11-17T04:37:11.743Z")]
    [(prompt,)] = rows(
        db,
        "SELECT text FROM messages WHERE session_id = '2aa483d1-573c-4039-ae4e-7415e28d2605' AND kind = 'prompt' "
        "ORDER BY seq LIMIT 1",
    )
    assert prompt.startswith("We are building an ionic app for android")
    assert rows(db, "SELECT count(*) FROM tool_calls") == [(0,)]  # Cursor 0.42 kept no call here
    again = ingest(db, env={**os.environ, "HOME": str(home)})
    assert again["files"]["unchanged"] == 1


def test_found_where_cursor_keeps_them_and_not_vs_codes(tmp_path: Path) -> None:
    home = workspace_home(tmp_path)
    user = cursor_user(home)
    (user / "globalStorage").mkdir()
    shutil.copy(DATA / WORKSPACE, user / "globalStorage" / "state.vscdb")
    found = paths.discover(DiscoveryContext(environ={}, home=str(home)))
    assert [(Path(f.path).relative_to(user), f.format) for f in found] == [
        (Path("workspaceStorage/5a1f0c2e9b7d/state.vscdb"), "cursor-workspace-state"),
        (Path("globalStorage/state.vscdb"), "cursor-global-state"),
    ]
    code = tmp_path / "home" / ".config" / "Code" / "User" / "globalStorage" / "state.vscdb"
    assert paths.claims(str(code)) is None
    assert paths.claims(str(user / "globalStorage" / "state.vscdb")) == "cursor-global-state"
    moved = tmp_path / "config"
    shutil.move(str(home / ".config"), moved)
    found = paths.discover(DiscoveryContext(environ={"XDG_CONFIG_HOME": str(moved)}, home=str(home)))
    assert len(found) == 2


def _bubble(kind: int, text: str = "", **extra: Any) -> dict[str, Any]:
    return {"_v": 3, "type": kind, "text": text, **extra}


def _global_database(user: Path, bubbles: dict[str, dict[str, Any]], headers: list[str]) -> Path:
    """A global database in the shape documented for Cursor 2025 on (see the module's docstring)."""
    path = user / "globalStorage" / "state.vscdb"
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE IF NOT EXISTS ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
    conn.execute("CREATE TABLE IF NOT EXISTS cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
    record = {
        "_v": 10,
        "composerId": COMPOSER,
        "name": "Fix the failing push",
        "createdAt": 1785000000000,
        "lastUpdatedAt": 1785000090000,
        "modelConfig": {"modelName": "claude-4.5-sonnet", "maxMode": False},
        "fullConversationHeadersOnly": [{"bubbleId": b, "type": bubbles[b]["type"]} for b in headers],
    }
    conn.execute("INSERT INTO cursorDiskKV VALUES (?, ?)", (f"composerData:{COMPOSER}", json.dumps(record)))
    conn.execute("INSERT INTO cursorDiskKV VALUES ('composerData:empty', NULL)")
    for bubble_id, bubble in bubbles.items():
        conn.execute("INSERT INTO cursorDiskKV VALUES (?, ?)", (f"bubbleId:{COMPOSER}:{bubble_id}", json.dumps(bubble)))
    conn.commit()
    conn.close()
    return path


def _workspace_listing(user: Path, folder: str) -> None:
    workspace = user / "workspaceStorage" / "9e8d7c"
    workspace.mkdir(parents=True)
    (workspace / "workspace.json").write_text(json.dumps({"folder": "file://" + folder}))
    conn = sqlite3.connect(workspace / "state.vscdb")
    conn.execute("CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB)")
    listing = {"allComposers": [{"composerId": COMPOSER, "name": "Fix the failing push"}]}
    conn.execute("INSERT INTO ItemTable VALUES ('composer.composerData', ?)", (json.dumps(listing),))
    conn.commit()
    conn.close()


BUBBLES = {
    "b1": _bubble(1, "push my branch", createdAt="2026-07-25T17:20:01.000Z"),
    "b2": _bubble(
        2,
        "Pushing.",
        createdAt="2026-07-25T17:20:05.000Z",
        modelInfo={"modelName": "claude-4.5-sonnet"},
        tokenCount={"inputTokens": 1200, "outputTokens": 80},
        toolFormerData={
            "tool": 15,
            "toolCallId": "toolu_01",
            "name": "run_terminal_cmd",
            "rawArgs": json.dumps({"command": "git push", "is_background": False}),
            "status": "error",
            "result": json.dumps({"output": "fatal: No configured push destination.", "exitCode": 128}),
            "additionalData": {"status": "error"},
        },
    ),
    "b3": _bubble(
        2,
        "",
        createdAt="2026-07-25T17:20:09.000Z",
        tokenCount={"inputTokens": 0, "outputTokens": 0},
        toolFormerData={
            "toolCallId": "toolu_02",
            "name": "read_file",
            "rawArgs": json.dumps({"target_file": "README.md"}),
            "status": "completed",
            "result": json.dumps({"contents": "# demo\n"}),
        },
    ),
    "orphan": _bubble(2, "a reply the person took back"),
}


def test_the_global_databases_conversations_with_calls_outcomes_tokens_and_folders(tmp_path: Path) -> None:
    home = tmp_path / "home"
    user = cursor_user(home)
    _global_database(user, BUBBLES, ["b1", "b2", "b3"])
    _workspace_listing(user, "/home/me/shop")
    db = tmp_path / "s.db"
    report = ingest(db, env={**os.environ, "HOME": str(home)})
    assert report["problems"] == []
    assert rows(db, "SELECT id, agent, cwd, title, model, started_at, ended_at FROM sessions") == [
        (
            COMPOSER,
            "cursor",
            "/home/me/shop",
            "Fix the failing push",
            "claude-4.5-sonnet",
            "2026-07-25T17:20:00.000Z",
            "2026-07-25T17:21:30.000Z",
        )
    ]
    assert rows(db, "SELECT kind, text FROM messages ORDER BY seq") == [
        ("prompt", "push my branch"),
        ("assistant", "Pushing."),
    ]
    assert rows(
        db, "SELECT id, tool, kind, command, target_path, status, exit_code, error_text FROM tool_calls ORDER BY seq"
    ) == [
        (
            "toolu_01",
            "run_terminal_cmd",
            "shell",
            "git push",
            None,
            "error",
            128,
            "fatal: No configured push destination.",
        ),
        ("toolu_02", "read_file", "read", None, "README.md", "ok", None, None),
    ]
    # a count of 0 and 0 is none (Cursor's since early 2026), not a free call
    assert rows(db, "SELECT model, input_tokens, output_tokens FROM token_usage") == [("claude-4.5-sonnet", 1200, 80)]


def test_a_new_message_reads_that_conversation_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    user = cursor_user(home)
    path = _global_database(user, BUBBLES, ["b1", "b2"])
    db = tmp_path / "s.db"
    env = {**os.environ, "HOME": str(home)}
    ingest(db, env=env)
    assert rows(db, "SELECT count(*) FROM tool_calls") == [(1,)]
    again = ingest(db, env=env)
    assert again["files"]["unchanged"] == 1
    _global_database(user, BUBBLES, ["b1", "b2", "b3"])
    assert path.exists()
    third = ingest(db, env=env)
    assert third["files"]["read"] == 1
    assert rows(db, "SELECT id, status FROM tool_calls ORDER BY seq") == [("toolu_01", "error"), ("toolu_02", "ok")]


def test_a_damaged_database_is_a_problem_of_its_file(tmp_path: Path) -> None:
    home = workspace_home(tmp_path)
    target = next((cursor_user(home) / "workspaceStorage").glob("*/state.vscdb"))
    target.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    db = tmp_path / "s.db"
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--no-progress", "--json"],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr  # nothing could be read
    [problem] = json.loads(done.stdout)["problems"]
    assert str(target) in json.dumps(problem) and "cannot read this database" in json.dumps(problem)
