"""The Gemini CLI adapter (agents/gemini/reader): single-JSON and JSONL chats through the real CLI.

Inputs are the real codemie sessions (../shared/corpus/gemini/codemie, copied) and JSONL chats
built here from the record shapes of Gemini CLI's chatRecordingService.ts (there is no real
JSONL sample): a metadata line, message records rewritten by id, `$set` and `$rewindTo` lines.
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

import pytest

from lessonloop.agents.gemini.reader import paths as gemini_paths
from lessonloop.capture.adapters import DiscoveryContext
from tests.ccusage import require_ccusage
from tests.conftest import SHARED_CORPUS, dump_store, store_differences
from tests.counting.gemini_count import count

GEMINI_CORPUS = SHARED_CORPUS / "gemini" / "codemie"


def cli(*args: str, env: dict[str, str] | None = None) -> Any:
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", *args], capture_output=True, text=True, check=True, env=env, timeout=300
    )
    return json.loads(done.stdout)


def ingest(db: Path, *paths: Path, env: dict[str, str] | None = None) -> Any:
    return cli("ingest", "--db", str(db), "--no-progress", "--json", *map(str, paths), env=env)


def rows(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql, params))
    finally:
        conn.close()


def jsonl(*records: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def meta(session_id: str = "11111111-2222-3333-4444-555555555555", **extra: Any) -> dict[str, Any]:
    return {
        "sessionId": session_id,
        "projectHash": "f" * 64,
        "startTime": "2026-03-01T10:00:00.000Z",
        "lastUpdated": "2026-03-01T10:00:00.000Z",
        **extra,
    }


def user(mid: str, content: Any, **extra: Any) -> dict[str, Any]:
    return {"id": mid, "timestamp": "2026-03-01T10:00:01.000Z", "type": "user", "content": content, **extra}


def gemini(mid: str, content: Any = "", tool_calls: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    record = {
        "id": mid,
        "timestamp": "2026-03-01T10:00:02.000Z",
        "type": "gemini",
        "content": content,
        "model": "gemini-2.5-pro",
        "tokens": {"input": 1000, "output": 50, "cached": 400, "thoughts": 30, "tool": 5, "total": 1085},
        **extra,
    }
    if tool_calls is not None:
        record["toolCalls"] = tool_calls
    return record


def call(
    cid: str,
    name: str,
    args: dict[str, Any],
    status: str,
    output: str | None = None,
    error: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    response: dict[str, Any] = {}
    if output is not None:
        response["output"] = output
    if error is not None:
        response["error"] = error
    return {
        "id": cid,
        "name": name,
        "args": args,
        "result": [{"functionResponse": {"id": cid, "name": name, "response": response}}],
        "status": status,
        "timestamp": "2026-03-01T10:00:03.000Z",
        **extra,
    }


def every_shape() -> bytes:
    diff = "Index: a.py\n===\n--- a.py\tOriginal\n+++ a.py\tWritten\n@@ -1,2 +1,2 @@\n x = 1\n-y = 2\n+y = 3\n"
    calls = [
        call("c1", "run_shell_command", {"command": "ls"}, "success", "Output: a.py\nProcess Group PGID: 7"),
        call(
            "c2",
            "run_shell_command",
            {"command": "pytest"},
            "success",
            "Output: 1 failed\nExit Code: 1\nProcess Group PGID: 8",
        ),
        call(
            "c3",
            "replace",
            {"file_path": "/p/a.py", "old_string": "y = 2", "new_string": "y = 3"},
            "success",
            "ok",
            resultDisplay={"fileDiff": diff, "fileName": "a.py"},
        ),
        call("c4", "write_file", {"file_path": "/p/b.py", "content": "print(1)\n"}, "success", "Successfully created"),
        call(
            "c5",
            "write_file",
            {"file_path": "/p/c.py", "content": "x"},
            "cancelled",
            error="[Operation Cancelled] Reason: User did not allow tool call",
        ),
        call("c6", "run_shell_command", {"command": "sleep 100"}, "cancelled", error="User cancelled tool execution."),
        call("c7", "read_file", {"file_path": "/p/missing.py"}, "error", error="File not found: /p/missing.py"),
        call("c8", "read_many_files", {"paths": ["/p/a.py", "/p/b.py"]}, "success", "two files"),
        call("c9", "google_web_search", {"query": "x"}, "success", "results"),
        call("c10", "mcp_tool_x", {"q": 1}, "executing"),
    ]
    return jsonl(
        meta(),
        user("u1", "fix the test"),
        user("u2", "/compress"),
        user("u3", [{"text": "explain @a.py\n--- Content from referenced files ---\nContent from @a.py: x"}]),
        user("u4", [{"text": "expanded"}], displayContent="look at @a.py"),
        gemini("g1", [{"text": "thinking...", "thought": True}, {"text": "Running it."}], calls),
        user("u5", [{"functionResponse": {"id": "c1", "name": "run_shell_command", "response": {"output": "a.py"}}}]),
        {"id": "i1", "timestamp": "2026-03-01T10:00:04.000Z", "type": "info", "content": "Request cancelled."},
        {"id": "e1", "timestamp": "2026-03-01T10:00:05.000Z", "type": "error", "content": "Quota exceeded"},
        {"$set": {"lastUpdated": "2026-03-01T10:05:00.000Z", "summary": "Fix the test"}},
    )


# --------------------------------------------------------------------------- record shapes


def test_every_record_shape_of_a_jsonl_chat(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "session-2026-03-01T10-00-11111111.jsonl").write_bytes(every_shape())
    db = tmp_path / "s.db"
    summary = ingest(db, tmp_path / "in")
    assert summary["problems"] == []
    assert rows(db, "SELECT id, agent, kind, model, started_at, ended_at, title FROM sessions") == [
        (
            "11111111-2222-3333-4444-555555555555",
            "gemini",
            "main",
            "gemini-2.5-pro",
            "2026-03-01T10:00:00.000Z",
            "2026-03-01T10:05:00.000Z",
            "Fix the test",
        )
    ]
    messages = rows(db, "SELECT uuid, kind, text FROM messages ORDER BY seq")
    assert messages == [
        ("u1", "prompt", "fix the test"),
        ("u2", "command", "/compress"),
        ("u3", "prompt", "explain @a.py"),
        ("u4", "prompt", "look at @a.py"),
        ("g1", "assistant", "Running it."),
        ("i1", "system", "Request cancelled."),
        ("e1", "system", "Quota exceeded"),
    ]
    calls = {
        r[0]: r[1:]
        for r in rows(
            db,
            "SELECT id, tool, kind, command, target_path, paths_json, status, exit_code, error_text, lines_added, lines_removed FROM tool_calls",
        )
    }
    assert calls["c1"][:7] == ("run_shell_command", "shell", "ls", None, None, "ok", 0)
    assert calls["c2"][5:7] == ("error", 1)
    assert calls["c3"][1] == "edit" and calls["c3"][3] == "/p/a.py" and calls["c3"][8:] == (1, 1)
    assert calls["c4"][1] == "write" and calls["c4"][8:] == (1, 0)
    assert calls["c5"][5] == "rejected" and "did not allow" in calls["c5"][7]
    assert calls["c6"][5] == "interrupted"
    assert calls["c7"][1:] == (
        "read",
        None,
        "/p/missing.py",
        None,
        "error",
        None,
        "File not found: /p/missing.py",
        None,
        None,
    )
    assert calls["c8"][3] == "/p/a.py" and json.loads(calls["c8"][4]) == ["/p/a.py", "/p/b.py"]
    assert calls["c9"][1] == "fetch" and calls["c10"][1] == "other" and calls["c10"][5] is None
    diff = rows(db, "SELECT diff FROM tool_calls WHERE id = 'c3'")[0][0]
    assert diff.startswith("@@ -1,2 +1,2 @@") and "+y = 3" in diff
    assert rows(
        db,
        "SELECT message_id, request_id, model, input_tokens, output_tokens, cache_read_tokens, reasoning_tokens FROM token_usage",
    ) == [("g1", "", "gemini-2.5-pro", 605, 80, 400, 30)]


def test_a_secret_in_a_command_and_a_prompt_is_redacted(tmp_path: Path) -> None:
    secret = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "session-x.jsonl").write_bytes(
        jsonl(
            meta(),
            user("u1", f"use token {secret}"),
            gemini(
                "g1",
                "",
                [
                    call(
                        "c1",
                        "run_shell_command",
                        {"command": f"curl -H 'Authorization: {secret}' x"},
                        "success",
                        "Output: ok",
                    )
                ],
            ),
        )
    )
    db = tmp_path / "s.db"
    summary = ingest(db, tmp_path / "in")
    assert summary["secrets_redacted"] >= 2
    stored = (
        rows(db, "SELECT group_concat(text) FROM messages")[0][0]
        + rows(db, "SELECT group_concat(command) || group_concat(input_json) FROM tool_calls")[0][0]
    )
    assert secret not in stored


# --------------------------------------------------------------------------- rewinds and re-reads


@pytest.mark.slow
def test_a_rewind_leaves_the_store_a_clean_ingest_of_the_final_file_leaves(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    chat = folder / "session-2026-03-01T10-00-11111111.jsonl"
    first = jsonl(
        meta(),
        user("u1", "first"),
        gemini("g1", "one", [call("c1", "read_file", {"file_path": "/a"}, "success", "x")]),
        user("u2", "second"),
        gemini("g2", "two"),
    )
    chat.write_bytes(first)
    db = tmp_path / "grown.db"
    ingest(db, folder)
    assert rows(db, "SELECT count(*) FROM messages")[0][0] == 4
    # The person rewinds to before "second" and asks again; g1 is rewritten by id with its tokens.
    final = first + jsonl(
        {"$rewindTo": "u2"},
        user("u3", "second, again"),
        gemini("g3", "three"),
        gemini("g1", "one, revised", [call("c1", "read_file", {"file_path": "/a"}, "success", "x")]),
    )
    chat.write_bytes(final)
    os.utime(chat, ns=(chat.stat().st_atime_ns, chat.stat().st_mtime_ns + 10**9))
    ingest(db, folder)
    clean = tmp_path / "clean.db"
    ingest(clean, folder)
    assert store_differences(dump_store(clean), dump_store(db)) == []
    assert rows(db, "SELECT uuid, text FROM messages ORDER BY seq") == [
        ("u1", "first"),
        ("g1", "one, revised"),
        ("u3", "second, again"),
        ("g3", "three"),
    ]
    assert [r[0] for r in rows(db, "SELECT message_id FROM token_usage ORDER BY message_id")] == ["g1", "g3"]


def test_a_rewind_to_an_unknown_id_drops_every_message(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "session-x.jsonl").write_bytes(
        jsonl(meta(), user("u1", "a"), {"$rewindTo": "nope"}, user("u2", "b"))
    )
    db = tmp_path / "s.db"
    ingest(db, tmp_path / "in")
    assert rows(db, "SELECT uuid FROM messages") == [("u2",)]


def test_set_messages_replace_the_list_where_they_stand_and_a_rewrite_keeps_the_turns_that_ran(tmp_path: Path) -> None:
    """Gemini CLI 0.61: a chat opens with `$set.messages` (its <session_context>), the lines after it
    add to the list; a resumed chat writes its history again the same way: the model turns recorded
    when they ran (tokens, calls) are kept, the rewrite's copies of them (no tokens) are not."""
    copy = gemini("g1-copy", [{"text": "b"}])
    del copy["tokens"]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "session-x.jsonl").write_bytes(
        jsonl(
            meta(),
            {"$set": {"messages": [user("ctx", "<session_context>\nToday is ...\n</session_context>")]}},
            user("u1", "a"),
            gemini("g1", "b"),
            {
                "$set": {
                    "messages": [user("ctx", "<session_context>..."), user("u1", "a"), copy, gemini("g9", "masked")]
                }
            },
            user("u2", "c"),
        )
    )
    db = tmp_path / "s.db"
    ingest(db, tmp_path / "in")
    assert rows(db, "SELECT uuid, kind FROM messages ORDER BY seq") == [
        ("ctx", "instructions"),
        ("u1", "prompt"),
        ("g1", "assistant"),
        ("g9", "assistant"),
        ("u2", "prompt"),
    ]


