"""Qwen Code chat lines -> normalized records, chunk after chunk (the CLI appends to its chats).

What each record becomes:
- user: its text parts -> a "prompt" when the person typed it (`provenance` "real_user", or none
  in older chats), else "instructions" (context the CLI or a hook added).
- assistant: its text parts (thoughts left out) -> "assistant"; each functionCall part -> a tool
  call; usageMetadata -> one token row keyed (record uuid, "").
- tool_result: each functionResponse part -> the result of its call; the record's
  toolCallResult says how the call ended (status, a shell's exit code, the output as the tool
  showed it; `errorType: execution_denied`, `executionStatus: not_started`: a PreToolUse hook
  denied it, a refusal).
- system: the CLI's own bookkeeping; a ui_telemetry api_response names the auth type the
  tokens that follow were counted by.
Other record types are counted notices.

Tokens: usageMetadata is Gemini's shape. promptTokenCount includes cachedContentTokenCount, so
input_tokens = prompt - cached. Qwen Code converts what OpenAI-compatible and Anthropic servers
report into that shape with candidatesTokenCount = all output (completion_tokens or
output_tokens, reasoning included; thoughtsTokenCount says how much was reasoning); only Gemini's
own API (auth types "gemini", "vertex-ai") counts thoughts apart from candidates, as Gemini CLI's
chats do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lessonloop.agents.qwen.reader import AGENT
from lessonloop.agents.qwen.reader.tools import SHELL_TOOL, kind_of
from lessonloop.capture.adapters import PendingCall
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
    UnknownTypes,
    json_objects,
    not_understood,
    token_count,
    tool_input,
)
from lessonloop.capture.parsing import text_or_none as _text
from lessonloop.capture.projects import project_for_cwd
from lessonloop.core import json_codec
from lessonloop.core.records import (
    Batch,
    MessageRecord,
    Problem,
    SessionRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.core.timestamps import normalize_timestamp

UNKNOWN_MODEL = "unknown"
KNOWN_TYPES = frozenset({"user", "assistant", "tool_result", "system"})
PERSON = frozenset({"real_user"})  # a user record's provenance when the person typed it
SEPARATE_THOUGHTS = frozenset({"gemini", "vertex-ai"})  # auth types whose candidates exclude thoughts
PER_LINE = 1000  # a record's parts take seq lineno * PER_LINE + their position
# run_shell_command's result text: "Command: ...\nDirectory: ...\nOutput: ...\nError: ...\nExit Code: N"
_EXIT_CODE = re.compile(r"^Exit Code: (-?\d+)\s*$", re.MULTILINE)
_OUTPUT = re.compile(r"^Output: (.*?)(?=^Error: |^Exit Code: |\Z)", re.MULTILINE | re.DOTALL)
_REFUSED = ("denied", "blocked", "rejected", "not allowed", "declined")


class QwenChatParser:
    """Parses the lines of one Qwen Code chat into Batches; what a later read needs is `state()`."""

    def __init__(
        self, path: str, *, pending_calls: dict[str, PendingCall] | None = None, state: dict[str, Any] | None = None
    ) -> None:
        self.path = path
        self.pending: dict[str, PendingCall] = dict(pending_calls or {})
        st = state if isinstance(state, dict) else {}
        self._sid = _text(st.get("sid"))
        self._cwd = _text(st.get("cwd"))
        self._branch = _text(st.get("branch"))
        self._version = _text(st.get("version"))
        self._model = _text(st.get("model"))
        self._started = _text(st.get("started"))
        self._ended = _text(st.get("ended"))
        self._auth = _text(st.get("auth"))
        self._unknown = UnknownTypes()
        self._batch = Batch()
        # A chat repeats texts (a result in its response and in its display): each redacted once a chunk.
        self._redact = BatchRedactor(self._batch)

    def state(self) -> dict[str, Any]:
        """What the next read of this file needs (ids, names, times; no free text)."""
        return {
            "sid": self._sid,
            "cwd": self._cwd,
            "branch": self._branch,
            "version": self._version,
            "model": self._model,
            "started": self._started,
            "ended": self._ended,
            "auth": self._auth,
        }

    def notices(self) -> list[Problem]:
        return self._unknown.notices(self.path)

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch:
        """Parse complete lines (without their newline); line numbers start at `first_lineno`."""
        batch = self._batch = Batch()
        self._redact = BatchRedactor(batch)
        for lineno, record in json_objects(lines, first_lineno, self.path, batch.problems):
            batch.records += 1
            try:
                self._record(record, lineno)
            except Exception as exc:  # a record of shapes not foreseen: reported, the rest read
                batch.problems.append(not_understood(self.path, lineno, record, exc))
        if self._sid is not None and (batch.messages or batch.tool_calls or batch.tool_results or batch.usage):
            batch.sessions[self._sid] = self._session()
        return batch

    # ----------------------------------------------------------------- records

    def _record(self, record: dict[str, Any], lineno: int) -> None:
        kind = record.get("type")
        if not isinstance(kind, str) or kind not in KNOWN_TYPES:
            self._unknown.saw(kind, lineno)
            return
        self._envelope(record)
        if kind == "system":
            self._system(record)
            return
        if self._sid is None:
            self._batch.problems.append(Problem(self.path, lineno, "no-session", "a record without a sessionId"))
            return
        ts = normalize_timestamp(record.get("timestamp"))
        uuid = _text(record.get("uuid")) or f"{self._sid}:{lineno}"
        parent = _text(record.get("parentUuid"))
        message = record.get("message")
        parts = message.get("parts") if isinstance(message, dict) else None
        parts = parts if isinstance(parts, list) else []
        seq = lineno * PER_LINE
        if kind == "user":
            self._user(record, parts, uuid, parent, seq, ts)
        elif kind == "assistant":
            self._assistant(record, parts, uuid, parent, seq, ts)
        else:
            self._tool_results(record, parts, seq, ts)

    def _envelope(self, record: dict[str, Any]) -> None:
        sid = _text(record.get("sessionId"))
        if sid is not None and self._sid is None:
            self._sid = sid
        self._cwd = _text(record.get("cwd")) or self._cwd
        self._branch = _text(record.get("gitBranch")) or self._branch
        self._version = _text(record.get("version")) or self._version
        ts = normalize_timestamp(record.get("timestamp"))
        if ts is not None:
            self._started = self._started or ts
            self._ended = max(self._ended or ts, ts)

    def _system(self, record: dict[str, Any]) -> None:
        payload = record.get("systemPayload")
        event = payload.get("uiEvent") if isinstance(payload, dict) else None
        if isinstance(event, dict) and str(event.get("event.name", "")).endswith("api_response"):
            self._auth = _text(event.get("auth_type")) or self._auth

    def _user(
        self, record: dict[str, Any], parts: list[Any], uuid: str, parent: str | None, seq: int, ts: str | None
    ) -> None:
        if any(isinstance(part, dict) and "functionResponse" in part for part in parts):
            self._tool_results(record, parts, seq, ts)  # (results sent back as the user's turn)
            return
        text = _parts_text(parts)
        if text is None or not text.strip():
            return
        provenance = record.get("provenance")
        kind = "prompt" if provenance is None or provenance in PERSON else "instructions"
        self._message(uuid, parent, seq, ts, "user", kind, text)

    def _assistant(
        self, record: dict[str, Any], parts: list[Any], uuid: str, parent: str | None, seq: int, ts: str | None
    ) -> None:
        model = _text(record.get("model"))
        if model is not None:
            self._model = self._model or model
        text = _parts_text(parts)
        if text is not None and text.strip():
            self._message(uuid, parent, seq, ts, "assistant", "assistant", text)
        for position, part in enumerate(parts, 1):
            call = part.get("functionCall") if isinstance(part, dict) else None
            if isinstance(call, dict):
                self._tool_call(call, uuid, seq + position, ts)
        usage = record.get("usageMetadata")
        if isinstance(usage, dict):
            self._usage(usage, uuid, model or self._model or UNKNOWN_MODEL, ts)

    def _message(
        self, uuid: str, parent: str | None, seq: int, ts: str | None, role: str, kind: str, text: str
    ) -> None:
        assert self._sid is not None
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self._batch.messages.append(MessageRecord(self._sid, uuid, parent, seq, ts, role, kind, body))

    def _usage(self, usage: dict[str, Any], uuid: str, model: str, ts: str | None) -> None:
        assert self._sid is not None
        prompt = token_count(usage.get("promptTokenCount"))
        cached = min(token_count(usage.get("cachedContentTokenCount")), prompt)
        candidates = token_count(usage.get("candidatesTokenCount"))
        thoughts = token_count(usage.get("thoughtsTokenCount"))
        if self._auth in SEPARATE_THOUGHTS:
            output, reasoning = candidates + thoughts, thoughts
        else:
            output, reasoning = candidates, min(thoughts, candidates)
        self._batch.usage[(uuid, "")] = TokenUsageRecord(
            message_id=uuid,
            request_id="",
            session_id=self._sid,
            model=model,
            ts=ts,
            input_tokens=prompt - cached,
            output_tokens=output,
            cache_creation_tokens=0,
            cache_read_tokens=cached,
            reasoning_tokens=reasoning,
        )

    # ----------------------------------------------------------------- tool calls

    def _tool_call(self, call: dict[str, Any], uuid: str, seq: int, ts: str | None) -> None:
        assert self._sid is not None
        name = _text(call.get("name")) or "?"
        call_id = _text(call.get("id")) or f"{uuid}:{seq % PER_LINE}"
        args = call.get("args")
        command = None
        cleaned, input_json = tool_input(args, self._batch)
        kind = kind_of(name)
        if kind == "shell" and isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
            command = cleaned["command"]
        paths = _paths(args)
        cwd = self._cwd
        if kind == "shell" and isinstance(args, dict) and isinstance(args.get("directory"), str) and args["directory"]:
            cwd = args["directory"]
        self._batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=self._sid,
                message_uuid=uuid,
                seq=seq,
                ts=ts,
                tool=name,
                input_json=input_json,
                target_path=paths[0] if paths else None,
                command=command,
                cwd=cwd,
                kind=kind,
                paths=tuple(paths) if len(paths) > 1 else (),
            )
        )
        self.pending[call_id] = PendingCall(name, args)

    def _tool_results(self, record: dict[str, Any], parts: list[Any], seq: int, ts: str | None) -> None:
        outcome = record.get("toolCallResult")
        outcome = outcome if isinstance(outcome, dict) else {}
        for position, part in enumerate(parts, 1):
            response = part.get("functionResponse") if isinstance(part, dict) else None
            if not isinstance(response, dict):
                continue
            call_id = _text(response.get("id"))
            if call_id is None:
                continue
            mine = outcome if _text(outcome.get("callId")) in (None, call_id) else {}
            self._tool_result(call_id, response, mine, seq + position, ts)

    def _tool_result(
        self, call_id: str, response: dict[str, Any], outcome: dict[str, Any], seq: int, ts: str | None
    ) -> None:
        pending = self.pending.pop(call_id, None)
        name = _text(response.get("name")) or (pending.tool if pending else "?")
        body = response.get("response")
        output = error = None
        if isinstance(body, dict):
            output = body.get("output") if isinstance(body.get("output"), str) else None
            error = body.get("error") if isinstance(body.get("error"), str) else None
            if output is None and error is None and body:
                output = json_codec.dumps(body)
        elif isinstance(body, str):
            output = body
        display = outcome.get("resultDisplay")
        display = display if isinstance(display, dict) else {}
        status = _text(outcome.get("status")) or ("error" if error is not None else "success")
        exit_code: int | None = None
        shown = output if output is not None else error
        if name == SHELL_TOOL:
            code = display.get("exitCode")
            if isinstance(code, int) and not isinstance(code, bool):
                exit_code = code
            elif shown is not None and (found := _EXIT_CODE.findall(shown)):
                exit_code = int(found[-1])
            if isinstance(display.get("output"), str):
                shown = display["output"]
            elif shown is not None and (section := _OUTPUT.search(shown)):
                shown = section.group(1).rstrip("\n")
            if exit_code not in (None, 0) and status == "success":
                status = "error"
        if outcome.get("errorType") == "execution_denied" or outcome.get("executionStatus") == "not_started":
            status = "denied"  # a PreToolUse hook (or the person) refused it: it never ran
        if status == "success":
            result = ToolResultRecord(call_id, seq, ts, ok=True, status="ok", exit_code=exit_code)
            if shown:
                result.result_text = self._redact(shown, RESULT_EXCERPT_CHARS, "output")
            diff = display.get("fileDiff")
            if isinstance(diff, str) and diff:
                result.diff = self._redact(diff, 10 * MESSAGE_TEXT_CHARS, "code")
                result.lines_added, result.lines_removed = _counted(diff)
        else:
            why = error or shown or status
            ended = "rejected" if status == "denied" else "error"
            if status == "cancelled":
                ended = "rejected" if any(word in why.lower() for word in _REFUSED) else "interrupted"
            result = ToolResultRecord(call_id, seq, ts, ok=False, status=ended, exit_code=exit_code)
            result.error_text = self._redact(shown or why, ERROR_TEXT_CHARS, "output")
        self._batch.tool_results.append(result)

    # ----------------------------------------------------------------- helpers

    def _session(self) -> SessionRecord:
        assert self._sid is not None
        return SessionRecord(
            id=self._sid,
            agent=AGENT,
            kind="main",
            cwd=self._cwd,
            project=project_for_cwd(self._cwd) if self._cwd else None,
            git_branch=self._branch,
            version=self._version,
            model=self._model,
            started_at=self._started,
            ended_at=self._ended,
        )


def _parts_text(parts: list[Any]) -> str | None:
    """The text of a message's parts, thoughts left out."""
    texts = [
        part["text"]
        for part in parts
        if isinstance(part, dict) and isinstance(part.get("text"), str) and part.get("thought") is not True
    ]
    return "".join(texts) if texts else None


def _paths(args: Any) -> list[str]:
    """The files a call names: file_path / absolute_path / path, or a list of paths."""
    if not isinstance(args, dict):
        return []
    for key in ("file_path", "absolute_path", "path", "notebook_path"):
        value = args.get(key)
        if isinstance(value, str) and value:
            return [value]
    many = args.get("paths")
    if isinstance(many, list):
        return [p for p in many if isinstance(p, str) and p]
    return []


def _counted(diff: str) -> tuple[int, int]:
    """(lines added, lines removed) of a unified diff."""
    added = removed = 0
    for line in diff.splitlines():
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    return added, removed
