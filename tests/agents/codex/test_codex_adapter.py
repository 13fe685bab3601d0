"""The Codex CLI adapter: rollouts -> sessions, prompts, tool calls, outcomes, diffs, tokens."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.codex.reader.parser import CodexParser
from tests.ccusage import require_ccusage
from tests.conftest import SHARED_CORPUS, dump_store, run_ingest, store_differences
from tests.counting.codex_count import count

CODEX_CORPUS = SHARED_CORPUS / "codex" / "codemie"
SID = "019e1625-789d-76c0-80ab-3724b5ddb799"
CHILD = "019e1700-0000-7000-8000-000000000001"


def line(kind: str, payload: dict[str, Any], ts: str = "2026-05-11T08:27:17.490Z") -> str:
    return json.dumps({"timestamp": ts, "type": kind, "payload": payload})


def event(payload: dict[str, Any], ts: str = "2026-05-11T08:27:18.000Z") -> str:
    return line("event_msg", payload, ts)


def item(payload: dict[str, Any], ts: str = "2026-05-11T08:27:18.000Z") -> str:
    return line("response_item", payload, ts)


def tokens(total: list[int], last: list[int]) -> str:
    names = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens", "total_tokens")
    info = {
        "total_token_usage": dict(zip(names, total, strict=True)),
        "last_token_usage": dict(zip(names, last, strict=True)),
    }
    return event({"type": "token_count", "info": info, "rate_limits": None})


def meta(session_id: str = SID, **extra: Any) -> str:
    payload: dict[str, Any] = {
        "id": session_id,
        "timestamp": "2026-05-11T08:26:55.042Z",
        "cwd": "/work/proj",
        "cli_version": "0.125.0",
    }
    payload["git"] = {"branch": "main"}
    payload.update(extra)
    return line("session_meta", payload)


PATCH = "*** Begin Patch\n*** Update File: src/a.py\n@@\n-old = 1\n+new = 2\n*** End Patch\n"

ROLLOUT = [
    meta(),
    event({"type": "task_started", "turn_id": "t1"}),
    item({"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "<permissions>"}]}),
    item({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "<environment_context>x"}]}),
    line("turn_context", {"turn_id": "t1", "cwd": "/work/proj", "model": "gpt-5.5"}),
    item({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "fix the bug"}]}),
    event({"type": "user_message", "message": "fix the bug"}),
    event({"type": "token_count", "info": None}),
    item({"type": "function_call", "name": "exec_command", "arguments": '{"cmd": "pytest -q"}', "call_id": "c1"}),
    tokens([100, 40, 10, 4, 110], [100, 40, 10, 4, 110]),
    tokens([100, 40, 10, 4, 110], [100, 40, 10, 4, 110]),  # the same count again: not counted
    item(
        {
            "type": "function_call_output",
            "call_id": "c1",
            "output": "Chunk ID: a\nWall time: 1.0 seconds\nProcess exited with code 1\nOutput:\nFAILED\n",
        }
    ),
    item(
        {
            "type": "function_call",
            "name": "shell",
            "arguments": json.dumps({"command": ["bash", "-lc", "ls -la"], "workdir": "/work/proj/sub"}),
            "call_id": "c2",
        }
    ),
    item(
        {
            "type": "function_call_output",
            "call_id": "c2",
            "output": json.dumps({"output": "a\nb\n", "metadata": {"exit_code": 0, "duration_seconds": 0.1}}),
        }
    ),
    item({"type": "custom_tool_call", "status": "completed", "call_id": "c3", "name": "apply_patch", "input": PATCH}),
    event(
        {
            "type": "patch_apply_end",
            "call_id": "c3",
            "stdout": "Success.",
            "stderr": "",
            "success": True,
            "changes": {
                "/work/proj/src/a.py": {
                    "type": "update",
                    "unified_diff": "@@ -3,1 +3,1 @@\n-old = 1\n+new = 2\n",
                    "move_path": None,
                }
            },
        }
    ),
    item(
        {
            "type": "custom_tool_call_output",
            "call_id": "c3",
            "output": json.dumps({"output": "Success.", "metadata": {"exit_code": 0}}),
        }
    ),
    item(
        {
            "type": "function_call",
            "name": "shell",
            "arguments": json.dumps({"command": ["apply_patch", PATCH.replace("old = 1", "gone")]}),
            "call_id": "c4",
        }
    ),
    item(
        {
            "type": "function_call_output",
            "call_id": "c4",
            "output": "apply_patch verification failed: Failed to find expected lines in src/a.py:\ngone",
        }
    ),
    item({"type": "function_call", "name": "exec_command", "arguments": '{"cmd": "rm -rf build"}', "call_id": "c5"}),
    item({"type": "function_call_output", "call_id": "c5", "output": "exec command rejected by user"}),
    item({"type": "function_call", "name": "update_plan", "arguments": '{"plan": []}', "call_id": "c6"}),
    item({"type": "function_call_output", "call_id": "c6", "output": "Plan updated"}),
    item(
        {"type": "function_call", "name": "view_image", "arguments": '{"path": "/work/proj/shot.png"}', "call_id": "c7"}
    ),
    item({"type": "function_call_output", "call_id": "c7", "output": "attached"}),
    event({"type": "web_search_end", "call_id": "ws_1", "query": "q"}),
    item({"type": "web_search_call", "status": "completed", "action": {"type": "search", "query": "q"}}),
    item({"type": "function_call", "name": "js", "namespace": "mcp__node_repl__", "arguments": "{}", "call_id": "c8"}),
    item({"type": "function_call_output", "call_id": "c8", "output": "Wall time: 1 seconds\nOutput:\n[]"}),
    event({"type": "agent_message", "message": "Done."}),
    item({"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Done."}]}),
    tokens([250, 90, 30, 10, 280], [150, 50, 20, 6, 170]),
    item({"type": "function_call", "name": "exec_command", "arguments": '{"cmd": "sleep 100"}', "call_id": "c9"}),
    event({"type": "turn_aborted", "reason": "interrupted"}),
]


def write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(text + "\n" for text in lines))
    return path


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def rollout_store(tmp_path: Path, db_path: Path) -> Path:
    write(tmp_path / "sessions" / f"rollout-2026-05-11T11-26-55-{SID}.jsonl", ROLLOUT)
    summary = run_ingest(db_path, tmp_path / "sessions")
    assert summary.problems == []
    return db_path


def test_session_comes_from_session_meta_and_the_model_from_turn_context(rollout_store: Path) -> None:
    [session] = rows(
        rollout_store, "SELECT id, agent, kind, parent_id, cwd, git_branch, version, model, started_at FROM sessions"
    )
    assert session == (
        SID,
        "codex",
        "main",
        None,
        "/work/proj",
        "main",
        "0.125.0",
        "gpt-5.5",
        "2026-05-11T08:26:55.042Z",
    )


def test_prompts_are_user_message_events_and_injected_text_is_instructions(rollout_store: Path) -> None:
    kinds = rows(rollout_store, "SELECT kind, text FROM messages ORDER BY seq")
    assert [text for kind, text in kinds if kind == "prompt"] == ["fix the bug"]
    assert sum(1 for kind, _ in kinds if kind == "instructions") == 2
    assert [text for kind, text in kinds if kind == "assistant"] == ["Done."]  # once, not from agent_message too
    assert ("interrupt", "turn aborted (interrupted)") in kinds


def test_tool_calls_get_kinds_commands_and_outcomes(rollout_store: Path) -> None:
    calls = {
        r[0]: r[1:]
        for r in rows(
            rollout_store, "SELECT id, tool, kind, command, status, exit_code, target_path, cwd FROM tool_calls"
        )
    }
    assert calls["c1"] == ("exec_command", "shell", "pytest -q", "error", 1, None, "/work/proj")
    assert calls["c2"] == ("shell", "shell", "ls -la", "ok", 0, None, "/work/proj/sub")  # bash -lc unwrapped
    assert calls["c3"][:2] == ("apply_patch", "edit") and calls["c3"][3] == "ok" and calls["c3"][5] == "src/a.py"
    assert calls["c4"][1] == "edit" and calls["c4"][3] == "error"  # apply_patch through the shell, failed
    assert calls["c5"][3] == "rejected"
    assert calls["c6"][1:2] == ("plan",) and calls["ws_1"][:2] == ("web_search", "fetch")
    assert calls["c7"][1] == "read" and calls["c7"][5] == "/work/proj/shot.png"
    assert calls["c8"][:2] == ("mcp__node_repl__js", "other")
    assert calls["c9"][3] == "interrupted"


def test_apply_patch_stores_the_applied_diff(rollout_store: Path) -> None:
    [(diff, added, removed)] = rows(
        rollout_store, "SELECT diff, lines_added, lines_removed FROM tool_calls WHERE id = 'c3'"
    )
    assert diff == "@@ -3,1 +3,1 @@\n-old = 1\n+new = 2" and (added, removed) == (1, 1)


def test_repeated_token_counts_are_counted_once_with_cached_input_apart(rollout_store: Path) -> None:
    got = rows(
        rollout_store,
        "SELECT model, sum(input_tokens), sum(cache_read_tokens), sum(output_tokens), sum(reasoning_tokens) FROM token_usage GROUP BY model",
    )
    assert got == [("gpt-5.5", (100 - 40) + (150 - 50), 40 + 50, 10 + 20, 4 + 6)]


@pytest.mark.slow
def test_the_counting_script_agrees_with_stats(rollout_store: Path, tmp_path: Path) -> None:
    assert_counts_agree(rollout_store, [tmp_path / "sessions"])


def test_a_fork_names_its_parent_and_its_replayed_history_is_not_counted(tmp_path: Path, db_path: Path) -> None:
    parent_history = ROLLOUT[1:12]  # the parent's first turn: a prompt, a call, a token count
    child = [
        meta(CHILD, forked_from_id=SID),
        meta(SID),
        *parent_history,
        event({"type": "task_started", "turn_id": "019e1700-0001-7000-8000-000000000000"}),
        line(
            "turn_context", {"turn_id": "019e1700-0001-7000-8000-000000000000", "cwd": "/work/proj", "model": "gpt-5.4"}
        ),
        event({"type": "user_message", "message": "now in the fork"}),
        tokens([300, 40, 20, 4, 320], [200, 0, 10, 0, 210]),
    ]
    write(tmp_path / "s" / f"rollout-2026-05-11T12-00-00-{CHILD}.jsonl", child)
    run_ingest(db_path, tmp_path / "s")
    assert rows(db_path, "SELECT id, kind, parent_id FROM sessions WHERE id = ?".replace("?", f"'{CHILD}'")) == [
        (CHILD, "subagent", SID)
    ]
    assert rows(db_path, "SELECT text FROM messages WHERE kind = 'prompt'") == [("now in the fork",)]
    assert rows(db_path, "SELECT count(*) FROM tool_calls") == [(0,)]
    assert rows(db_path, "SELECT model, input_tokens, cache_read_tokens FROM token_usage") == [("gpt-5.4", 200, 0)]
    assert_counts_agree(db_path, [tmp_path / "s"])


def test_bad_lines_become_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    deep = '{"type": "event_msg", "payload": {"type": "x", "v": ' + "[" * 3000 + "]" * 3000 + "}}"
    lines = [
        meta().encode(),
        b"{not json",
        b"[1, 2]",
        deep.encode(),
        b'{"type": "event_msg", "payload": {"type": "user_message", "message": "caf\xe9"}}',
        event({"type": "user_message", "message": "still read"}).encode(),
        b'{"timestamp": "x", "type": "event_msg", "payload": {"type": "tok',
    ]
    parser = CodexParser(str(tmp_path / "r.jsonl"))
    batch = parser.parse(lines, 1)
    codes = {p.code for p in batch.problems}
    assert {"invalid-json", "not-an-object", "invalid-utf8", "truncated-line"} <= codes
    assert [m.text for m in batch.messages if m.kind == "prompt"] == ["caf\ufffd", "still read"]
    assert batch.sessions[SID].cwd == "/work/proj"


def test_unknown_records_are_notices_not_errors(tmp_path: Path) -> None:
    parser = CodexParser(str(tmp_path / "r.jsonl"))
    batch = parser.parse([meta().encode(), event({"type": "brand_new_event"}).encode(), b'{"type": "mystery"}'], 1)
    assert batch.problems == []
    assert {n.detail.split(" (")[0] for n in parser.notices()} == {
        "record type 'event_msg/brand_new_event'",
        "record type 'mystery'",
    }


def test_fuzzed_lines_never_raise(tmp_path: Path) -> None:
    chance = random.Random(13)
    source = [text.encode() for text in ROLLOUT]
    for _ in range(300):
        lines = list(source)
        for _ in range(chance.randint(1, 6)):
            index = chance.randrange(len(lines))
            data = bytearray(lines[index])
            for _ in range(chance.randint(1, 8)):
                position = chance.randrange(len(data))
                data[position] = chance.choice(b'{}[]":,0a\\\xff ')
            lines[index] = bytes(data[: chance.randint(1, len(data))])
        parser = CodexParser(str(tmp_path / "r.jsonl"))
        batch = parser.parse(lines, 1)
        assert batch.records <= len(lines)


def test_a_legacy_rollout_without_envelope_is_read(tmp_path: Path, db_path: Path) -> None:
    legacy = [
        json.dumps(
            {"id": "0198aaaa-0000-7000-8000-000000000000", "timestamp": "2025-07-01T10:00:00Z", "instructions": None}
        ),
        json.dumps({"record_type": "state"}),
        json.dumps(
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "<user_instructions>x"}]}
        ),
        json.dumps({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "list files"}]}),
        json.dumps(
            {
                "type": "local_shell_call",
                "call_id": "l1",
                "status": "completed",
                "action": {"type": "exec", "command": ["bash", "-lc", "ls"]},
            }
        ),
        json.dumps(
            {
                "type": "function_call_output",
                "call_id": "l1",
                "output": "Exit code: 2\nWall time: 0 seconds\nOutput:\nnope",
            }
        ),
    ]
    write(tmp_path / "old" / "rollout-2025-07-01T10-00-00-0198aaaa-0000-7000-8000-000000000000.jsonl", legacy)
    run_ingest(db_path, tmp_path / "old")
    assert rows(db_path, "SELECT text FROM messages WHERE kind = 'prompt'") == [("list files",)]
    assert rows(db_path, "SELECT tool, kind, command, status, exit_code FROM tool_calls") == [
        ("local_shell", "shell", "ls", "error", 2)
    ]
    assert_counts_agree(db_path, [tmp_path / "old"])


def test_a_file_read_in_two_parts_stores_what_one_read_stores(tmp_path: Path) -> None:
    whole = tmp_path / "whole" / f"rollout-x-{SID}.jsonl"
    write(whole, ROLLOUT)
    clean_db = tmp_path / "clean.db"
    run_ingest(clean_db, whole.parent)
    for cut in (3, 10, 12, 15, 16, 26, 33):
        grown = tmp_path / f"grown{cut}" / f"rollout-x-{SID}.jsonl"
        db = tmp_path / f"grown{cut}.db"
        write(grown, ROLLOUT[:cut])
        run_ingest(db, grown.parent)
        write(grown, ROLLOUT)
        run_ingest(db, grown.parent)
        expected = _relocated(dump_store(clean_db), str(whole), str(grown))
        assert store_differences(expected, dump_store(db)) == [], f"cut after line {cut}"


def _relocated(dump: dict[str, list[Any]], old: str, new: str) -> dict[str, list[Any]]:
    return {
        table: sorted((tuple((k, new if v == old else v) for k, v in row) for row in rows_), key=repr)
        for table, rows_ in dump.items()
    }


def assert_counts_agree(db: Path, paths: list[Path]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "lessonloop", "stats", "--db", str(db), "--json", "--agent", "codex"],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = json.loads(result.stdout)
    expected = count([str(p) for p in paths])
    assert stats["sessions"] == expected["sessions"]
    assert stats["messages"].get("prompt", 0) == expected["prompts"]
    assert stats["tools"] == expected["tools"]
    got_tokens = {
        model: {k: v for k, v in row.items() if k in ("input", "output", "cache_read", "reasoning")}
        for model, row in stats["tokens"].items()
    }
    assert got_tokens == expected["tokens"]


# ----------------------------------------------------------------- the real corpus


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    if not CODEX_CORPUS.is_dir():
        pytest.skip(f"Codex corpus not found at {CODEX_CORPUS} (the ../shared folder is absent)")
    target = tmp_path / "codemie"
    shutil.copytree(CODEX_CORPUS, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def ingest_cli(db: Path, *paths: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "lessonloop", "ingest", "--db", str(db), "--json", *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(result.stdout))


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_through_the_cli_agrees_with_the_counting_script(corpus_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    inputs = [
        corpus_copy / "sessions",
        corpus_copy / "incremental" / "turn-2.jsonl",
        corpus_copy / "incremental" / "turn-spawn-skill.jsonl",
    ]
    summary = ingest_cli(db, *inputs)
    assert summary["problems"] == [] and summary["files"]["read"] == 4
    assert summary["sessions"] == 4 and summary["tool_calls"] > 140
    assert_counts_agree(db, inputs)
    before = dump_store(db)
    again = ingest_cli(db, *inputs)
    assert again["files"]["unchanged"] == 4
    assert store_differences(before, dump_store(db)) == []


@pytest.mark.corpus
def test_corpus_exit_codes_and_patches(corpus_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    ingest_cli(db, corpus_copy / "sessions")
    failed = rows(
        db, "SELECT exit_code, count(*) FROM tool_calls WHERE tool = 'exec_command' AND ok = 0 GROUP BY exit_code"
    )
    assert dict(failed) == {1: 4, 2: 1}  # exec_command_end exit codes and "Process exited with code 1"
    patches_ = rows(
        db, "SELECT kind, status, lines_added > 0, diff LIKE '@@ -%' FROM tool_calls WHERE tool = 'apply_patch'"
    )
    assert patches_ == [("edit", "ok", 1, 1)] * 3
    assert rows(db, "SELECT count(*) FROM messages WHERE kind = 'prompt'") == [(5,)]


@pytest.mark.slow
@pytest.mark.corpus
def test_turn_one_then_turn_two_equals_a_clean_read_of_turn_two(corpus_copy: Path, tmp_path: Path) -> None:
    grown = tmp_path / "grown" / "rollout-a.jsonl"
    grown.parent.mkdir()
    shutil.copyfile(corpus_copy / "incremental" / "turn-1.jsonl", grown)
    ingest_cli(tmp_path / "grown.db", grown.parent)
    shutil.copyfile(corpus_copy / "incremental" / "turn-2.jsonl", grown)
    second = ingest_cli(tmp_path / "grown.db", grown.parent)
    assert second["files"]["replaced"] == 0  # read on from where turn 1 ended
    clean = tmp_path / "clean" / "rollout-a.jsonl"
    clean.parent.mkdir()
    shutil.copyfile(corpus_copy / "incremental" / "turn-2.jsonl", clean)
    ingest_cli(tmp_path / "clean.db", clean.parent)
    expected = _relocated(dump_store(tmp_path / "clean.db"), str(clean), str(grown))
    assert store_differences(expected, dump_store(tmp_path / "grown.db")) == []


@pytest.mark.corpus
def test_a_truncated_last_line_waits_and_the_rest_is_stored(corpus_copy: Path, tmp_path: Path) -> None:
    data = (corpus_copy / "incremental" / "turn-2.jsonl").read_bytes()
    cut = tmp_path / "cut" / "rollout-b.jsonl"
    cut.parent.mkdir()
    cut.write_bytes(data[: len(data) - 40])
    summary = ingest_cli(tmp_path / "cut.db", cut.parent)
    assert len(summary["pending_lines"]) == 1 and summary["prompts"] == 2


@pytest.mark.slow
@pytest.mark.corpus
def test_token_totals_per_model_agree_with_ccusage(corpus_copy: Path, tmp_path: Path) -> None:
    command = [require_ccusage(), "codex"]
    home = tmp_path / "codex-home"
    shutil.copytree(corpus_copy / "sessions", home / "sessions")
    env = {"CODEX_HOME": str(home), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([*command, "daily", "--json", "--offline"], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        pytest.skip(f"ccusage could not run here: {result.stderr.strip()[:200]}")
    theirs: dict[str, dict[str, int]] = {}
    for day in json.loads(result.stdout).get("daily", []):
        for model, row in (day.get("models") or {}).items():
            slot = theirs.setdefault(model, {"input": 0, "cache_read": 0, "output": 0, "reasoning": 0})
            slot["input"] += row.get("inputTokens", 0)  # ccusage's input is already without the cached part
            slot["cache_read"] += row.get("cacheReadTokens", 0)
            slot["output"] += row.get("outputTokens", 0)
            slot["reasoning"] += row.get("reasoningOutputTokens", 0)
    db = tmp_path / "store.db"
    ingest_cli(db, home / "sessions")
    stats = json.loads(
        subprocess.run(
            [sys.executable, "-m", "lessonloop", "stats", "--db", str(db), "--json", "--agent", "codex"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    ours = {m: {k: r[k] for k in ("input", "cache_read", "output", "reasoning")} for m, r in stats["tokens"].items()}
    assert ours == theirs