@pytest.mark.slow
def test_a_rewritten_json_chat_is_read_again_whole(tmp_path: Path) -> None:
    if not GEMINI_CORPUS.is_dir():
        pytest.skip(f"gemini corpus not found at {GEMINI_CORPUS}")
    folder = tmp_path / "in"
    folder.mkdir()
    source = json.loads((GEMINI_CORPUS / "session-2025-12-01T21-45-5b959dae.json").read_text())
    chat = folder / "session-2025-12-01T21-45-5b959dae.json"
    short = dict(source, messages=source["messages"][:3])
    chat.write_text(json.dumps(short))
    db = tmp_path / "grown.db"
    ingest(db, folder)
    chat.write_text(json.dumps(source, indent=2))
    os.utime(chat, ns=(chat.stat().st_atime_ns, chat.stat().st_mtime_ns + 10**9))
    assert ingest(db, folder)["files"]["replaced"] == 1
    clean = tmp_path / "clean.db"
    ingest(clean, folder)
    assert store_differences(dump_store(clean), dump_store(db)) == []


# --------------------------------------------------------------------------- bad input


def test_bad_jsonl_lines_are_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    bad = (
        jsonl(meta(), user("u1", "kept"))
        + b'{"id": "u2", "type": "user", "content": "cut\n'
        + b"[1, 2]\n"
        + b"not json\n"
        + b'{"id": "u3", "type": "user", "content": "caf\xe9"}\n'
        + b"[" * 1100
        + b"]" * 1100
        + b"\n"
        + b'{"id": "u4", "type": "user", "content": "deep", "x": '
        + b"[" * 150
        + b"]" * 150
        + b"}\n"
        + jsonl({"weird": 1}, {"id": "z1", "type": "mystery", "content": "?"}, user("u5", "also kept"))
    )
    (tmp_path / "in" / "session-x.jsonl").write_bytes(bad)
    db = tmp_path / "s.db"
    summary = ingest(db, tmp_path / "in")
    codes = sorted(p["code"] for p in summary["problems"])
    assert codes == [
        "invalid-json",
        "invalid-utf8",
        "nested-too-deep",
        "nested-too-deep",
        "not-an-object",
        "truncated-line",
    ]
    notices = {n["code"] for n in summary["notices"]}
    assert "unknown-record-type" in notices
    assert [r[0] for r in rows(db, "SELECT text FROM messages ORDER BY seq")] == [
        "kept",
        "caf\ufffd",
        "deep",
        "also kept",
    ]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (
            b'{"sessionId": "s", "projectHash": "h", "messages": [{"id": "u1", "type": "user", "content": "hi"}',
            "truncated-file",
        ),
        (b'{"sessionId": "s", "messages": [' + b"[" * 2000 + b"]" * 2000 + b"]}", "nested-too-deep"),
    ],
)
def test_a_broken_json_chat_is_a_problem_not_a_failure(tmp_path: Path, content: bytes, code: str) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "session-x.json").write_bytes(content)
    command = ["ingest", "--db", str(tmp_path / "s.db"), "--no-progress", "--json", str(tmp_path / "in/session-x.json")]
    done = subprocess.run(
        [sys.executable, "-m", "lessonloop", *command],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # Exit status 1 when nothing of the only file could be read (README: "every file failed").
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    summary = json.loads(done.stdout)
    assert (
        code in [p["code"] for p in summary["problems"]]
        or summary["files"]["other_format"]
        or summary["files"]["read"] == 0
    )
    assert done.returncode == (1 if summary["files"]["nothing_read"] == summary["files"]["read"] else 0)


def test_invalid_utf8_in_a_json_chat_is_replaced_and_kept(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    doc = b'{"sessionId": "s1", "projectHash": "h", "messages": [{"id": "u1", "type": "user", "content": "na\xefve"}]}'
    (tmp_path / "in" / "session-x.json").write_bytes(doc)
    db = tmp_path / "s.db"
    summary = ingest(db, tmp_path / "in")
    assert [p["code"] for p in summary["problems"]] == ["invalid-utf8"]
    assert rows(db, "SELECT text FROM messages") == [("na\ufffdve",)]


# --------------------------------------------------------------------------- discovery


def test_discovery_finds_slug_hash_and_subagent_folders_and_their_roots(tmp_path: Path) -> None:
    home = tmp_path / "home"
    gem = home / ".gemini"
    slug_chats = gem / "tmp" / "myproj" / "chats"
    hash_chats = gem / "tmp" / gemini_paths.project_hash("/work/other") / "chats"
    lost_chats = gem / "tmp" / gemini_paths.project_hash("/gone") / "chats"
    parent = "11111111-2222-3333-4444-555555555555"
    for folder in (slug_chats / parent, hash_chats, lost_chats):
        folder.mkdir(parents=True)
    (gem / "projects.json").write_text(json.dumps({"projects": {"/work/myproj": "myproj", "/work/other": "other"}}))
    (slug_chats / "session-2026-03-01T10-00-11111111.jsonl").write_bytes(jsonl(meta(parent), user("u1", "main")))
    (slug_chats / parent / "aaaa.jsonl").write_bytes(jsonl(meta("aaaa", kind="subagent"), user("s1", "sub task")))
    (hash_chats / "session-2025-01-01T10-00-22222222.json").write_text(
        json.dumps(dict(meta("22222222-x"), messages=[]))
    )
    (lost_chats / "session-2025-01-01T10-00-33333333.json").write_text(
        json.dumps(dict(meta("33333333-x"), messages=[]))
    )
    (lost_chats / "session-2025-01-01T10-00-33333333.jsonl").write_bytes(jsonl(meta("33333333-x")))  # resumed
    context = DiscoveryContext(environ={"GEMINI_CLI_HOME": str(home)}, home="/nowhere")
    found = {os.path.relpath(f.path, gem): f.format for f in gemini_paths.discover(context)}
    assert found == {
        f"tmp/myproj/chats/{parent}/aaaa.jsonl": "gemini-chat-jsonl",
        "tmp/myproj/chats/session-2026-03-01T10-00-11111111.jsonl": "gemini-chat-jsonl",
        f"tmp/{gemini_paths.project_hash('/work/other')}/chats/session-2025-01-01T10-00-22222222.json": "gemini-chat",
        f"tmp/{gemini_paths.project_hash('/gone')}/chats/session-2025-01-01T10-00-33333333.jsonl": "gemini-chat-jsonl",
    }
    db = tmp_path / "s.db"
    env = dict(os.environ, HOME=str(tmp_path / "empty-home"), GEMINI_CLI_HOME=str(home))
    ingest(db, env=env)
    sessions = {r[0]: r[1:] for r in rows(db, "SELECT id, kind, parent_id, cwd FROM sessions WHERE agent = 'gemini'")}
    assert sessions == {
        parent: ("main", None, "/work/myproj"),
        "aaaa": ("subagent", parent, "/work/myproj"),
        "22222222-x": ("main", None, "/work/other"),
        "33333333-x": ("main", None, None),
    }


# --------------------------------------------------------------------------- the real corpus


@pytest.fixture(scope="module")
def corpus_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not GEMINI_CORPUS.is_dir():
        pytest.skip(f"gemini corpus not found at {GEMINI_CORPUS} (the ../shared folder is absent)")
    folder = tmp_path_factory.mktemp("gemini") / "codemie"
    shutil.copytree(GEMINI_CORPUS, folder)
    return folder


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_counts_agree_with_the_counting_script(corpus_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    summary = ingest(db, corpus_copy)
    assert summary["problems"] == []
    assert summary["files"]["read"] == 3  # two sessions and the timestamp edge case; logs.json is told apart
    stats = cli("stats", "--db", str(db), "--json")
    expected = count([str(corpus_copy)])
    assert stats["sessions"] == expected["sessions"] == 3
    assert stats["messages"]["prompt"] == expected["prompts"]
    assert stats["tools"] == expected["tools"]
    costs = ("cost_usd", "unpriced_calls")  # report/costs.py's, tested in test_costs.py
    assert {m: {k: v for k, v in r.items() if k not in costs} for m, r in stats["tokens"].items()} == expected["tokens"]
    assert sum(t["calls"] for t in expected["tools"].values()) == 24


@pytest.mark.corpus
def test_corpus_reingest_changes_nothing(corpus_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ingest(db, corpus_copy)
    before = dump_store(db)
    again = ingest(db, corpus_copy)
    assert again["files"]["read"] == 0 and again["files"]["unchanged"] == 3
    assert store_differences(before, dump_store(db)) == []


@pytest.mark.corpus
def test_corpus_sessions_and_edits(corpus_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ingest(db, corpus_copy)
    assert rows(db, "SELECT id, model, started_at, ended_at FROM sessions WHERE id LIKE '5b959dae%'") == [
        (
            "5b959dae-8655-4cd1-b10f-720b8c336ea2",
            "gemini-3-pro-image-preview",
            "2025-12-01T21:45:34.362Z",
            "2025-12-01T21:50:10.837Z",
        )
    ]
    edits = rows(
        db, "SELECT kind, target_path, diff IS NOT NULL FROM tool_calls WHERE tool IN ('replace', 'write_file')"
    )
    assert len(edits) == 5 and all(diff for *_, diff in edits)
    assert rows(db, "SELECT count(*) FROM tool_calls WHERE kind = 'subagent'") == [(1,)]


@pytest.mark.slow
@pytest.mark.corpus
def test_token_totals_against_ccusage(corpus_copy: Path, tmp_path: Path) -> None:
    ccusage = require_ccusage()
    home = tmp_path / "home"
    chats = home / ".gemini" / "tmp" / "p" / "chats"
    chats.mkdir(parents=True)
    for chat in corpus_copy.glob("session-*.json"):
        shutil.copy(chat, chats)
    env = dict(os.environ, HOME=str(home), GEMINI_CLI_HOME=str(home))
    done = subprocess.run(
        [ccusage, "gemini", "daily", "--json", "--offline"], capture_output=True, text=True, env=env, timeout=300
    )
    if done.returncode != 0:
        done = subprocess.run(
            [ccusage, "gemini", "daily", "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=True,
        )
    theirs: dict[str, dict[str, int]] = {}
    for day in json.loads(done.stdout)["daily"]:
        for row in day["modelBreakdowns"]:
            mine = theirs.setdefault(row["modelName"], {"input": 0, "output": 0, "cache_read": 0})
            mine["input"] += row["inputTokens"]
            mine["output"] += row["outputTokens"]
            mine["cache_read"] += row["cacheReadTokens"]
    db = tmp_path / "s.db"
    ingest(db, chats)
    ours = cli("stats", "--db", str(db), "--json")["tokens"]
    assert set(theirs) == set(ours)
    for model, row in theirs.items():
        # ccusage's output leaves the thoughts out; ours holds them (reasoning is output): see docs/agents/gemini.md.
        assert (ours[model]["input"], ours[model]["output"] - ours[model]["reasoning"], ours[model]["cache_read"]) == (
            row["input"],
            row["output"],
            row["cache_read"],
        ), model


# --------------------------------------------------------------------------- fuzz


def _mutations(data: bytes, count: int, seed: int) -> list[bytes]:
    import random

    rng = random.Random(seed)
    out = []
    for _ in range(count):
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            action = rng.random()
            at = rng.randrange(len(buf))
            if action < 0.4:
                buf[at] = rng.randrange(256)
            elif action < 0.7:
                del buf[at : at + rng.randint(1, 40)]
            else:
                buf[at:at] = rng.choice(
                    [b"{", b"}", b"[", b"]", b'"', b"\n", b"\xff\xfe", b"null", b'{"$rewindTo": 1}']
                )
        out.append(bytes(buf))
    return out


@pytest.mark.slow
def test_fuzzed_chats_never_raise_and_ingest_reads_every_file(tmp_path: Path) -> None:
    from lessonloop.agents.gemini.reader.parser import read_chat

    folder = tmp_path / "in"
    folder.mkdir()
    inputs = {"gemini-chat-jsonl": every_shape()}
    if GEMINI_CORPUS.is_dir():
        inputs["gemini-chat"] = (GEMINI_CORPUS / "session-2025-12-01T21-45-5b959dae.json").read_bytes()
    for fmt, data in inputs.items():
        suffix = ".jsonl" if fmt == "gemini-chat-jsonl" else ".json"
        for index, mutated in enumerate(_mutations(data, 150, seed=13)):
            path = folder / f"session-{fmt}-{index}{suffix}"
            path.write_bytes(mutated)
            read_chat(str(path), fmt)  # never raises: bad input is Problems
    summary = ingest(tmp_path / "s.db", folder)
    assert summary["files"]["failed"] == 0
    assert not [p for p in summary["problems"] if p["code"] == "reader-failed"]
