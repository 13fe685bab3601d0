"""Codex rollout records of newer Codex versions, hand-written from the upstream definitions.

Each record follows openai/codex `codex-rs/protocol/src/models.rs` (ResponseItem: `agent_message`
{author, recipient, content: [input_text | encrypted_content]}, `tool_search_call` {call_id,
status, execution, arguments}, `tool_search_output` {call_id, status, execution, tools},
`image_generation_call` {id, status, revised_prompt, result}, `compaction` / `context_compaction`
{encrypted_content}), `codex-rs/rollout/src/policy.rs` (event_msg `thread_goal_updated` and
`thread_settings_applied` are persisted) and `codex-rs/rollout/src/compression.rs` (cold archived
rollouts become `rollout-*.jsonl.zst`, the plain `.jsonl` winning when both exist).
"""

from __future__ import annotations

from pathlib import Path

from lessonloop.agents.codex.reader import paths
from lessonloop.agents.codex.reader.parser import CodexParser
from lessonloop.agents.codex.reader.tools import kind_of
from lessonloop.capture.adapters import DiscoveryContext
from tests.agents.codex.test_codex_adapter import SID, assert_counts_agree, event, item, line, meta, rows, write
from tests.conftest import run_ingest

NEWER = [
    meta(),
    line("turn_context", {"turn_id": "t1", "cwd": "/work/proj", "model": "gpt-5.5"}),
    event({"type": "user_message", "message": "draw and look things up"}),
    item(
        {
            "type": "agent_message",
            "author": "/root",
            "recipient": "/root/worker",
            "content": [
                {"type": "input_text", "text": "check the failing test"},
                {"type": "encrypted_content", "encrypted_content": "gAAAA"},
            ],
        }
    ),
    item({"type": "tool_search_call", "call_id": "ts1", "execution": "client", "arguments": {"query": "github"}}),
    item({"type": "tool_search_output", "call_id": "ts1", "status": "completed", "execution": "client", "tools": [{}]}),
    item({"type": "tool_search_call", "status": "completed", "execution": "server", "arguments": {"query": "x"}}),
    item(
        {
            "type": "image_generation_call",
            "id": "ig_1",
            "status": "completed",
            "revised_prompt": "a cat",
            "result": "AAAA",
        }
    ),
    item({"type": "image_generation_call", "id": "ig_2", "status": "failed", "result": ""}),
    item({"type": "compaction", "encrypted_content": "gAAAA"}),
    item({"type": "context_compaction", "encrypted_content": "gAAAA"}),
    event({"type": "thread_goal_updated", "goal": None}),
    event({"type": "thread_settings_applied"}),
    event(
        {
            "type": "sub_agent_activity",
            "event_id": "e1",
            "agent_thread_id": SID,
            "agent_path": "/root/w",
            "kind": "started",
        }
    ),
    item(
        {
            "type": "function_call",
            "name": "send_message",
            "arguments": '{"target": "w", "message": "hi"}',
            "call_id": "s1",
        }
    ),
    item({"type": "function_call_output", "call_id": "s1", "output": "queued"}),
]


def test_newer_response_items_become_messages_and_calls_not_notices(tmp_path: Path) -> None:
    parser = CodexParser(str(tmp_path / f"rollout-2026-05-11T11-26-55-{SID}.jsonl"))
    batch = parser.parse([text.encode() for text in NEWER], 1)
    assert batch.problems == []
    assert parser.notices() == []
    assert [(m.kind, m.text) for m in batch.messages] == [
        ("prompt", "draw and look things up"),
        ("task_prompt", "check the failing test"),
    ]
    calls = {c.id: (c.tool, c.kind) for c in batch.tool_calls}
    assert calls["ts1"] == ("tool_search", "other")
    assert calls["ig_1"] == ("image_generation", "other")
    assert calls["s1"] == ("send_message", "subagent")
    assert len(calls) == 5  # the server-run tool search too
    status = {r.tool_use_id: r.status for r in batch.tool_results}
    assert status["ts1"] == "ok" and status["ig_1"] == "ok" and status["ig_2"] == "error"
    assert parser.pending_calls == {}


