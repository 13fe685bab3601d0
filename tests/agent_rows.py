"""Sessions of agents other than Claude Code, written into a real store through store.writer (the
way an adapter's batch is stored), for tests of the commands that filter or group by agent."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lessonloop.core.records import (
    Batch,
    MessageRecord,
    SessionRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.store import open_store
from lessonloop.store.sessions.writer import ReadProgress, register_file, write_chunk


@dataclass(slots=True)
class AgentCall:
    tool: str
    kind: str
    command: str | None = None
    ok: bool = True
    exit_code: int | None = 0


@dataclass(slots=True)
class AgentSession:
    """One session of `agent`: typed prompts, tool calls and token usage per model."""

    id: str
    agent: str
    cwd: str = "/home/dev/alpha"
    prompts: list[str] = field(default_factory=list)
    calls: list[AgentCall] = field(default_factory=list)
    # (model, input, output, cache_read, reasoning, cost or None)
    usage: list[tuple[str, int, int, int, int, float | None]] = field(default_factory=list)
    parent_id: str | None = None


def _batch(session: AgentSession) -> Batch:
    batch = Batch()
    batch.sessions[session.id] = SessionRecord(
        id=session.id,
        agent=session.agent,
        kind="subagent" if session.parent_id else "main",
        parent_id=session.parent_id,
        project=session.cwd,
        cwd=session.cwd,
        git_branch="main",
        version="1.0",
        model=session.usage[0][0] if session.usage else None,
        started_at="2026-11-02T10:00:00.000Z",
    )
    seq = 0
    for n, text in enumerate(session.prompts):
        seq += 1
        ts = f"2026-11-02T10:00:{seq:02d}.000Z"
        batch.messages.append(MessageRecord(session.id, f"{session.id}-m{n}", None, seq, ts, "user", "prompt", text))
    for n, call in enumerate(session.calls):
        seq += 1
        ts = f"2026-11-02T10:01:{seq:02d}.000Z"
        call_id = f"{session.id}-c{n}"
        batch.tool_calls.append(
            ToolCallRecord(
                call_id, session.id, None, seq, ts, call.tool, None, None, call.command, session.cwd, call.kind
            )
        )
        batch.tool_results.append(
            ToolResultRecord(
                call_id,
                seq,
                ts,
                call.ok,
                "ok" if call.ok else "error",
                exit_code=call.exit_code,
                error_text=None if call.ok else "failed",
            )
        )
    for n, (model, i, o, cr, reasoning, cost) in enumerate(session.usage):
        key = (f"{session.id}-u{n}", "")
        batch.usage[key] = TokenUsageRecord(key[0], "", session.id, model, None, i, o, 0, cr, reasoning, cost)
    batch.records = seq
    return batch


def write_agent_sessions(db: Path, sessions: list[AgentSession]) -> None:
    """Store each session as if its adapter had read it from a file of its own."""
    conn = open_store(db)
    try:
        for session in sessions:
            path = f"/agents/{session.agent}/{session.id}.jsonl"
            state = register_file(conn, path, session.agent, is_sample=False, format=session.agent)
            progress = ReadProgress(size=1, mtime_ns=1, offset=1, lines=1, head_hash="h", tail_hash="t")
            write_chunk(conn, state, state.offset, state.tail_hash, _batch(session), progress, replace=False)
    finally:
        conn.close()
