"""A pi session file (JSONL) -> normalized records, chunk after chunk (pi appends a line per entry).

The format (pi-mono's packages/coding-agent/docs/session.md; docs/agents/pi-agent.md):
- line 1, the header: `{"type": "session", "id": <uuid>, "timestamp", "cwd"}` (version 3: also
  `"version": 3` and `parentSession`; version 1 files carry `provider`, `modelId` and
  `thinkingLevel` instead); the session is the header's `id`, its folder `cwd`;
- then one entry a line, each with a `type` and an ISO `timestamp` (version 2 and later: an `id`
  and the `parentId` of the entry before it, a tree whose abandoned branches stay in the file;
  every entry is read, as ccusage reads them):
  - `message`, its `message` by `role`: `user` (a prompt: `content`, a string or text parts),
    `assistant` (`content` parts: `text`, `thinking`, `toolCall` {id, name, arguments}; `model`,
    `usage` {input, output, cacheRead, cacheWrite, totalTokens, cost {total}}, `stopReason`,
    `errorMessage`), `toolResult` (`toolCallId`, `content`, `isError`; a shell call that failed
    ends "Command exited with code N"; OpenClaw's tools say a failure in `details`, `{"status":
    "error", "error"}`, `isError` false, and its `exec` says `(Command exited with code N)` with
    `details` `{"status": "completed" | "failed", "exitCode"}`), `bashExecution` (a command the
    person ran with `!`: `command`, `exitCode`);
  - `compaction` (`summary`), `model_change` (`modelId`), OpenClaw's `custom` entry
    `model-snapshot` (`data.modelId`), and entries of the UI or extensions
    (`thinking_level_change`, `label`, `session_info`, `custom`, `custom_message`,
    `branch_summary`): not stored.
- A session kept as database rows (OpenClaw 2026.8's SQLite store: one row per entry, the same
  JSON as a line) is read by `parse_rows`, each row as the line it was or would be in the JSONL.
- Token usage is one row per assistant message with tokens (`usage.input` is input not read from
  a cache, as lessonloop counts it; no reasoning count: thinking is in `output`), the cost pi
  worked out kept as the agent's own; a message with no token at all (an aborted turn) is no row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lessonloop.capture.adapters import PendingCall
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
    UnknownTypes,
    json_objects,
    not_understood,
    parts_text,
    token_count,
    tool_input,
)
from lessonloop.capture.parsing import text_or_none as _text
from lessonloop.capture.projects import project_for_cwd
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

PER_LINE = 100  # records of one line: its seq is line * PER_LINE + the part's index
_EXIT = re.compile(r"\n*\(?Command exited with code (-?\d+)\)?\s*$")  # OpenClaw's exec: in parentheses
_STOPPED = re.compile(r"\n*Command (?:aborted|timed out after \d+ seconds?)\s*$")
KNOWN_TYPES = frozenset(
    {
        "session", "message", "compaction", "model_change", "thinking_level_change", "label", "session_info",
        "custom", "custom_message", "branch_summary",
    }
)  # fmt: skip
_PATH_KEYS = ("path", "file_path", "filePath")


class PiParser:
    """Parses the lines of one pi session file into Batches for `agent`; `kind_of` names a tool's
    neutral kind; what a later read needs is `state()`."""

    def __init__(
        self,
        path: str,
        agent: str,
        kind_of: Callable[[str], str],
        *,
        pending_calls: dict[str, PendingCall] | None = None,
        state: dict[str, Any] | None = None,
    ) -> None:
        self.path = path
        self.agent = agent
        self.kind_of = kind_of
        self.pending: dict[str, PendingCall] = dict(pending_calls or {})
        st = state if isinstance(state, dict) else {}
        self._sid = _text(st.get("session")) or f"file:{path}"
        self._cwd = _text(st.get("cwd"))
        self._model = _text(st.get("model"))
        self._first_model = _text(st.get("first_model"))
        self._started = _text(st.get("started"))
        self._ended = _text(st.get("ended"))
        self._unknown = UnknownTypes()
        self._batch = Batch()
        self._redact = BatchRedactor(self._batch)

    def state(self) -> dict[str, Any]:
        return {
            "session": self._sid,
            "cwd": self._cwd,
            "model": self._model,
            "first_model": self._first_model,
            "started": self._started,
            "ended": self._ended,
        }

    def notices(self) -> list[Problem]:
        return self._unknown.notices(self.path)

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch:
        batch = self._start()
        for lineno, record in json_objects(lines, first_lineno, self.path, batch.problems):
            self._read(record, lineno)
        return self._finish()

    def parse_rows(self, rows: Iterable[tuple[int, bytes]]) -> Batch:
        """The entries of a session kept as rows (a database's), each with the line number it has
        in the session's JSONL (numbers may skip), read as `parse` reads lines: one Batch."""
        batch = self._start()
        for number, raw in rows:
            for lineno, record in json_objects([raw], number, self.path, batch.problems):
                self._read(record, lineno)
        return self._finish()

    def _start(self) -> Batch:
        batch = self._batch = Batch()
        self._redact = BatchRedactor(batch)
        return batch

    def _read(self, record: dict[str, Any], lineno: int) -> None:
        self._batch.records += 1
        try:
            self._record(record, lineno)
        except Exception as exc:  # a record of shapes not foreseen: reported, the rest read
            self._batch.problems.append(not_understood(self.path, lineno, record, exc))

    def _finish(self) -> Batch:
        batch = self._batch
        if batch.messages or batch.tool_calls or batch.tool_results or batch.usage:
            batch.sessions[self._sid] = self._session()
        return batch

    def _record(self, record: dict[str, Any], lineno: int) -> None:
        kind = record.get("type")
        if not isinstance(kind, str) or kind not in KNOWN_TYPES:
            self._unknown.saw(kind, lineno)
            return
        ts = normalize_timestamp(record.get("timestamp"))
        if kind == "session":
            self._header(record, ts)
            return
        if ts is not None:
            self._started = min(self._started or ts, ts)
            self._ended = max(self._ended or ts, ts)
        seq = lineno * PER_LINE
        if kind == "message":
            message = record.get("message")
            if isinstance(message, dict):
                self._message(record, message, seq, ts)
        elif kind == "compaction":
            summary = _text(record.get("summary"))
            if summary is not None:
                self._text(record, seq, ts, "user", "compaction_summary", summary)
        elif kind == "model_change":
            self._use_model(_text(record.get("modelId")))
        elif kind == "custom" and record.get("customType") == "model-snapshot":  # OpenClaw's
            data = record.get("data")
            if isinstance(data, dict):
                self._use_model(_text(data.get("modelId")) or _text(data.get("model")))

    def _header(self, record: dict[str, Any], ts: str | None) -> None:
        self._sid = _text(record.get("id")) or self._sid
        self._cwd = _text(record.get("cwd")) or self._cwd
        self._use_model(_text(record.get("modelId")))  # version 1 headers name the model
        if ts is not None:
            self._started = min(self._started or ts, ts)

    def _use_model(self, model: str | None) -> None:
        if model is not None:
            self._model = model
            self._first_model = self._first_model or model

    def _message(self, record: dict[str, Any], message: dict[str, Any], seq: int, ts: str | None) -> None:
        role = message.get("role")
        if role == "user":
            text = parts_text(message.get("content"))
            if text.strip():
                self._text(record, seq, ts, "user", "prompt", text)
        elif role == "assistant":
            self._assistant(record, message, seq, ts)
        elif role == "toolResult":
            self._result(message, seq, ts)
        elif role == "bashExecution":
            command = _text(message.get("command"))
            if command is not None:
                self._text(record, seq, ts, "user", "bash_input", command)

    def _text(self, record: dict[str, Any], seq: int, ts: str | None, role: str, kind: str, text: str) -> None:
        uuid = f"{self._sid}:{_text(record.get('id')) or seq}"
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self._batch.messages.append(MessageRecord(self._sid, uuid, None, seq, ts, role, kind, body))

    def _assistant(self, record: dict[str, Any], message: dict[str, Any], seq: int, ts: str | None) -> None:
        self._use_model(_text(message.get("model")))
        parts = message.get("content")
        texts = []
        for index, part in enumerate(parts if isinstance(parts, list) else [], start=1):
            if not isinstance(part, dict):
                continue
            if part.get("type") == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif part.get("type") == "toolCall":
                self._call(part, seq + index, ts)
        text = "\n".join(t for t in texts if t.strip())
        if text:
            self._text(record, seq, ts, "assistant", "assistant", text)
        error = _text(message.get("errorMessage"))
        if error is not None and message.get("stopReason") == "error":
            self._text({"id": f"{_text(record.get('id')) or seq}:error"}, seq, ts, "assistant", "api_error", error)
        usage = message.get("usage")
        if isinstance(usage, dict):
            self._usage(record, message, usage, seq, ts)

    def _call(self, part: dict[str, Any], seq: int, ts: str | None) -> None:
        name = _text(part.get("name")) or "?"
        call_id = _text(part.get("id")) or f"{self._sid}:{seq}"
        args = part.get("arguments")
        cleaned, input_json = tool_input(args, self._batch)
        kind = self.kind_of(name)
        command = None
        if kind == SHELL and isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
            command = cleaned["command"]
        path = None
        if isinstance(args, dict):
            path = next((args[k] for k in _PATH_KEYS if isinstance(args.get(k), str) and args[k]), None)
        self._batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=self._sid,
                message_uuid=None,
                seq=seq,
                ts=ts,
                tool=name,
                input_json=input_json,
                target_path=path,
                command=command,
                cwd=self._cwd,
                kind=kind,
            )
        )
        self.pending[call_id] = PendingCall(name, args)

    def _result(self, message: dict[str, Any], seq: int, ts: str | None) -> None:
        call_id = _text(message.get("toolCallId"))
        if call_id is None:
            return
        self.pending.pop(call_id, None)
        text = parts_text(message.get("content"))
        exit_code: int | None = None
        if (found := _EXIT.search(text)) is not None:
            exit_code = int(found.group(1))
            text = text[: found.start()]
        stopped = _STOPPED.search(text) is not None
        details = message.get("details")
        reported = False
        if isinstance(details, dict):  # OpenClaw's tools: {"status": "error", "error"}; its exec's exit
            reported = details.get("status") in ("error", "failed")
            code = details.get("exitCode")
            if exit_code is None and isinstance(code, int) and not isinstance(code, bool):
                exit_code = code
            if details.get("status") == "error" and isinstance(details.get("error"), str):
                text = details["error"]
        if message.get("isError") is True or exit_code not in (None, 0) or stopped or reported:
            record = ToolResultRecord(call_id, seq, ts, ok=False, status="error", exit_code=exit_code)
            record.error_text = self._redact(text.strip("\n") or "error", ERROR_TEXT_CHARS, "output")
        else:
            record = ToolResultRecord(call_id, seq, ts, ok=True, status="ok", exit_code=exit_code)
            if text.strip():
                record.result_text = self._redact(text.strip("\n"), RESULT_EXCERPT_CHARS, "output")
        self._batch.tool_results.append(record)

    def _usage(
        self, record: dict[str, Any], message: dict[str, Any], usage: dict[str, Any], seq: int, ts: str | None
    ) -> None:
        counts = [token_count(usage.get(key)) for key in ("input", "output", "cacheWrite", "cacheRead")]
        if not any(counts):
            return  # an aborted or failed turn: no call was billed
        key = f"{self._sid}:{_text(record.get('id')) or seq}"
        cost = usage.get("cost")
        total = cost.get("total") if isinstance(cost, dict) else None
        self._batch.usage[(key, "")] = TokenUsageRecord(
            message_id=key,
            request_id="",
            session_id=self._sid,
            model=_text(message.get("model")) or self._model or "unknown",
            ts=ts,
            input_tokens=counts[0],
            output_tokens=counts[1],
            cache_creation_tokens=counts[2],
            cache_read_tokens=counts[3],
            cost_usd=float(total) if isinstance(total, int | float) and not isinstance(total, bool) else None,
        )

    def _session(self) -> SessionRecord:
        return SessionRecord(
            id=self._sid,
            agent=self.agent,
            kind="main",
            parent_id=None,
            cwd=self._cwd,
            project=project_for_cwd(self._cwd) if self._cwd else None,
            model=self._first_model,
            started_at=self._started,
            ended_at=self._ended,
        )