def test_newer_records_through_ingest_agree_with_the_counting_script(tmp_path: Path, db_path: Path) -> None:
    write(tmp_path / "sessions" / f"rollout-2026-05-11T11-26-55-{SID}.jsonl", NEWER)
    summary = run_ingest(db_path, tmp_path / "sessions")
    assert summary.problems == []
    assert rows(db_path, "SELECT tool, status FROM tool_calls WHERE id = 'ig_2'") == [("image_generation", "error")]
    assert_counts_agree(db_path, [tmp_path / "sessions"])


def test_multi_agent_v2_tools_are_subagent_calls() -> None:
    # codex-rs/core/src/tools/handlers/multi_agents_v2/: send_message, followup_task, interrupt_agent, list_agents
    for tool in ("send_message", "followup_task", "interrupt_agent", "list_agents", "spawn_agent", "wait_agent"):
        assert kind_of(tool) == "subagent", tool


def test_a_compressed_rollout_is_found_unless_its_plain_file_is_there(tmp_path: Path) -> None:
    archived = tmp_path / ".codex" / "archived_sessions"
    archived.mkdir(parents=True)
    (archived / "rollout-2026-01-01T00-00-00-a.jsonl.zst").write_bytes(b"\x28\xb5\x2f\xfd")
    (archived / "rollout-2026-01-02T00-00-00-b.jsonl.zst").write_bytes(b"\x28\xb5\x2f\xfd")
    write(archived / "rollout-2026-01-02T00-00-00-b.jsonl", [meta()])
    context = DiscoveryContext(environ={}, home=str(tmp_path))
    assert [(Path(f.path).name, f.format) for f in paths.discover(context)] == [
        ("rollout-2026-01-02T00-00-00-b.jsonl", "codex-rollout"),
        ("rollout-2026-01-01T00-00-00-a.jsonl.zst", "codex-rollout-zst"),
    ]
    assert context.problems == []


# A "paginated" rollout (codex-rs/rollout/src/policy.rs: ItemCompleted persisted, UserMessage events
# not), its TurnItem as codex-rs/protocol/src/items.rs serializes it (`#[serde(tag = "type")]`,
# UserMessageItem {id, content: [UserInput {"type": "text", "text"}]}).
PAGINATED = [
    meta(),
    event({"type": "task_started", "turn_id": "t1"}),
    line("turn_context", {"turn_id": "t1", "cwd": "/work/proj", "model": "gpt-5.5"}),
    item({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "rename the module"}]}),
    event(
        {
            "type": "item_completed",
            "thread_id": SID,
            "turn_id": "t1",
            "item": {"type": "UserMessage", "id": "u1", "content": [{"type": "text", "text": "rename the module"}]},
        }
    ),
    event(
        {"type": "item_completed", "thread_id": SID, "turn_id": "t1", "item": {"type": "Plan", "id": "p", "text": "x"}}
    ),
]


def test_a_paginated_rollout_keeps_its_prompts(tmp_path: Path, db_path: Path) -> None:
    write(tmp_path / "sessions" / f"rollout-2026-05-11T11-26-55-{SID}.jsonl", PAGINATED)
    run_ingest(db_path, tmp_path / "sessions")
    assert rows(db_path, "SELECT text FROM messages WHERE kind = 'prompt'") == [("rename the module",)]
    assert_counts_agree(db_path, [tmp_path / "sessions"])


def test_item_completed_is_not_a_second_prompt_beside_user_message_events(tmp_path: Path) -> None:
    legacy = [*PAGINATED[:4], event({"type": "user_message", "message": "rename the module"}), PAGINATED[4]]
    parser = CodexParser(str(tmp_path / "r.jsonl"))
    batch = parser.parse([text.encode() for text in legacy], 1)
    assert [m.text for m in batch.messages if m.kind == "prompt"] == ["rename the module"]
