"""Cursor's conversations -> normalized records (docs/agents/cursor.md).

A conversation ("composer") of the global database: `composerData:<id>` {composerId, name,
createdAt and lastUpdatedAt (epoch ms), modelConfig.modelName, fullConversationHeadersOnly:
[{bubbleId, type}], subComposerIds}, its messages ("bubbles") `bubbleId:<id>:<bubble id>` in the
order of its headers (a bubble no header names any more was taken back: not read):
- `type` 1, the person's: `text` -> a prompt;
- `type` 2, the agent's: `text` -> the assistant's text; `toolFormerData` {toolCallId, name,
  rawArgs (the arguments as a JSON text; else `params`), status, result (a JSON text), error,
  additionalData.status} -> a call and its outcome (`completed` a success unless
  additionalData says "error"; `error` a failure; `cancelled`/`aborted` an interruption; a
  rejection the person made, `userDecision: "rejected"`; `inProgress` and the like no outcome
  yet); `tokenCount` {inputTokens, outputTokens} with tokens -> a token row of `modelInfo.modelName`
  (Cursor stores 0 and 0 since early 2026: no row then); `thinking` not stored;
- its time: `createdAt` (ISO) or `timingInfo.clientEndTime` (epoch ms), else the conversation's.
A conversation Cursor 0.4x kept whole in a workspace database: `composer.composerData`'s
`allComposers[]` with `conversation: [{bubbleId, type, text}]`, and the chat panel's tabs
(`tabs: [{tabId, chatTitle, lastSendTime, bubbles: [{type: "user"|"ai", id, text,
modelType}]}]`): prompts and replies, no call and no token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from lessonloop.agents.cursor.reader import AGENT
from lessonloop.agents.cursor.reader.tools import kind_of
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

PER_BUBBLE = 10  # records of one bubble: its seq is (position + 1) * PER_BUBBLE + the part's index
_PATH_KEYS = ("target_file", "targetFile", "relative_workspace_path", "file_path", "filePath", "path")
_FAILED = frozenset({"error", "failed"})
_STOPPED = frozenset({"cancelled", "canceled", "aborted"})
_USER, _ASSISTANT = 1, 2


@dataclass(frozen=True, slots=True)
class Context:
    """What the listing of the database knows of a conversation: its folder (a workspace's list
    names it), the conversation that started it (a sub-conversation's)."""

    folder: str | None = None
    parent: str | None = None


def file_uri_path(uri: str) -> str | None:
    """A local path for a `file://` URI (a remote one's path as written)."""
    parts = urlsplit(uri)
    if parts.scheme == "file":
        path = unquote(parts.path)
        return path[1:] if len(path) > 2 and path[0] == "/" and path[2] == ":" else path or None
    return unquote(parts.path) or None if parts.scheme else uri or None


class _Conversation:
    """The records of one conversation, written into `batch`."""

    def __init__(self, where: str, batch: Batch, session_id: str, folder: str | None, started: str | None) -> None:
        self.where = where
        self.batch = batch
        self.sid = session_id
        self.folder = folder
        self.started = started
        self.ts = started
        self.last = started
        self.model: str | None = None
        self._redact = BatchRedactor(batch)

    def at(self, ts: str | None) -> None:
        if ts is not None:
            self.ts = ts
            self.last = ts if self.last is None or ts > self.last else self.last

    def text(self, bubble_id: str, seq: int, role: str, kind: str, text: str) -> None:
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        uuid = f"{self.sid}:{bubble_id}"
        self.batch.messages.append(MessageRecord(self.sid, uuid, None, seq, self.ts, role, kind, body))

    def tool(self, tool: dict[str, Any], bubble_id: str, seq: int) -> None:
        name = _text(tool.get("name")) or "?"
        call_id = _text(tool.get("toolCallId")) or f"{self.sid}:{bubble_id}:tool"
        args = _json_value(tool.get("rawArgs"))
        if args is None:
            args = _json_value(tool.get("params"))
        cleaned, input_json = tool_input(args, self.batch)
        kind = kind_of(name)
        command = None
        if kind == SHELL and isinstance(cleaned, dict):
            command = next((cleaned[k] for k in ("command", "cmd") if isinstance(cleaned.get(k), str)), None)
        path = None
        if isinstance(args, dict):
            path = next((args[k] for k in _PATH_KEYS if isinstance(args.get(k), str) and args[k]), None)
        cwd = args.get("cwd") if isinstance(args, dict) and isinstance(args.get("cwd"), str) else self.folder
        uuid = f"{self.sid}:{bubble_id}"
        self.batch.tool_calls.append(
            ToolCallRecord(call_id, self.sid, uuid, seq, self.ts, name, input_json, path, command, cwd, kind)
        )
        self._outcome(call_id, tool, seq)

    def _outcome(self, call_id: str, tool: dict[str, Any], seq: int) -> None:
        extra = tool.get("additionalData")
        extra = extra if isinstance(extra, dict) else {}
        status = _text(tool.get("status")) or ""
        said = _text(extra.get("status")) or ""
        result = _json_value(tool.get("result"))
        text = _result_text(result) or _text(tool.get("output")) or ""
        exit_code = _exit_code(result)
        decision = _text(extra.get("userDecision")) or ""
        if decision == "rejected":
            ended = "rejected"
        elif status in _FAILED or said in _FAILED or (exit_code is not None and exit_code != 0):
            ended = "error"
        elif status in _STOPPED:
            ended = "interrupted"
        elif status == "completed":
            record = ToolResultRecord(call_id, seq, self.ts, ok=True, status="ok", exit_code=exit_code)
            if text.strip():
                record.result_text = self._redact(text.strip("\n"), RESULT_EXCERPT_CHARS, "output")
            self.batch.tool_results.append(record)
            return
        else:
            return  # still running, or waiting for the person
        error = tool.get("error")
        message = (
            _text(error.get("message")) if isinstance(error, dict) else _text(error)
        ) or _text(tool.get("stderr")) or text or status or said  # fmt: skip
        record = ToolResultRecord(call_id, seq, self.ts, ok=False, status=ended, exit_code=exit_code)
        record.error_text = self._redact(message.strip("\n") or ended, ERROR_TEXT_CHARS, "output")
        self.batch.tool_results.append(record)

    def tokens(self, bubble: dict[str, Any], bubble_id: str) -> None:
        counts = bubble.get("tokenCount")
        if not isinstance(counts, dict):
            return
        given, output = token_count(counts.get("inputTokens")), token_count(counts.get("outputTokens"))
        if given + output == 0:
            return  # Cursor's zeros since early 2026: no count, not a free call
        info = bubble.get("modelInfo")
        model = (_text(info.get("modelName")) if isinstance(info, dict) else None) or self.model or "unknown"
        key = f"{self.sid}:{bubble_id}"
        self.batch.usage[(key, "")] = TokenUsageRecord(key, "", self.sid, model, self.ts, given, output, 0, 0)

    def session(self, title: Any, parent: str | None, ended: str | None) -> None:
        self.batch.sessions[self.sid] = SessionRecord(
            id=self.sid,
            agent=AGENT,
            kind="subagent" if parent else "main",
            parent_id=parent,
            cwd=self.folder,
            project=project_for_cwd(self.folder) if self.folder else None,
            title=title if isinstance(title, str) and title.strip() else None,
            model=self.model,
            started_at=self.started or self.last,
            ended_at=max(filter(None, (ended, self.last)), default=None),
        )


def read_composer(
    where: str, composer_id: str, record: dict[str, Any], bubbles: dict[str, Any], context: Context
) -> Batch:
    """One conversation of the global database, its bubbles by id."""
    batch = Batch()
    batch.records = 1
    folder = context.folder
    conversation = _Conversation(where, batch, composer_id, folder, epoch_millis(record.get("createdAt")))
    config = record.get("modelConfig")
    model = _text(config.get("modelName")) if isinstance(config, dict) else None
    conversation.model = model if model and model != "default" else None
    headers = record.get("fullConversationHeadersOnly")
    if isinstance(headers, list) and headers:
        ordered = [h for h in headers if isinstance(h, dict) and isinstance(h.get("bubbleId"), str)]
        missing = 0
        for position, header in enumerate(ordered):
            bubble = bubbles.get(header["bubbleId"])
            if not isinstance(bubble, dict):
                missing += 1
                continue
            _bubble(conversation, bubble, header["bubbleId"], header.get("type"), position)
        if missing:
            detail = f"{missing} of its {len(ordered)} messages are not in the database (or not JSON)"
            batch.problems.append(Problem(where, None, "missing-records", detail, "notice"))
    else:
        inline = record.get("conversation")
        for position, bubble in enumerate(inline if isinstance(inline, list) else []):
            if isinstance(bubble, dict):
                _bubble(conversation, bubble, _text(bubble.get("bubbleId")) or str(position), None, position)
    conversation.session(record.get("name"), context.parent, epoch_millis(record.get("lastUpdatedAt")))
    return batch


def _bubble(conversation: _Conversation, bubble: dict[str, Any], bubble_id: str, kind: Any, position: int) -> None:
    try:
        role = bubble.get("type", kind)
        seq = (position + 1) * PER_BUBBLE
        conversation.at(_bubble_time(bubble))
        info = bubble.get("modelInfo")
        model = _text(info.get("modelName")) if isinstance(info, dict) else _text(bubble.get("modelType"))
        if model and model != "default":
            conversation.model = conversation.model or model
        text = _text(bubble.get("text")) or _text(bubble.get("rawText")) or ""
        if role in (_USER, "user"):
            if text.strip():
                conversation.text(bubble_id, seq, "user", "prompt", text)
            return
        if text.strip():
            conversation.text(bubble_id, seq, "assistant", "assistant", text)
        tool = bubble.get("toolFormerData")
        if isinstance(tool, dict) and (tool.get("name") or tool.get("toolCallId")):
            conversation.tool(tool, bubble_id, seq + 1)
        conversation.tokens(bubble, bubble_id)
    except Exception as exc:  # a bubble of shapes not foreseen: reported, the rest read
        detail = f"message {bubble_id} not understood ({type(exc).__name__}: {exc})"
        conversation.batch.problems.append(Problem(conversation.where, None, "malformed-record", detail[:300]))


def read_inline_composers(path: str, value: Any, folder: str | None, batch: Batch) -> None:
    """Cursor 0.4x's composers, kept whole in a workspace database."""
    composers = value.get("allComposers") if isinstance(value, dict) else None
    for record in composers if isinstance(composers, list) else []:
        if not isinstance(record, dict) or not isinstance(record.get("composerId"), str):
            continue
        if not isinstance(record.get("conversation"), list) or not record["conversation"]:
            continue  # a listing only (Cursor 2025 on keeps the messages in the global database)
        one = read_composer(f"{path}#{record['composerId']}", record["composerId"], record, {}, Context(folder))
        _merge(batch, one)


def read_chat_tabs(path: str, value: Any, folder: str | None, batch: Batch) -> None:
    """Cursor 0.4x's chat panel: each tab a conversation, its bubbles prompts and replies."""
    tabs = value.get("tabs") if isinstance(value, dict) else None
    for tab in tabs if isinstance(tabs, list) else []:
        if not isinstance(tab, dict) or not isinstance(tab.get("tabId"), str):
            continue
        bubbles = [b for b in tab.get("bubbles") or [] if isinstance(b, dict)]
        if not bubbles:
            continue
        one = Batch()
        sent = epoch_millis(tab.get("lastSendTime"))
        conversation = _Conversation(f"{path}#{tab['tabId']}", one, tab["tabId"], folder, sent)
        for position, bubble in enumerate(bubbles):
            _bubble(conversation, bubble, _text(bubble.get("id")) or str(position), None, position)
        conversation.session(tab.get("chatTitle"), None, sent)
        _merge(batch, one)


def _merge(batch: Batch, one: Batch) -> None:
    batch.sessions.update(one.sessions)
    batch.messages.extend(one.messages)
    batch.tool_calls.extend(one.tool_calls)
    batch.tool_results.extend(one.tool_results)
    batch.usage.update(one.usage)
    batch.problems.extend(one.problems)
    batch.redactions += one.redactions


def _bubble_time(bubble: dict[str, Any]) -> str | None:
    created = bubble.get("createdAt")
    if isinstance(created, str) and created:
        try:
            return normalize_timestamp(created)
        except ValueError:
            pass
    if isinstance(created, int | float) and not isinstance(created, bool):
        return epoch_millis(created)
    timing = bubble.get("timingInfo")
    if isinstance(timing, dict):
        for key in ("clientEndTime", "clientSettleTime", "clientRpcSendTime"):
            value = timing.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 1e12:
                return epoch_millis(value)
    return None


def _json_value(value: Any) -> Any:
    """A field Cursor keeps as a JSON text (rawArgs, params, result), parsed; an object as it is."""
    if isinstance(value, str):
        try:
            return json_codec.loads(value)
        except (json_codec.JSONDecodeError, RecursionError):
            return value
    return value


def _result_text(result: Any) -> str:
    if isinstance(result, str):
        return result
    if not isinstance(result, dict):
        return ""
    for key in ("output", "contents", "content", "stdout", "text", "resultForModel"):
        if isinstance(result.get(key), str) and result[key]:
            return str(result[key])
    return ""


def _exit_code(result: Any) -> int | None:
    if not isinstance(result, dict):
        return None
    for key in ("exitCode", "exit_code", "exitCodeV2"):
        value = result.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None
