"""Qwen Code's chats, as the real CLI (0.24.4) wrote one in the real-agent harness
(tests/agents/qwen/data/qwen_code_0_24_4/push.jsonl: `git push` failing with exit 128, then `git push
--set-upstream origin feature`; the model server, an OpenAI-compatible one, reported
prompt_tokens 1081/1162/1051 of which cached 64/128/0, completion_tokens 23/26/29).

Before its reader existed the chat was taken for a Claude Code transcript (the same envelope:
uuid, parentUuid, sessionId, type) and stored as a session of 0 prompts and 0 calls."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.qwen.reader import paths
from lessonloop.agents.qwen.reader.parser import QwenChatParser
from lessonloop.capture.adapters import DiscoveryContext
from lessonloop.capture.sniffer import sniff
from tests.agents.gemini.test_gemini_adapter import ingest, rows

CHAT = Path(__file__).parent / "data" / "qwen_code_0_24_4" / "push.jsonl"
SESSION = "d557117b-a0b7-4681-94c4-f0ca9cdd3d49"


def _store(tmp_path: Path, chat: Path = CHAT) -> Path:
    folder = tmp_path / "elsewhere"  # not under ~/.qwen: recognized by its records
    folder.mkdir()
    shutil.copy(chat, folder / chat.name)
    db = tmp_path / "s.db"
    ingest(db, folder)
    return db


def test_a_chat_is_read_exactly(tmp_path: Path) -> None:
    db = _store(tmp_path)
    assert rows(db, "SELECT id, agent, cwd, git_branch, version, model FROM sessions") == [
        (SESSION, "qwen-code", "/tmp/q1/proj", "feature", "0.24.4", "harness-model")
    ]
    assert rows(db, "SELECT role, kind, text FROM messages ORDER BY seq") == [
        ("user", "prompt", "push this branch"),
        ("assistant", "assistant", "Done: the branch is pushed."),
    ]
    calls = rows(db, "SELECT tool, kind, command, ok, status, exit_code FROM tool_calls ORDER BY seq")
    assert calls == [
        ("run_shell_command", "shell", "git push", 0, "error", 128),
        ("run_shell_command", "shell", "git push --set-upstream origin feature", 1, "ok", 0),
    ]
    # what git said, not the tool's wrapping ("Command: ...\nDirectory: ...\nOutput: ...")
    [(error,)] = rows(db, "SELECT error_text FROM tool_calls WHERE ok = 0")
    assert error.startswith("fatal: The current branch feature has no upstream branch.")
    assert "Exit Code" not in error
    # input = prompt - cached; output = completion tokens (reasoning included)
    assert rows(
        db, "SELECT input_tokens, cache_read_tokens, output_tokens, reasoning_tokens FROM token_usage ORDER BY ts"
    ) == [(1017, 64, 23, 0), (1034, 128, 26, 0), (1051, 0, 29, 0)]


def test_it_is_sniffed_as_qwen_code_not_claude_code() -> None:
    assert sniff(str(CHAT), CHAT.read_bytes()[:65536]) == "qwen-code-chat"


def _lines() -> list[bytes]:
    return CHAT.read_bytes().splitlines()


def _records(batches: list[Any]) -> dict[str, list[Any]]:
    merged: dict[str, list[Any]] = {"messages": [], "calls": [], "results": [], "usage": [], "sessions": []}
    for batch in batches:
        merged["messages"] += batch.messages
        merged["calls"] += batch.tool_calls
        merged["results"] += batch.tool_results
        merged["usage"] += list(batch.usage.values())
        merged["sessions"] += list(batch.sessions.values())
    return merged


def test_read_a_line_at_a_time_it_is_the_same_chat() -> None:
    """The CLI appends as the session goes: each read starts from the state the last one left."""
    whole = _records([QwenChatParser(str(CHAT)).parse(_lines(), 1)])
    batches = []
    parser = QwenChatParser(str(CHAT))
    for lineno, line in enumerate(_lines(), 1):
        batches.append(parser.parse([line], lineno))
        parser = QwenChatParser(str(CHAT), pending_calls=parser.pending, state=json.loads(json.dumps(parser.state())))
    apart = _records(batches)
    for key in ("messages", "calls", "results", "usage"):
        assert apart[key] == whole[key], key
    assert apart["sessions"][-1] == whole["sessions"][-1]


def test_bad_lines_are_problems_and_the_rest_is_read(tmp_path: Path) -> None:
    lines = _lines()
    broken = [
        lines[0],
        b'{"type": "user", "sessionId": "x", "uuid": ',
        *lines[1:],
        b'{"type": "checkpoint", "sessionId": "s"}',
    ]
    batch = QwenChatParser("chat.jsonl").parse(broken, 1)
    assert [(p.line, p.code) for p in batch.problems] == [(2, "truncated-line")]
    assert len(batch.tool_calls) == 2 and len(batch.usage) == 3
    parser = QwenChatParser("chat.jsonl")
    parser.parse(broken, 1)
    assert [(n.line, n.code) for n in parser.notices()] == [(len(broken), "unknown-record-type")]


def _record(kind: str, **fields: Any) -> bytes:
    base = {"uuid": f"u-{kind}-{len(fields)}", "sessionId": "s1", "timestamp": "2026-11-28T10:00:00Z", "type": kind}
    return json.dumps({**base, **fields}).encode()


def test_gemini_counts_thoughts_apart_from_candidates() -> None:
    """Gemini's own API (auth type gemini) counts thoughts apart; an OpenAI-compatible one inside."""
    usage = {
        "promptTokenCount": 100,
        "cachedContentTokenCount": 40,
        "candidatesTokenCount": 10,
        "thoughtsTokenCount": 5,
    }
    telemetry = {
        "subtype": "ui_telemetry",
        "systemPayload": {"uiEvent": {"event.name": "qwen-code.api_response", "auth_type": "gemini"}},
    }
    answer = {
        "message": {"role": "model", "parts": [{"text": "hi"}]},
        "usageMetadata": usage,
        "model": "gemini-2.5-pro",
    }
    [gemini] = (
        QwenChatParser("c").parse([_record("system", **telemetry), _record("assistant", **answer)], 1).usage.values()
    )
    assert (gemini.input_tokens, gemini.cache_read_tokens, gemini.output_tokens, gemini.reasoning_tokens) == (
        60,
        40,
        15,
        5,
    )
    [openai] = QwenChatParser("c").parse([_record("assistant", **answer)], 1).usage.values()
    assert (openai.output_tokens, openai.reasoning_tokens) == (10, 5)


