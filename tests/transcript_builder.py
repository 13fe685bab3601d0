"""Builds small Claude Code transcripts (2.1.x record shapes) for tests."""

from __future__ import annotations

import json
import uuid as uuidlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.learning_helpers import no_upstream


@dataclass
class TranscriptBuilder:
    """Accumulates records of one agent context; `write()` saves them as JSONL."""

    session_id: str = field(default_factory=lambda: str(uuidlib.uuid4()))
    cwd: str = "/home/dev/project"
    agent_id: str | None = None  # set for a subagent transcript
    branch: str = "main"
    start: datetime = field(default_factory=lambda: datetime(2026, 11, 1, 9, 0, 0, tzinfo=UTC))
    records: list[dict[str, Any]] = field(default_factory=list)
    _clock: int = 0
    _last: str | None = None
    _counter: int = 0

    def _next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self.session_id[:8]}{self.agent_id or ''}{self._counter:04d}"

    def _envelope(self, kind: str, **extra: Any) -> dict[str, Any]:
        self._clock += 1
        uid = str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"{self.session_id}/{self.agent_id}/{self._clock}"))
        record: dict[str, Any] = {
            "parentUuid": self._last,
            "isSidechain": self.agent_id is not None,
            "userType": "external",
            "cwd": self.cwd,
            "sessionId": self.session_id,
            "version": "2.1.39",
            "gitBranch": self.branch,
            "type": kind,
            "uuid": uid,
            "timestamp": (self.start + timedelta(seconds=self._clock)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        }
        if self.agent_id is not None:
            record["agentId"] = self.agent_id
        record.update(extra)
        self._last = uid
        self.records.append(record)
        return record

    def prompt(self, text: str | list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        return self._envelope("user", message={"role": "user", "content": text}, **extra)

    def assistant(
        self,
        blocks: list[dict[str, Any]],
        *,
        model: str = "claude-opus-4-6",
        message_id: str | None = None,
        request_id: str | None = None,
        output_tokens: int = 10,
        input_tokens: int = 3,
        cache_creation: int = 100,
        cache_read: int = 1000,
    ) -> dict[str, Any]:
        message = {
            "model": model,
            "id": message_id or self._next_id("msg_"),
            "type": "message",
            "role": "assistant",
            "content": blocks,
            "stop_reason": None,
            "usage": {
                "input_tokens": input_tokens,
                "cache_creation_input_tokens": cache_creation,
                "cache_read_input_tokens": cache_read,
                "output_tokens": output_tokens,
                "service_tier": "standard",
            },
        }
        return self._envelope("assistant", message=message, requestId=request_id or self._next_id("req_"))

    def say(self, text: str, **kwargs: Any) -> dict[str, Any]:
        return self.assistant([{"type": "text", "text": text}], **kwargs)

    def tool_use(self, name: str, tool_input: dict[str, Any], *, tool_id: str | None = None, **kwargs: Any) -> str:
        tool_id = tool_id or self._next_id("toolu_")
        self.assistant([{"type": "tool_use", "id": tool_id, "name": name, "input": tool_input}], **kwargs)
        return tool_id

    def tool_result(
        self,
        tool_id: str,
        content: str | list[dict[str, Any]],
        *,
        is_error: bool | None = None,
        tool_use_result: Any = None,
    ) -> dict[str, Any]:
        block: dict[str, Any] = {"tool_use_id": tool_id, "type": "tool_result", "content": content}
        if is_error is not None:
            block["is_error"] = is_error
        extra: dict[str, Any] = {}
        if tool_use_result is not None:
            extra["toolUseResult"] = tool_use_result
        return self._envelope("user", message={"role": "user", "content": [block]}, **extra)

    def bash(self, command: str, output: str = "", *, exit_code: int = 0) -> str:
        tool_id = self.tool_use("Bash", {"command": command, "description": "run"})
        if exit_code:
            text = f"Exit code {exit_code}\n{output}"
            self.tool_result(tool_id, text, is_error=True, tool_use_result=f"Error: {text}")
        else:
            self.tool_result(
                tool_id,
                output,
                is_error=False,
                tool_use_result={"stdout": output, "stderr": "", "interrupted": False, "isImage": False},
            )
        return tool_id

    def system(self, subtype: str, **extra: Any) -> dict[str, Any]:
        return self._envelope("system", subtype=subtype, **extra)

    def progress(self, data: dict[str, Any], parent_tool_use_id: str) -> dict[str, Any]:
        return self._envelope("progress", data=data, toolUseID=parent_tool_use_id, parentToolUseID=parent_tool_use_id)

    def lines(self) -> list[bytes]:
        return [json.dumps(record, separators=(",", ":")).encode() + b"\n" for record in self.records]

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(self.lines()))
        return path


def write_build_failure_sessions(folder: Path, cwd: str = "/home/dev/shop", days: int = 4) -> list[Path]:
    """`days` Claude Code sessions in `folder`, one a day from 2026-11-01: each fails `npm run
    build` twice on a missing module, then passes with `npm install` first (a lesson to learn)."""
    written = []
    for day in range(1, days + 1):
        t = TranscriptBuilder(cwd=cwd, start=datetime(2026, 11, day, 9, 0, tzinfo=UTC))
        t.prompt("make the build pass")
        for _ in range(2):
            t.bash("npm run build", "Error: Cannot find module 'left-pad'", exit_code=1)
        t.bash("npm install && npm run build", "built")
        written.append(t.write(folder / f"{t.session_id}.jsonl"))
    return written


def write_push_sessions(folder: Path) -> list[TranscriptBuilder]:
    """Three Claude Code sessions, a day apart: each `git push` fails on a branch without an
    upstream and then sets it; the third also runs `npm test` without a result recorded."""
    sessions = []
    for day in (1, 2, 3):
        t = TranscriptBuilder(cwd="/home/dev/app", branch=f"feat-{day}", start=datetime(2026, 11, day, 9, tzinfo=UTC))
        t.prompt("push it")
        push = t.tool_use("Bash", {"command": "git push"})
        t.tool_result(push, no_upstream(f"feat-{day}"), is_error=True)
        t.bash(f"git push -u origin feat-{day}", "branch set up to track")
        if day == 3:
            t.tool_use("Bash", {"command": "npm test"}, tool_id="toolu_no_result")
        t.write(folder / f"{t.session_id}.jsonl")
        sessions.append(t)
    return sessions
