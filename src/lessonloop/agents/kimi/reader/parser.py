"""Kimi Code wire logs -> normalized records, chunk after chunk (the CLI appends to them).

A wire log is an agent's event log. What is read:
- `turn.prompt`: what the person typed (`origin.kind` user) -> a "prompt"; another origin (a
  sub-agent's task, a scheduled prompt) -> "task_prompt".
- `context.append_message` of a user message whose origin is an injection (the date, the
  permission mode) or a hook's result (`hook_result`: what a UserPromptSubmit hook said) ->
  "instructions".
- `context.append_loop_event`: `tool.call` -> a call (`toolCallId`, `name`, `args`, the folder its
  display names); `tool.result` -> its result (`result.output`, `result.isError`: present on
  failures only; an error with no exit code that never ran, `durationMs` 0, is a PreToolUse
  hook's deny: a refusal); `content.part` text -> "assistant"; `step.end` -> one token row per model call
  (`usage`: inputOther is input not read from a cache, inputCacheRead and inputCacheCreation the
  cached input, output all output), keyed by the step's `messageId`.
- `llm.request`: the model the next calls were made with (`model`; `usage.record`'s model is an
  alias of Kimi Code's).
The `agent.*` events repeat the same messages for the UI, and the rest (`profile.bind`,
`llm.tools_snapshot`, `token_counting.*`, ...) is the CLI's bookkeeping: not stored. A shell
call's exit code is the `Command failed with exit code: N.` its output ends with.
The session is the folder's `session_<uuid>`; its folder (`cwd`) is in `state.json`, two folders
above the log. A sub-agent's log (agents/<name>/wire.jsonl, not `main`) is a sub-agent session of
it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

from lessonloop.agents.kimi.reader import AGENT
from lessonloop.agents.kimi.reader.paths import session_of
from lessonloop.agents.kimi.reader.tools import kind_of
from lessonloop.capture.adapters import PendingCall
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
    UnknownTypes,
    epoch_millis,
    json_objects,
    not_understood,
    parts_text,
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

PER_LINE = 1000
STATE_BYTES = 1_000_000
_EXIT = re.compile(r"\n*Command failed with exit code: (-?\d+)\.?\s*$")
KNOWN_TYPES = frozenset(
    {
        "metadata", "runtime.set_binding", "profile.bind", "permission.set_mode", "turn.prompt",
        "context.append_message", "context.append_loop_event", "plugin.session_start", "llm.tools_snapshot",
        "llm.request", "usage.record", "token_counting.measured", "token_counting.turn_recorded", "turn.ended",
        "prompt.completed", "agent.message.appended", "agent.turn.started", "agent.turn.ended",
    }
)  # fmt: skip


class WireParser:
    """Parses the lines of one wire log into Batches; what a later read needs is `state()`."""

    def __init__(
        self, path: str, *, pending_calls: dict[str, PendingCall] | None = None, state: dict[str, Any] | None = None
    ) -> None:
        self.path = path
        self.pending: dict[str, PendingCall] = dict(pending_calls or {})
        st = state if isinstance(state, dict) else {}
        place = session_of(path)
        folder, agent = place if place is not None else (os.path.dirname(path), "main")
        main = os.path.basename(folder) if place is not None else f"file:{path}"
        self._main = main
        self._sid = main if agent == "main" else f"{main}:{agent}"
        self._cwd = _text(st.get("cwd"))
        if self._cwd is None and place is not None:
            self._cwd = _state_cwd(os.path.join(folder, "state.json"))
        self._model = _text(st.get("model"))
        self._first_model = _text(st.get("first_model"))
        self._started = _text(st.get("started"))
        self._ended = _text(st.get("ended"))
        self._unknown = UnknownTypes()
        self._batch = Batch()
        self._redact = BatchRedactor(self._batch)

    def state(self) -> dict[str, Any]:
        return {
            "cwd": self._cwd,
            "model": self._model,
            "first_model": self._first_model,
            "started": self._started,
            "ended": self._ended,
        }

    def notices(self) -> list[Problem]:
        return self._unknown.notices(self.path)

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch:
        batch = self._batch = Batch()
        self._redact = BatchRedactor(batch)
        for lineno, record in json_objects(lines, first_lineno, self.path, batch.problems):
            batch.records += 1
            try:
                self._record(record, lineno)
            except Exception as exc:  # a record of shapes not foreseen: reported, the rest read
                batch.problems.append(not_understood(self.path, lineno, record, exc))
        if batch.messages or batch.tool_calls or batch.tool_results or batch.usage:
            batch.sessions[self._sid] = self._session()
        return batch

    def _record(self, record: dict[str, Any], lineno: int) -> None:
        kind = record.get("type")
        if not isinstance(kind, str) or kind not in KNOWN_TYPES:
            self._unknown.saw(kind, lineno)
            return
        ts = epoch_millis(record.get("time"))
        if ts is not None:
            self._started = self._started or ts
            self._ended = max(self._ended or ts, ts)
        seq = lineno * PER_LINE
        if kind == "turn.prompt":
            self._prompt(record, seq, ts)
        elif kind == "context.append_message":
            self._injected(record, seq, ts)
        elif kind == "llm.request":
            model = _text(record.get("model"))
            if model is not None:
                self._model = model
                self._first_model = self._first_model or model
        elif kind == "context.append_loop_event":
            event = record.get("event")
            if isinstance(event, dict):
                self._loop_event(event, seq, ts)

    def _prompt(self, record: dict[str, Any], seq: int, ts: str | None) -> None:
        text = parts_text(record.get("input"))
        if not text.strip():
            return
        origin = record.get("origin")
        by_person = isinstance(origin, dict) and origin.get("kind") == "user"
        uuid = _text(record.get("promptId")) or f"{self._sid}:{seq}"
        self._message(uuid, seq, ts, "user", "prompt" if by_person else "task_prompt", text)

    def _injected(self, record: dict[str, Any], seq: int, ts: str | None) -> None:
        message = record.get("message")
        if not isinstance(message, dict) or message.get("role") != "user":
            return
        origin = message.get("origin")
        if not isinstance(origin, dict) or origin.get("kind") not in ("injection", "hook_result"):
            return  # the person's prompt: its turn.prompt was read
        text = parts_text(message.get("content"))
        if text.strip():
            self._message(_text(message.get("id")) or f"{self._sid}:{seq}", seq, ts, "user", "instructions", text)

    def _loop_event(self, event: dict[str, Any], seq: int, ts: str | None) -> None:
        kind = event.get("type")
        if kind == "tool.call":
            self._call(event, seq, ts)
        elif kind == "tool.result":
            self._result(event, seq, ts)
        elif kind == "content.part":
            part = event.get("part")
            if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str):
                uuid = _text(event.get("uuid")) or f"{self._sid}:{seq}"
                self._message(uuid, seq, ts, "assistant", "assistant", part["text"])
        elif kind == "step.end":
            self._usage(event, ts)

    def _message(self, uuid: str, seq: int, ts: str | None, role: str, kind: str, text: str) -> None:
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self._batch.messages.append(MessageRecord(self._sid, uuid, None, seq, ts, role, kind, body))

    def _call(self, event: dict[str, Any], seq: int, ts: str | None) -> None:
        name = _text(event.get("name")) or "?"
        call_id = _text(event.get("toolCallId")) or _text(event.get("uuid")) or f"{self._sid}:{seq}"
        args = event.get("args")
        command = None
        cleaned, input_json = tool_input(args, self._batch)
        kind = kind_of(name)
        if kind == SHELL and isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
            command = cleaned["command"]
        display = event.get("display")
        cwd = _text(display.get("cwd")) if isinstance(display, dict) else None
        path = None
        if isinstance(args, dict):
            path = next((args[k] for k in ("file_path", "path") if isinstance(args.get(k), str) and args[k]), None)
        self._batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=self._sid,
                message_uuid=_text(event.get("stepUuid")),
                seq=seq,
                ts=ts,
                tool=name,
                input_json=input_json,
                target_path=path,
                command=command,
                cwd=cwd or self._cwd,
                kind=kind,
            )
        )
        self.pending[call_id] = PendingCall(name, args)

    def _result(self, event: dict[str, Any], seq: int, ts: str | None) -> None:
        call_id = _text(event.get("toolCallId"))
        result = event.get("result")
        if call_id is None or not isinstance(result, dict):
            return
        self.pending.pop(call_id, None)
        output = result.get("output")
        text = output if isinstance(output, str) else parts_text(output)
        exit_code: int | None = None
        if (found := _EXIT.search(text)) is not None:
            exit_code = int(found.group(1))
            text = text[: found.start()]
        failed = result.get("isError") is True or exit_code not in (None, 0)
        # A call a PreToolUse hook denied is only its result: an error whose text is the hook's
        # reason, never started (durationMs 0) and with no exit code of a command.
        denied = failed and exit_code is None and result.get("durationMs") == 0
        if denied:
            record = ToolResultRecord(call_id, seq, ts, ok=False, status="rejected")
            record.error_text = self._redact(text.strip("\n") or "denied", ERROR_TEXT_CHARS, "output")
        elif failed:
            record = ToolResultRecord(call_id, seq, ts, ok=False, status="error", exit_code=exit_code)
            record.error_text = self._redact(text.strip("\n") or "error", ERROR_TEXT_CHARS, "output")
        else:
            record = ToolResultRecord(call_id, seq, ts, ok=True, status="ok", exit_code=exit_code)
            if text.strip():
                record.result_text = self._redact(text.strip("\n"), RESULT_EXCERPT_CHARS, "output")
        self._batch.tool_results.append(record)

    def _usage(self, event: dict[str, Any], ts: str | None) -> None:
        usage = event.get("usage")
        if not isinstance(usage, dict):
            return
        key = _text(event.get("messageId")) or _text(event.get("uuid"))
        if key is None:
            return
        self._batch.usage[(key, "")] = TokenUsageRecord(
            message_id=key,
            request_id="",
            session_id=self._sid,
            model=self._model or "unknown",
            ts=ts,
            input_tokens=token_count(usage.get("inputOther")),
            output_tokens=token_count(usage.get("output")),
            cache_creation_tokens=token_count(usage.get("inputCacheCreation")),
            cache_read_tokens=token_count(usage.get("inputCacheRead")),
        )

    def _session(self) -> SessionRecord:
        sub = self._sid != self._main
        return SessionRecord(
            id=self._sid,
            agent=AGENT,
            kind="subagent" if sub else "main",
            parent_id=self._main if sub else None,
            cwd=self._cwd,
            project=project_for_cwd(self._cwd) if self._cwd else None,
            model=self._first_model,
            started_at=self._started,
            ended_at=self._ended,
        )


def _state_cwd(path: str) -> str | None:
    """The session's folder, from its state.json."""
    try:
        with open(path, "rb") as handle:
            data = json_codec.loads(handle.read(STATE_BYTES))
    except (OSError, ValueError):
        return None
    return _text(data.get("cwd")) if isinstance(data, dict) else None
