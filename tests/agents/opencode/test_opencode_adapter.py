"""The OpenCode adapter (agents/opencode/reader): legacy storage/ trees and opencode.db through the real CLI.

Inputs: the codemie storage sample (../shared/corpus/opencode/codemie, copied: a hand-made format
sample) and storage trees and databases built here. There is no real opencode.db: the tables are
made with the columns of OpenCode's drizzle schema (session.sql.ts) and rows shaped as OpenCode
writes them (message-v2.ts: the message and part JSON without their ids in `data`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.opencode.reader import paths as opencode_paths
from lessonloop.capture.adapters import DiscoveryContext
from tests.ccusage import require_ccusage
from tests.conftest import SHARED_CORPUS, dump_store, store_differences
from tests.corpus_copies import OPENCODE_SCHEMA
from tests.counting.opencode_count import count

OPENCODE_CORPUS = SHARED_CORPUS / "opencode" / "codemie"

SCHEMA = (
    """
CREATE TABLE project (id text PRIMARY KEY, worktree text NOT NULL, time_created integer NOT NULL,
  time_updated integer NOT NULL);"""
    + OPENCODE_SCHEMA
)
T0 = 1_767_000_000_000  # ms, as OpenCode stores times


def cli(*args: str, env: dict[str, str] | None = None, check: bool = True) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", *args], capture_output=True, text=True, check=check, env=env, timeout=300
    )
    return json.loads(done.stdout)


def ingest(db: Path, *paths: Path) -> Any:
    return cli("ingest", "--db", str(db), "--no-progress", "--json", *map(str, paths))


def stats(db: Path) -> Any:
    return cli("stats", "--db", str(db), "--json", "--agent", "opencode")


def rows(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def assert_counts_agree(store: Path, *inputs: Path) -> dict[str, Any]:
    expected = count([str(p) for p in inputs])
    got = stats(store)
    assert got["sessions"] == expected["sessions"]
    assert got["messages"].get("prompt", 0) == expected["prompts"]
    assert {tool: {"calls": v["calls"], "errors": v["errors"]} for tool, v in got["tools"].items()} == expected["tools"]
    keys = ("input", "output", "cache_creation", "cache_read", "reasoning")
    assert {m: {k: v[k] for k in keys} for m, v in got["tokens"].items()} == expected["tokens"]
    return expected


# --------------------------------------------------------------------------- a session, as OpenCode writes it


def user(
    mid: str, sid: str, t: int, *texts: tuple[str, str, dict[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    info = {
        "id": mid,
        "sessionID": sid,
        "role": "user",
        "time": {"created": T0 + t},
        "agent": "build",
        "model": {"providerID": "anthropic", "modelID": "claude-sonnet-4-5"},
    }
    parts = [
        {"id": pid, "sessionID": sid, "messageID": mid, "type": "text", "text": text, **extra}
        for pid, text, extra in texts
    ]
    return info, parts


def assistant(
    mid: str, sid: str, t: int, parts: list[dict[str, Any]], **extra: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    info = {
        "id": mid,
        "sessionID": sid,
        "role": "assistant",
        "time": {"created": T0 + t, "completed": T0 + t + 9},
        "parentID": "msg_parent",
        "modelID": "claude-sonnet-4-5",
        "providerID": "anthropic",
        "mode": "build",
        "agent": "build",
        "path": {"cwd": "/work/app", "root": "/work/app"},
        "cost": 0.01,
        # The message keeps only its last step's tokens (processor.ts): the sum is in the step-finish parts.
        "tokens": {"input": 7, "output": 8, "reasoning": 0, "cache": {"read": 9, "write": 0}},
        **extra,
    }
    for part in parts:
        part.update(sessionID=sid, messageID=mid)
    return info, parts


def step(pid: str, inp: int, out: int, reasoning: int, read: int, write: int) -> dict[str, Any]:
    return {
        "id": pid,
        "type": "step-finish",
        "reason": "tool-calls",
        "cost": 0.001,
        "tokens": {"input": inp, "output": out, "reasoning": reasoning, "cache": {"read": read, "write": write}},
    }


def tool(pid: str, call: str, name: str, status: str, inp: dict[str, Any], **state: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "input": inp, **state}
    if status in ("completed", "error"):
        body.setdefault("time", {"start": T0 + 1, "end": T0 + 2})
    return {"id": pid, "type": "tool", "callID": call, "tool": name, "state": body}


def main_session() -> tuple[dict[str, Any], list[tuple[dict[str, Any], list[dict[str, Any]]]]]:
    sid = "ses_main"
    info = {
        "id": sid,
        "projectID": "prj1",
        "slug": "brave-fox",
        "directory": "/work/app",
        "title": "Fix the tests",
        "version": "1.2.3",
        "time": {"created": T0, "updated": T0 + 500},
    }
    diff = "Index: /work/app/a.py\n===================================================================\n--- /work/app/a.py\n+++ /work/app/a.py\n@@ -1,2 +1,2 @@\n-x = 1\n+x = 2\n y = 3\n"
    messages = [
        user(
            "msg_01",
            sid,
            10,
            ("prt_01a", "run the tests please", {}),
            ("prt_01b", "Called the Read tool with the following input: {...}", {"synthetic": True}),
        ),
        assistant(
            "msg_02",
            sid,
            20,
            [
                {"id": "prt_02a", "type": "step-start", "snapshot": "abc"},
                {"id": "prt_02b", "type": "reasoning", "text": "thinking", "time": {"start": T0}},
                tool(
                    "prt_02c",
                    "toolu_bash1",
                    "bash",
                    "completed",
                    {"command": "pytest -q", "description": "tests"},
                    output="1 failed",
                    title="pytest",
                    metadata={"output": "1 failed", "exit": 1},
                ),
                step("prt_02d", 100, 20, 5, 1000, 50),
                {"id": "prt_02e", "type": "step-start"},
                tool(
                    "prt_02f",
                    "toolu_edit1",
                    "edit",
                    "completed",
                    {"filePath": "/work/app/a.py", "oldString": "x = 1", "newString": "x = 2"},
                    output="",
                    title="a.py",
                    metadata={"diff": diff},
                ),
                tool(
                    "prt_02g",
                    "toolu_read1",
                    "read",
                    "error",
                    {"filePath": "/work/app/missing.py"},
                    error="File not found: /work/app/missing.py",
                ),
                tool(
                    "prt_02h",
                    "toolu_task1",
                    "task",
                    "completed",
                    {"description": "look", "prompt": "find it", "subagent_type": "general"},
                    output="found",
                    title="look",
                    metadata={"sessionId": "ses_child"},
                ),
                tool("prt_02i", "toolu_grep1", "grep", "running", {"pattern": "x"}, time={"start": T0}),
                {"id": "prt_02j", "type": "text", "text": "The test fails; I fixed a.py."},
                step("prt_02k", 30, 40, 0, 1200, 0),
                {"id": "prt_02l", "type": "patch", "hash": "def", "files": ["/work/app/a.py"]},
            ],
        ),
        user("msg_03", sid, 30, ("prt_03a", "stop", {})),
        assistant(
            "msg_04",
            sid,
            40,
            [{"id": "prt_04a", "type": "step-start"}],
            error={"name": "MessageAbortedError", "data": {"message": "The operation was aborted."}},
            tokens={"input": 0, "output": 0, "reasoning": 0, "cache": {"read": 0, "write": 0}},
        ),
    ]
    return info, messages


def child_session() -> tuple[dict[str, Any], list[tuple[dict[str, Any], list[dict[str, Any]]]]]:
    sid = "ses_child"
    info = {
        "id": sid,
        "projectID": "prj1",
        "parentID": "ses_main",
        "slug": "calm-owl",
        "directory": "/work/app",
        "title": "look (@general subagent)",
        "version": "1.2.3",
        "time": {"created": T0 + 25, "updated": T0 + 90},
    }
    messages = [
        user("msg_11", sid, 26, ("prt_11a", "find it", {})),
        assistant(
            "msg_12",
            sid,
            27,
            [
                tool(
                    "prt_12a",
                    "toolu_glob1",
                    "glob",
                    "completed",
                    {"pattern": "**/*.py"},
                    output="a.py",
                    title="",
                    metadata={},
                ),
                step("prt_12b", 11, 12, 0, 13, 0),
            ],
            modelID="gpt-5",
            providerID="openai",
        ),
    ]
    return info, messages


def write_db(path: Path, sessions: list[Any], *, wal: bool = False) -> None:
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.executescript(SCHEMA)
    conn.execute("INSERT INTO project VALUES ('prj1', '/work/app', ?, ?)", (T0, T0))
    add_sessions(conn, sessions)
    conn.commit()
    conn.close()


def add_sessions(conn: sqlite3.Connection, sessions: list[Any]) -> None:
    for info, messages in sessions:
        conn.execute(
            "INSERT OR REPLACE INTO session (id, project_id, parent_id, slug, directory, title, version, time_created,"
            " time_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                info["id"],
                "prj1",
                info.get("parentID"),
                info["slug"],
                info["directory"],
                info["title"],
                info["version"],
                info["time"]["created"],
                info["time"]["updated"],
            ),
        )
        for message, parts in messages:
            data = {k: v for k, v in message.items() if k not in ("id", "sessionID")}
            created = message["time"]["created"]
            conn.execute(
                "INSERT OR REPLACE INTO message VALUES (?, ?, ?, ?, ?)",
                (message["id"], info["id"], created, created, json.dumps(data)),
            )
            for part in parts:
                pdata = {k: v for k, v in part.items() if k not in ("id", "sessionID", "messageID")}
                conn.execute(
                    "INSERT OR REPLACE INTO part VALUES (?, ?, ?, ?, ?, ?)",
                    (part["id"], message["id"], info["id"], created, created, json.dumps(pdata)),
                )


def write_storage(root: Path, sessions: list[Any]) -> Path:
    storage = root / "storage"
    for info, messages in sessions:
        (storage / "session" / "prj1").mkdir(parents=True, exist_ok=True)
        (storage / "session" / "prj1" / f"{info['id']}.json").write_text(json.dumps(info))
        for message, parts in messages:
            (storage / "message" / info["id"]).mkdir(parents=True, exist_ok=True)
            (storage / "message" / info["id"] / f"{message['id']}.json").write_text(json.dumps(message))
            for part in parts:
                (storage / "part" / message["id"]).mkdir(parents=True, exist_ok=True)
                (storage / "part" / message["id"] / f"{part['id']}.json").write_text(json.dumps(part))
    return storage


# --------------------------------------------------------------------------- the real sample


@pytest.mark.slow
@pytest.mark.corpus
def test_codemie_storage_sample_agrees_with_the_counting_script(tmp_path: Path) -> None:
    if not OPENCODE_CORPUS.is_dir():
        pytest.skip(f"OpenCode corpus not found at {OPENCODE_CORPUS} (the ../shared folder is absent)")
    copy = tmp_path / "codemie"
    shutil.copytree(OPENCODE_CORPUS, copy)
    store = tmp_path / "store.db"
    summary = ingest(store, copy / "storage")
    assert summary["sessions"] == 1 and summary["problems"] == []
    expected = assert_counts_agree(store, copy / "storage")
    assert expected["prompts"] == 1 and expected["tools"] == {
        "Write": {"calls": 1, "errors": 0},
        "Read": {"calls": 1, "errors": 0},
    }
    # The sample's tool names are capitalized (hand-made); kinds are found without case.
    assert sorted(rows(store, "SELECT tool, kind, target_path FROM tool_calls")) == [
        ("Read", "read", "src/existing.ts"),
        ("Write", "write", "src/test.ts"),
    ]
    before = dump_store(store)
    again = ingest(store, copy / "storage")
    assert again["files"]["read"] == 0 and again["files"]["unchanged"] == 1
    assert store_differences(before, dump_store(store)) == []


# --------------------------------------------------------------------------- built inputs


@pytest.mark.slow
def test_database_records_map_as_opencode_means_them(tmp_path: Path) -> None:
    db = tmp_path / "opencode.db"
    write_db(db, [main_session(), child_session()])
    store = tmp_path / "store.db"
    summary = ingest(store, db)
    assert summary["problems"] == []
    assert summary["sessions"] == 1 and summary["subagent_sessions"] == 1
    assert_counts_agree(store, db)
    sessions = rows(store, "SELECT id, agent, kind, parent_id, cwd, model, title, started_at FROM sessions ORDER BY id")
    assert sessions == [
        (
            "ses_child",
            "opencode",
            "subagent",
            "ses_main",
            "/work/app",
            "gpt-5",
            "look (@general subagent)",
            "2025-12-29T09:20:00.025Z",
        ),
        (
            "ses_main",
            "opencode",
            "main",
            None,
            "/work/app",
            "claude-sonnet-4-5",
            "Fix the tests",
            "2025-12-29T09:20:00.000Z",
        ),
    ]
    kinds = dict(rows(store, "SELECT kind, count(*) FROM messages WHERE session_id = 'ses_main' GROUP BY kind"))
    assert kinds == {"prompt": 2, "instructions": 1, "assistant": 1, "interrupt": 1}
    calls = {
        r[0]: r[1:]
        for r in rows(
            store,
            "SELECT id, tool, kind, command, target_path, ok, status, exit_code, lines_added, lines_removed, subagent_id FROM tool_calls",
        )
    }
    assert calls["toolu_bash1"] == ("bash", "shell", "pytest -q", None, 0, "error", 1, None, None, None)
    assert calls["toolu_edit1"] == ("edit", "edit", None, "/work/app/a.py", 1, "ok", None, 1, 1, None)
    assert calls["toolu_read1"][:6] == ("read", "read", None, "/work/app/missing.py", 0, "error")
    assert calls["toolu_task1"][1] == "subagent" and calls["toolu_task1"][-1] == "ses_child"
    assert calls["toolu_grep1"][4:6] == (None, None)  # still running: no result
    diff = rows(store, "SELECT diff FROM tool_calls WHERE id = 'toolu_edit1'")[0][0]
    assert diff == "@@ -1,2 +1,2 @@\n-x = 1\n+x = 2\n y = 3"
    usage = rows(
        store,
        "SELECT message_id, model, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, reasoning_tokens FROM token_usage ORDER BY message_id",
    )
    # Summed over both steps (the message's own tokens, 7/8/9, are its last step's only); output holds reasoning.
    assert usage == [("msg_02", "claude-sonnet-4-5", 130, 65, 2200, 50, 5), ("msg_12", "gpt-5", 11, 12, 13, 0, 0)]


@pytest.mark.slow
def test_storage_tree_reads_like_the_database(tmp_path: Path) -> None:
    storage = write_storage(tmp_path / "data", [main_session(), child_session()])
    store = tmp_path / "store.db"
    summary = ingest(store, storage)
    assert summary["problems"] == [] and summary["sessions"] == 1 and summary["subagent_sessions"] == 1
    assert_counts_agree(store, storage)
    db = tmp_path / "opencode.db"
    write_db(db, [main_session(), child_session()])
    other = tmp_path / "other.db"
    ingest(other, db)
    assert stats(store)["tokens"] == stats(other)["tokens"]
    assert rows(store, "SELECT count(*) FROM source_files")[0][0] == 2  # one unit per session file


@pytest.mark.slow
def test_wal_database_with_an_open_writer_is_read_and_never_written(tmp_path: Path) -> None:
    db = tmp_path / "opencode.db"
    write_db(db, [main_session()], wal=True)
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # the child session stays in the -wal only
    add_sessions(writer, [child_session()])
    writer.commit()
    assert (tmp_path / "opencode.db-wal").stat().st_size > 0

    def digest(path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()

    before = (digest(db), digest(tmp_path / "opencode.db-wal"), db.stat().st_mtime_ns)
    store = tmp_path / "store.db"
    summary = ingest(store, db)
    assert summary["problems"] == [] and summary["subagent_sessions"] == 1  # read from the -wal
    assert (digest(db), digest(tmp_path / "opencode.db-wal"), db.stat().st_mtime_ns) == before
    writer.execute("UPDATE session SET title = 'renamed', time_updated = time_updated + 1 WHERE id = 'ses_main'")
    writer.commit()  # the writer still works after our read
    again = ingest(store, db)
    assert again["files"]["read"] == 1 and again["files"]["unchanged"] == 1
    writer.close()


def test_database_copy_fallback_reads_the_wal(tmp_path: Path) -> None:
    from lessonloop.capture import readonly_sqlite

    db = tmp_path / "opencode.db"
    write_db(db, [main_session()], wal=True)
    writer = sqlite3.connect(db)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    add_sessions(writer, [child_session()])
    writer.commit()
    folder = tmp_path / "copy"
    folder.mkdir()
    copy = readonly_sqlite._consistent_copy(str(db), str(folder))
    conn = sqlite3.connect(copy)
    assert conn.execute("SELECT count(*) FROM session").fetchone()[0] == 2
    conn.close()
    writer.close()


@pytest.mark.slow
def test_updated_session_is_read_alone_and_equals_a_clean_ingest(tmp_path: Path) -> None:
    db = tmp_path / "opencode.db"
    write_db(db, [main_session(), child_session()])
    store = tmp_path / "store.db"
    ingest(store, db)
    info, messages = child_session()
    messages.append(user("msg_13", "ses_child", 60, ("prt_13a", "and then?", {})))
    messages.append(assistant("msg_14", "ses_child", 61, [step("prt_14a", 1, 2, 3, 4, 5)], modelID="gpt-5"))
    info["time"]["updated"] += 100
    conn = sqlite3.connect(db)
    add_sessions(conn, [(info, messages)])
    conn.commit()
    conn.close()
    second = ingest(store, db)
    assert second["files"]["read"] == 1 and second["files"]["unchanged"] == 1
    clean = tmp_path / "clean.db"
    ingest(clean, db)
    assert store_differences(dump_store(clean), dump_store(store)) == []
    assert_counts_agree(store, db)
    before = dump_store(store)
    third = ingest(store, db)
    assert third["files"]["read"] == 0
    assert store_differences(before, dump_store(store)) == []


@pytest.mark.slow
def test_new_part_file_rereads_only_its_session(tmp_path: Path) -> None:
    storage = write_storage(tmp_path / "data", [main_session(), child_session()])
    store = tmp_path / "store.db"
    ingest(store, storage)
    part = {"id": "prt_12z", "sessionID": "ses_child", "messageID": "msg_12", "type": "text", "text": "done"}
    (storage / "part" / "msg_12" / "prt_12z.json").write_text(json.dumps(part))
    second = ingest(store, storage)
    assert second["files"]["read"] == 1 and second["files"]["unchanged"] == 1
    clean = tmp_path / "clean.db"
    ingest(clean, storage)
    assert store_differences(dump_store(clean), dump_store(store)) == []


def test_bad_storage_files_are_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    storage = write_storage(tmp_path / "data", [main_session(), child_session()])
    broken = storage / "part" / "msg_02" / "prt_02j.json"
    broken.write_bytes(broken.read_bytes()[:25])  # truncated
    orphan = storage / "part" / "msg_gone"
    orphan.mkdir()
    (orphan / "prt_x.json").write_text(
        json.dumps({"id": "prt_x", "messageID": "msg_gone", "type": "text", "text": "?"})
    )
    (storage / "part" / "msg_02" / "prt_02zz.json").write_text(json.dumps({"id": "prt_02zz", "type": "hologram"}))
    store = tmp_path / "store.db"
    summary = ingest(store, storage)
    codes = {p["code"] for p in summary["problems"] + summary["notices"]}
    assert {"truncated-json", "part-without-message", "unknown-part-type"} <= codes
    assert summary["sessions"] == 1 and summary["tool_calls"] == 6
    assert rows(store, "SELECT count(*) FROM messages WHERE kind = 'assistant'")[0][0] == 0  # the cut reply


def test_unreadable_and_foreign_databases_are_problems(tmp_path: Path) -> None:
    garbage = tmp_path / "a" / "opencode.db"
    garbage.parent.mkdir()
    garbage.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    foreign = tmp_path / "b" / "opencode.db"
    foreign.parent.mkdir()
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE session (id text, user text)")
    conn.commit()
    conn.close()
    store = tmp_path / "store.db"
    # Nothing readable: ingest says so with exit status 1 and its summary.
    summary = cli(
        "ingest", "--db", str(store), "--no-progress", "--json", str(garbage.parent), str(foreign.parent), check=False
    )
    by_path = {p["path"]: p["code"] for p in summary["problems"]}
    assert by_path == {str(garbage): "unreadable-file", str(foreign): "not-opencode-db"}
    assert summary["sessions"] == 0


def test_discovery_finds_the_database_and_storage_in_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "xdg" / "opencode"
    data.mkdir(parents=True)
    write_db(data / "opencode.db", [main_session()])
    write_storage(data, [child_session()])
    context = DiscoveryContext(environ={"XDG_DATA_HOME": str(tmp_path / "xdg")}, home=str(tmp_path / "home"))
    found = opencode_paths.discover(context)
    formats = {f.format for f in found}
    assert formats == {"opencode-db", "opencode-storage"}
    assert str(data / "opencode.db") in {f.path for f in found}
    assert opencode_paths.searched(context) == [data]
    default = DiscoveryContext(environ={}, home=str(tmp_path / "home"))
    assert opencode_paths.searched(default) == [tmp_path / "home" / ".local" / "share" / "opencode"]


@pytest.mark.slow
def test_token_totals_against_ccusage(tmp_path: Path) -> None:
    ccusage = require_ccusage()
    data = tmp_path / "data" / "opencode"
    data.mkdir(parents=True)
    # One step per message: ccusage reads the message's tokens, which are then the step's.
    info, messages = child_session()
    del info["parentID"]
    messages[1][0]["tokens"] = messages[1][1][-1]["tokens"]  # as OpenCode leaves a one-step message
    write_db(data / "opencode.db", [(info, messages)])
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path / "home"),
        "OPENCODE_DATA_DIR": str(data),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [ccusage, "opencode", "daily", "--json", "--offline"], capture_output=True, text=True, env=env, timeout=300
    )
    if done.returncode != 0:
        pytest.skip(f"ccusage opencode could not run here: {done.stderr[-300:]}")
    report = json.loads(done.stdout)
    store = tmp_path / "store.db"
    ingest(store, data / "opencode.db")
    ours = stats(store)["tokens"]["gpt-5"]
    totals = report.get("totals") or {}
    assert totals.get("inputTokens") == ours["input"]
    assert totals.get("outputTokens") == ours["output"]
    assert totals.get("cacheReadTokens") == ours["cache_read"]
    assert totals.get("cacheCreationTokens") == ours["cache_creation"]
    # A message of several steps: ccusage reads the message's tokens (its last step's), we sum the
    # steps (docs/agents/opencode.md).
    many = tmp_path / "many" / "opencode"
    many.mkdir(parents=True)
    write_db(many / "opencode.db", [main_session()])
    env["OPENCODE_DATA_DIR"] = str(many)
    done = subprocess.run(
        [ccusage, "opencode", "daily", "--json", "--offline"], capture_output=True, text=True, env=env, timeout=300
    )
    theirs = json.loads(done.stdout).get("totals") or {}
    other = tmp_path / "many.db"
    ingest(other, many / "opencode.db")
    assert (theirs.get("inputTokens"), stats(other)["tokens"]["claude-sonnet-4-5"]["input"]) == (7, 130)