def test_injected_context_is_not_the_persons_prompt() -> None:
    lines = [
        _record("user", provenance="real_user", message={"role": "user", "parts": [{"text": "fix it"}]}),
        _record("user", provenance="system_injected", message={"role": "user", "parts": [{"text": "<context>"}]}),
    ]
    batch = QwenChatParser("c").parse(lines, 1)
    assert [(m.kind, m.text) for m in batch.messages] == [("prompt", "fix it"), ("instructions", "<context>")]


def test_a_denied_call_is_rejected() -> None:
    call = {
        "message": {
            "role": "model",
            "parts": [{"functionCall": {"id": "c1", "name": "run_shell_command", "args": {"command": "git push"}}}],
        }
    }
    denied = {
        "message": {
            "role": "user",
            "parts": [
                {
                    "functionResponse": {
                        "id": "c1",
                        "name": "run_shell_command",
                        "response": {"error": "Blocked by hook: run the tests first"},
                    }
                }
            ],
        },
        "toolCallResult": {"callId": "c1", "status": "cancelled"},
    }
    batch = QwenChatParser("c").parse([_record("assistant", **call), _record("tool_result", **denied)], 1)
    [result] = batch.tool_results
    assert (result.ok, result.status, result.error_text) == (False, "rejected", "Blocked by hook: run the tests first")


def test_discovery_finds_chats_only(tmp_path: Path) -> None:
    chats = tmp_path / ".qwen" / "projects" / "-work-app" / "chats"
    chats.mkdir(parents=True)
    for name in ("a.jsonl", "a.ledger.jsonl", "a.runtime.json"):
        (chats / name).write_text("")
    moved = tmp_path / "qwen-home" / "projects" / "-work-b" / "chats"
    moved.mkdir(parents=True)
    (moved / "b.jsonl").write_text("")
    context = DiscoveryContext(environ={"QWEN_HOME": str(tmp_path / "qwen-home")}, home=str(tmp_path))
    found = sorted(os.path.relpath(f.path, tmp_path) for f in paths.discover(context))
    assert found == [".qwen/projects/-work-app/chats/a.jsonl", "qwen-home/projects/-work-b/chats/b.jsonl"]
    assert paths.claims(str(chats / "a.jsonl")) == "qwen-code-chat"
    assert paths.claims(str(chats / "a.ledger.jsonl")) is None


def test_ingest_with_no_path_finds_them(tmp_path: Path) -> None:
    chats = tmp_path / "home" / ".qwen" / "projects" / "-tmp-q1-proj" / "chats"
    chats.mkdir(parents=True)
    shutil.copy(CHAT, chats / f"{SESSION}.jsonl")
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    db = tmp_path / "s.db"
    ingest(db, env=env)
    assert rows(db, "SELECT agent, count(*) FROM sessions GROUP BY agent") == [("qwen-code", 1)]


@pytest.mark.parametrize("cut", [100, 5000])
def test_a_truncated_last_line_waits(tmp_path: Path, cut: int) -> None:
    """A chat cut inside its last line (the CLI was writing it) loses nothing of what came before."""
    data = CHAT.read_bytes()
    end = data.rfind(b"\n", 0, len(data) - 1) + 1
    partial = tmp_path / "chat.jsonl"
    partial.write_bytes(data[: min(end + cut, len(data) - 1)])
    db = _store(tmp_path, partial)
    assert rows(db, "SELECT count(*) FROM tool_calls") == [(2,)]


def test_a_call_a_hook_denied_never_ran_and_is_a_refusal() -> None:
    """Qwen Code 0.24.4 writes a PreToolUse deny as the result of the call, its reason alone, with
    errorType execution_denied: the call never ran (not a failure of the command to learn from)."""
    call = {
        "message": {
            "role": "model",
            "parts": [{"functionCall": {"id": "c1", "name": "run_shell_command", "args": {"command": "git push"}}}],
        }
    }
    denied = {
        "message": {
            "role": "user",
            "parts": [
                {
                    "functionResponse": {
                        "id": "c1",
                        "name": "run_shell_command",
                        "response": {"error": "lessonloop: a lesson says ..."},
                    }
                }
            ],
        },
        "toolCallResult": {
            "callId": "c1",
            "status": "error",
            "errorType": "execution_denied",
            "executionStatus": "not_started",
        },
    }
    batch = QwenChatParser("c").parse([_record("assistant", **call), _record("tool_result", **denied)], 1)
    [result] = batch.tool_results
    assert (result.ok, result.status, result.exit_code) == (False, "rejected", None)
