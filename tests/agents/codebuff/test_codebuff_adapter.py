"""Codebuff's chats, found in a temporary HOME with no path and read exactly; a damaged chat is a
problem that loses nothing stored.

The chats are BUILT by tests/agents/codebuff/chats.py in the shape of Codebuff's TypeScript types
(cli/src/types/chat.ts @03cb53dc0a31 and the other files and commits it names), not files Codebuff
wrote: no real Codebuff chat was found. Their token totals against ccusage 20's on the same built
chat: the test given for tests/cli/test_costs_ccusage.py (docs/agents/codebuff.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from lessonloop.agents.codebuff.reader import paths
from lessonloop.agents.codebuff.reader.parser import chat_started, read_chat
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from tests.agents.codebuff.chats import CHAT, PROJECT_ROOT, SESSION, codebuff_home, messages, write_chat
from tests.agents.gemini.test_gemini_adapter import ingest, rows


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CODEBUFF_DATA_DIR"}
    return {**env, "HOME": str(home), **extra}


def test_ingest_with_no_path_reads_the_chat_exactly(tmp_path: Path) -> None:
    home = codebuff_home(tmp_path)
    db = tmp_path / "s.db"
    report = ingest(db, env=_env(home))
    assert report["files"]["read"] == 1 and report["problems"] == []
    assert rows(
        db, "SELECT id, agent, kind, cwd, title, model, started_at, ended_at FROM sessions WHERE kind = 'main'"
    ) == [
        (
            SESSION,
            "codebuff",
            "main",
            PROJECT_ROOT,
            "Make the tests pass",
            "claude-sonnet-4-20250514",
            "2026-03-04T10:20:30.000Z",
            "2026-03-04T10:22:30.000Z",
        )
    ]
    # the subagent a spawn_agents started: a session of its own, under the chat
    assert rows(db, "SELECT id, parent_id, agent_type, description FROM sessions WHERE kind = 'subagent'") == [
        (f"{SESSION}:call-spawn-0", SESSION, "file-picker", "Find the tests of greet")
    ]
    assert rows(db, "SELECT kind, count(*) FROM messages GROUP BY 1 ORDER BY 1") == [
        ("api_error", 1),
        ("assistant", 3),
        ("command", 1),
        ("prompt", 2),
    ]
    [(said,)] = rows(db, "SELECT text FROM messages WHERE session_id = ? AND kind = 'assistant' ORDER BY seq", SESSION)[
        :1
    ]
    assert said == "I'll run the tests first.\n\nThe tests pass now."  # the reasoning block is not stored
    assert rows(db, "SELECT text FROM messages WHERE kind = 'prompt' ORDER BY seq") == [
        ("Make the tests pass",),
        ("Rename greet to hello",),
    ]
    calls = rows(db, "SELECT session_id = ?, tool, kind, status, exit_code FROM tool_calls ORDER BY seq", SESSION)
    assert calls == [
        (1, "run_terminal_command", "shell", "error", 1),
        (1, "read_files", "read", "ok", None),
        (1, "str_replace", "edit", "ok", None),
        (1, "str_replace", "edit", "error", None),
        (1, "spawn_agents", "subagent", "ok", None),
        (0, "find_files", "search", "ok", None),
        (1, "run_terminal_command", "shell", "ok", 0),
        (1, "run_terminal_command", "shell", "ok", None),  # the person's `git status` (Codebuff's `!`)
    ]
    assert rows(db, "SELECT command, cwd FROM tool_calls WHERE kind = 'shell' ORDER BY seq") == [
        ("pytest -q", PROJECT_ROOT),
        ("pytest -q", PROJECT_ROOT),
        ("git status", PROJECT_ROOT),
    ]
    assert rows(db, "SELECT error_text FROM tool_calls WHERE status = 'error' ORDER BY seq") == [
        ("F\nE   ImportError: cannot import name 'greet'\n1 failed",),
        ("The old string was not found in src/other.py",),
    ]
    assert rows(db, "SELECT target_path, lines_added, lines_removed FROM tool_calls WHERE diff IS NOT NULL") == [
        ("src/app.py", 1, 1)
    ]
    # tokens where ccusage reads them: metadata.usage, then the run state's newest provider usage
    assert rows(
        db,
        """SELECT model, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens
           FROM token_usage ORDER BY ts""",
    ) == [("claude-sonnet-4-20250514", 1200, 340, 800, 5000), ("openai/gpt-5", 1500, 200, 0, 1000)]


def test_ingest_again_changes_nothing(tmp_path: Path) -> None:
    home = codebuff_home(tmp_path)
    db = tmp_path / "s.db"
    ingest(db, env=_env(home))
    before = rows(db, "SELECT id, status, exit_code FROM tool_calls ORDER BY id")
    again = ingest(db, env=_env(home))
    assert again["files"]["unchanged"] == 1
    assert rows(db, "SELECT id, status, exit_code FROM tool_calls ORDER BY id") == before


def test_found_in_the_three_config_folders_and_codebuff_data_dir(tmp_path: Path) -> None:
    home = tmp_path / "home"
    made = [write_chat(home / ".config" / channel) for channel in ("manicode", "manicode-dev", "manicode-staging")]
    (home / ".config" / "manicode" / "projects" / "demo" / "chats" / "empty").mkdir()  # no messages yet
    found = paths.discover(DiscoveryContext(environ={}, home=str(home)))
    assert [(Path(f.path), f.format) for f in found] == [(p, "codebuff-chat") for p in made]
    assert [paths.chat_id(f.path) for f in found] == [
        f"{c}/demo/{CHAT}" for c in ("manicode", "manicode-dev", "manicode-staging")
    ]
    for path in made:
        assert paths.claims(str(path)) == "codebuff-chat"
        assert paths.claims(str(path.parent / "run-state.json")) == "codebuff-run-state"
    assert paths.claims(str(tmp_path / "elsewhere" / "chat-messages.json")) is None
    # ccusage's $CODEBUFF_DATA_DIR: comma-separated, a manicode folder or its projects/; only those
    other = write_chat(tmp_path / "moved" / "manicode", project="web")
    named = f"{tmp_path / 'moved' / 'manicode' / 'projects'}, {home / '.config' / 'manicode-dev'}"
    found = paths.discover(DiscoveryContext(environ={"CODEBUFF_DATA_DIR": named}, home=str(home)))
    assert [Path(f.path) for f in found] == [other, made[1]]
    db = tmp_path / "s.db"
    report = ingest(db, env=_env(home))
    assert report["files"]["read"] == 3
    assert sorted(r[0] for r in rows(db, "SELECT id FROM sessions WHERE kind = 'main'")) == [
        f"manicode-dev/demo/{CHAT}",
        f"manicode-staging/demo/{CHAT}",
        f"manicode/demo/{CHAT}",
    ]


def test_a_chat_is_sniffed_by_its_messages(tmp_path: Path) -> None:
    path = write_chat(tmp_path / "copy")
    assert sniff(str(path), path.read_bytes()[:65536]) == "codebuff-chat"


def test_a_damaged_chat_is_a_problem_and_loses_nothing_stored(tmp_path: Path) -> None:
    home = codebuff_home(tmp_path)
    db = tmp_path / "s.db"
    env = _env(home)
    ingest(db, env=env)
    tables = ("sessions", "messages", "tool_calls", "token_usage")
    before = {t: rows(db, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    [chat] = (home / ".config" / "manicode").rglob("chat-messages.json")
    chat.write_bytes(chat.read_bytes()[:3000])  # a whole-file rewrite cut short
    report = ingest(db, env=env)
    assert {(p["code"], Path(p["path"])) for p in report["problems"]} == {
        ("damaged-file", chat),
        ("truncated-file", chat),
    }
    after = {t: rows(db, f"SELECT * FROM {t} ORDER BY 1, 2") for t in tables}
    assert after == before
    # the chat written whole again: read again, nothing lost either
    chat.write_text(json.dumps(messages(), indent=2), encoding="utf-8")
    report = ingest(db, env=env)
    assert report["problems"] == []
    assert {t: len(rows(db, f"SELECT * FROM {t}")) for t in tables} == {t: len(v) for t, v in before.items()}


def test_the_first_hundred_messages_dropped_keep_their_rows(tmp_path: Path) -> None:
    """Codebuff keeps the last 100 messages of a chat: the rows of those it dropped stay, and the
    rest are not stored twice (ids and seq come from the messages' own ids)."""
    home = codebuff_home(tmp_path)
    db = tmp_path / "s.db"
    env = _env(home)
    ingest(db, env=env)
    counts = rows(db, "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM tool_calls)")
    [chat] = (home / ".config" / "manicode").rglob("chat-messages.json")
    chat.write_text(json.dumps(messages()[3:], indent=2), encoding="utf-8")
    ingest(db, env=env)
    assert rows(db, "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM tool_calls)") == counts


def test_bad_input_is_a_problem_of_the_file(tmp_path: Path) -> None:
    other = write_chat(tmp_path / "a" / "manicode", items=[])
    other.write_text('{"id": "x"}')
    [problem] = read_chat(str(other)).problems
    assert problem.code == "malformed-record" and "no list of messages" in problem.detail
    odd: list[Any] = list(messages())
    odd[2]["blocks"] = [{"type": "tool", "toolCallId": "c-x", "toolName": 7, "input": [1, 2]}, "stray", None,
                        {"type": "agent", "agentId": None, "status": "weird", "blocks": "no"}]  # fmt: skip
    odd[2]["metadata"] = {"usage": {"inputTokens": "many", "outputTokens": -3, "totalTokens": 1.5}}
    odd.append("not a message")
    path = write_chat(tmp_path / "b" / "manicode", items=odd)
    (path.parent / "run-state.json").write_text("{")  # damaged run state: a problem, the chat read
    batch = read_chat(str(path))
    assert [p.code for p in batch.problems] == ["truncated-file"]
    assert SESSION in batch.sessions and batch.sessions[SESSION].cwd == PROJECT_ROOT  # from the message's run state
    assert [c.tool for c in batch.tool_calls if c.id == "c-x"] == ["?"]


def test_chat_ids_are_times() -> None:
    assert chat_started("2026-01-02T03-04-05.000Z") == "2026-01-02T03:04:05.000Z"
    assert chat_started("my-chat") is None
