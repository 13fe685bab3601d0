"""Continue CLI sessions -> normalized records. A session is one JSON document, read whole.

`{sessionId, title, workspaceDirectory, history: [...], usage}`; each history item holds a
`message` (OpenAI's shape: role, content, toolCalls) and, for an assistant turn that called tools,
`toolCallStates` (each call's `status`, `parsedArgs` and `output`). What each becomes:
- a user message: its text -> a "prompt" (Continue stores what the person typed, no system prompt);
- an assistant message: its text -> "assistant"; each tool call -> a call, its state -> its result
  (`done` a success; `errored` a failure; `canceled` an interruption); `usage` (the model server's
  own: prompt_tokens includes the cached input, prompt_tokens_details.cached_tokens,
  completion_tokens with reasoning, usage.model) -> one token row per model call.
Messages carry no time: the session's start is its `dateCreated` in sessions.json beside it, and
its end the file's last change; each record gets the start's time.
A shell call's exit code is only in a failure's text (`Error executing tool Bash: Error (exit code
N): ...`), left out of the text stored; a success's stderr follows its stdout after "Stderr: ".
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from typing import Any

from lessonloop.agents.continue_cli.reader import AGENT
from lessonloop.capture.adapters import Unit
from lessonloop.capture.file_units import file_units
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
    epoch_millis,
    token_count,
    tool_input,
)
from lessonloop.capture.parsing import text_or_none as _text
from lessonloop.capture.projects import project_for_cwd
from lessonloop.core import json_codec
from lessonloop.core.records import (
    SHELL,
    Batch,
    MessageRecord,
    Problem,
    SessionRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.core.timestamps import normalize_timestamp

MAX_BYTES = 200_000_000
_FAILED = re.compile(r"^Error executing tool \S+: (?:Error \(exit code (-?\d+)\): )?")
KINDS = {
    "Bash": SHELL,
    "Read": "read",
    "Edit": "edit",
    "MultiEdit": "edit",
    "Write": "write",
    "List": "search",
    "Search": "search",
    "Fetch": "fetch",
    "Checklist": "plan",
    "Subagent": "subagent",
}


def units(paths: list[str], problems: list[Problem]) -> list[Unit]:
    return file_units(paths, problems, read_session)


def read_session(path: str) -> Batch:
    """Every record of one session; bad input becomes Problems, never an exception."""
    batch = Batch()
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        changed = os.stat(path).st_mtime
    except OSError as exc:
        batch.problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return batch
    try:
        document = json_codec.loads(data)
    except json_codec.JSONDecodeError as exc:
        batch.problems.append(Problem(path, None, "truncated-file", f"not a whole JSON document ({exc}); skipped"))
        return batch
    if not isinstance(document, dict) or not isinstance(document.get("history"), list):
        batch.problems.append(Problem(path, None, "malformed-record", "not a Continue session (no history list)"))
        return batch
    batch.records = 1
    _Reader(path, batch, document, changed).read()
    return batch


class _Reader:
    def __init__(self, path: str, batch: Batch, document: dict[str, Any], changed: float) -> None:
        self.path = path
        self.batch = batch
        self.document = document
        name = os.path.basename(path)
        sid = document.get("sessionId")
        self.sid = sid if isinstance(sid, str) and sid else name.removesuffix(".json")
        cwd = document.get("workspaceDirectory")
        self.cwd = cwd if isinstance(cwd, str) and cwd else None
        self.ended = normalize_timestamp(datetime.fromtimestamp(changed, UTC).isoformat())
        self.started = _created(os.path.join(os.path.dirname(path), "sessions.json"), self.sid) or self.ended
        self.model: str | None = None
        self._redact = BatchRedactor(batch)

    def read(self) -> None:
        for index, item in enumerate(self.document["history"]):
            if not isinstance(item, dict) or not isinstance(item.get("message"), dict):
                continue
            try:
                self._item(item, index)
            except Exception as exc:  # an item of shapes not foreseen: reported, the rest read
                detail = f"history item {index} not understood ({type(exc).__name__}: {exc})"
                self.batch.problems.append(Problem(self.path, None, "malformed-record", detail[:300]))
        title = self.document.get("title")
        self.batch.sessions[self.sid] = SessionRecord(
            id=self.sid,
            agent=AGENT,
            kind="main",
            cwd=self.cwd,
            project=project_for_cwd(self.cwd) if self.cwd else None,
            title=title if isinstance(title, str) and title and title != "Untitled Session" else None,
            model=self.model,
            started_at=self.started,
            ended_at=self.ended,
        )

    def _item(self, item: dict[str, Any], index: int) -> None:
        message = item["message"]
        role = message.get("role")
        seq = (index + 1) * 1000
        uuid = f"{self.sid}:{index}"
        text = _content_text(message.get("content"))
        if role == "user":
            if text.strip():
                self._message(uuid, seq, "user", "prompt", text)
            return
        if role != "assistant":
            return
        if text.strip():
            self._message(uuid, seq, "assistant", "assistant", text)
        states = {s.get("toolCallId"): s for s in item.get("toolCallStates") or [] if isinstance(s, dict)}
        calls = message.get("toolCalls") or []
        for position, call in enumerate(calls if isinstance(calls, list) else [], 1):
            if isinstance(call, dict):
                self._call(call, states.get(call.get("id")), uuid, seq + position)
        usage = message.get("usage")
        if isinstance(usage, dict):
            self._usage(usage, uuid)

    def _message(self, uuid: str, seq: int, role: str, kind: str, text: str) -> None:
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self.batch.messages.append(MessageRecord(self.sid, uuid, None, seq, self.started, role, kind, body))

    def _call(self, call: dict[str, Any], state: dict[str, Any] | None, uuid: str, seq: int) -> None:
        given = call.get("function")
        function: dict[str, Any] = given if isinstance(given, dict) else {}
        name = _text(function.get("name")) or "?"
        call_id = _text(call.get("id")) or f"{uuid}:{seq}"
        args: Any = state.get("parsedArgs") if state is not None else None
        if args is None and isinstance(function.get("arguments"), str):
            try:
                args = json_codec.loads(function["arguments"])
            except json_codec.JSONDecodeError:
                args = function["arguments"]
        command = None
        cleaned, input_json = tool_input(args, self.batch)
        kind = KINDS.get(name, "other")
        if kind == SHELL and isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
            command = cleaned["command"]
        path = None
        if isinstance(args, dict):
            path = next(
                (args[k] for k in ("filepath", "file_path", "path") if isinstance(args.get(k), str) and args[k]), None
            )
        self.batch.tool_calls.append(
            ToolCallRecord(call_id, self.sid, uuid, seq, self.started, name, input_json, path, command, self.cwd, kind)
        )
        if state is not None:
            self._result(call_id, state, seq)

    def _result(self, call_id: str, state: dict[str, Any], seq: int) -> None:
        status = state.get("status")
        if status not in ("done", "errored", "canceled", "cancelled"):
            return  # still running, or waiting for the person
        outputs = state.get("output")
        text = "\n".join(
            o["content"] for o in outputs or [] if isinstance(o, dict) and isinstance(o.get("content"), str)
        ) if isinstance(outputs, list) else ""  # fmt: skip
        if status == "done":
            result = ToolResultRecord(call_id, seq, self.ended, ok=True, status="ok")
            if text.strip():
                result.result_text = self._redact(text.strip("\n"), RESULT_EXCERPT_CHARS, "output")
        else:
            exit_code = None
            if (opening := _FAILED.match(text)) is not None:
                exit_code = int(opening.group(1)) if opening.group(1) is not None else None
                text = text[opening.end() :]
            ended = "error" if status == "errored" else "interrupted"
            result = ToolResultRecord(call_id, seq, self.ended, ok=False, status=ended, exit_code=exit_code)
            result.error_text = self._redact(text.strip("\n") or str(status), ERROR_TEXT_CHARS, "output")
        self.batch.tool_results.append(result)

    def _usage(self, usage: dict[str, Any], uuid: str) -> None:
        prompt = token_count(usage.get("prompt_tokens"))
        details = usage.get("prompt_tokens_details")
        cached = min(token_count(details.get("cached_tokens")) if isinstance(details, dict) else 0, prompt)
        output = token_count(usage.get("completion_tokens"))
        done = usage.get("completion_tokens_details")
        reasoning = token_count(done.get("reasoning_tokens")) if isinstance(done, dict) else 0
        model = _text(usage.get("model")) or "unknown"
        self.model = self.model or (model if model != "unknown" else None)
        self.batch.usage[(uuid, "")] = TokenUsageRecord(
            message_id=uuid,
            request_id="",
            session_id=self.sid,
            model=model,
            ts=self.started,
            input_tokens=prompt - cached,
            output_tokens=output,
            cache_creation_tokens=0,
            cache_read_tokens=cached,
            reasoning_tokens=min(reasoning, output),
        )


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p["text"] for p in content if isinstance(p, dict) and isinstance(p.get("text"), str))
    return ""


def _created(index_path: str, sid: str) -> str | None:
    """The session's dateCreated (epoch milliseconds, as a string) in sessions.json."""
    try:
        with open(index_path, "rb") as handle:
            listed = json_codec.loads(handle.read(MAX_BYTES))
    except (OSError, ValueError):
        return None
    for entry in listed if isinstance(listed, list) else []:
        if isinstance(entry, dict) and entry.get("sessionId") == sid:
            try:
                return epoch_millis(float(entry.get("dateCreated")))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                return None
    return None
