"""Cline CLI sessions -> normalized records. A session (its messages and its summary) is a unit
read whole: Cline rewrites both files as it goes.

`<id>.messages.json`: `{sessionId, messages: [...]}`, each message `{id, role, content: [blocks],
ts (epoch ms), modelInfo, metrics, metadata}` with Anthropic's content blocks. What each becomes:
- a user message's text -> a "prompt" (the first is wrapped `<user_input mode="act">...</user_input>`:
  unwrapped); one marked `metadata.displayRole: system` (context a hook gave) -> "instructions";
  its tool_result blocks -> results;
- an assistant message's text -> "assistant"; each tool_use block -> a call (`run_commands` holds a
  list of command lines: one call per command line, `<id>#<n>` after the first); `metrics` -> one
  token row (inputTokens includes the cache reads: input = inputTokens - cacheReadTokens).
A tool_result's content holds one entry per command line: `query` (what ran), `result`, `success`,
`error` (`Command exited with code N`: the exit code). The summary `<id>.json` gives the folder,
the model, the session's start and end.
"""

from __future__ import annotations

import os
import re
from typing import Any

from lessonloop.agents.cline.reader import AGENT
from lessonloop.agents.cline.reader.paths import summary_of
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
from lessonloop.secrets.redaction import redact

MAX_BYTES = 200_000_000
SHELL_TOOL = "run_commands"
KINDS = {
    SHELL_TOOL: SHELL,
    "read_files": "read",
    "search_codebase": "search",
    "fetch_web_content": "fetch",
    "editor": "edit",
    "spawn_agent": "subagent",
}
_WRAPPED = re.compile(r"^<user_input[^>]*>(.*)</user_input>$", re.DOTALL)
_EXITED = re.compile(r"(?:\[)?Command exited with code (-?\d+)\]?")
_EXIT_LINE = re.compile(r"^\[Command exited with code -?\d+\]\n*")


def units(paths: list[str], problems: list[Problem]) -> list[Unit]:
    """One unit per session: its stamp is its messages' and its summary's together."""
    return file_units(paths, problems, read_session, summary_of)


def read_session(path: str) -> Batch:
    batch = Batch()
    document = _load(path, batch.problems, required=True)
    if document is None:
        return batch
    messages = document.get("messages")
    if not isinstance(messages, list):
        batch.problems.append(Problem(path, None, "malformed-record", "not a Cline session (no messages list)"))
        return batch
    batch.records = len(messages)
    summary = _load(summary_of(path), batch.problems, required=False) or {}
    _Reader(path, batch, document, summary).read(messages)
    return batch


def _load(path: str, problems: list[Problem], *, required: bool) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        if required:
            problems.append(Problem(path, None, "unreadable-file", "cannot read: no such file"))
        return None
    except OSError as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return None
    try:
        loaded = json_codec.loads(data)
    except json_codec.JSONDecodeError as exc:
        problems.append(Problem(path, None, "truncated-file", f"not a whole JSON document ({exc}); skipped"))
        return None
    return loaded if isinstance(loaded, dict) else None


class _Reader:
    def __init__(self, path: str, batch: Batch, document: dict[str, Any], summary: dict[str, Any]) -> None:
        self.path = path
        self.batch = batch
        name = os.path.basename(path).removesuffix(".messages.json")
        self.sid = _text(document.get("sessionId")) or _text(summary.get("session_id")) or name
        self.cwd = _text(summary.get("cwd")) or _text(summary.get("workspace_root"))
        self.model = _text(summary.get("model"))
        self.started = normalize_timestamp(summary.get("started_at"))
        self.ended = normalize_timestamp(summary.get("ended_at"))
        metadata = summary.get("metadata")
        git = metadata.get("git") if isinstance(metadata, dict) else None
        self.branch = _text(git.get("branch")) if isinstance(git, dict) else None
        self.pending: dict[str, list[str]] = {}  # call id -> the ids of its command lines
        self._redact = BatchRedactor(batch)

    def read(self, messages: list[Any]) -> None:
        for index, message in enumerate(messages):
            if not isinstance(message, dict):
                continue
            try:
                self._message(message, index)
            except Exception as exc:  # a message of shapes not foreseen: reported, the rest read
                detail = f"message {index} not understood ({type(exc).__name__}: {exc})"
                self.batch.problems.append(Problem(self.path, None, "malformed-record", detail[:300]))
        self.batch.sessions[self.sid] = SessionRecord(
            id=self.sid,
            agent=AGENT,
            kind="main",
            cwd=self.cwd,
            project=project_for_cwd(self.cwd) if self.cwd else None,
            git_branch=self.branch,
            model=self.model,
            started_at=self.started,
            ended_at=self.ended,
        )

    def _message(self, message: dict[str, Any], index: int) -> None:
        ts = epoch_millis(message.get("ts")) or self.started
        if ts is not None:
            self.started = self.started if self.started and self.started <= ts else ts
            self.ended = self.ended if self.ended and self.ended >= ts else ts
        uuid = _text(message.get("id")) or f"{self.sid}:{index}"
        seq = (index + 1) * 1000
        content = message.get("content")
        blocks = content if isinstance(content, list) else [{"type": "text", "text": content}]
        texts = "".join(
            b["text"]
            for b in blocks
            if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
        )
        role = message.get("role")
        if role == "assistant":
            info = message.get("modelInfo")
            model = _text(info.get("id")) if isinstance(info, dict) else None
            self.model = self.model or model
            if texts.strip():
                self._text(uuid, seq, ts, "assistant", "assistant", texts)
            for position, block in enumerate(blocks, 1):
                if isinstance(block, dict) and block.get("type") == "tool_use":
                    self._call(block, uuid, seq + position * 10, ts)
            metrics = message.get("metrics")
            if isinstance(metrics, dict):
                self._usage(metrics, uuid, model or self.model or "unknown", ts)
            return
        if role != "user":
            return
        metadata = message.get("metadata")
        shown_as_system = isinstance(metadata, dict) and metadata.get("displayRole") == "system"
        if texts.strip():
            found = _WRAPPED.match(texts.strip())
            text = found.group(1) if found else texts
            self._text(uuid, seq, ts, "user", "instructions" if shown_as_system else "prompt", text)
        for position, block in enumerate(blocks, 1):
            if isinstance(block, dict) and block.get("type") == "tool_result":
                self._results(block, seq + position * 10, ts)

    def _text(self, uuid: str, seq: int, ts: str | None, role: str, kind: str, text: str) -> None:
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self.batch.messages.append(MessageRecord(self.sid, uuid, None, seq, ts, role, kind, body))

    def _call(self, block: dict[str, Any], uuid: str, seq: int, ts: str | None) -> None:
        name = _text(block.get("name")) or "?"
        call_id = _text(block.get("id")) or f"{uuid}:{seq}"
        args = block.get("input")
        kind = KINDS.get(name, "other")
        commands = args.get("commands") if isinstance(args, dict) else None
        if kind == SHELL and isinstance(commands, list) and commands:
            ids = []
            for number, line in enumerate(c for c in commands if isinstance(c, str)):
                one = call_id if number == 0 else f"{call_id}#{number}"
                command, count = redact(line, "command")
                self.batch.redactions += count
                self._record(
                    one, uuid, seq + number, ts, name, json_codec.dumps({"commands": [command]}), command, kind, None
                )
                ids.append(one)
            self.pending[call_id] = ids
            return
        _, input_json = tool_input(args, self.batch)
        path = None
        if isinstance(args, dict):
            path = next((args[k] for k in ("path", "file_path") if isinstance(args.get(k), str) and args[k]), None)
            files = args.get("file_paths") or args.get("paths")
            if path is None and isinstance(files, list) and files and isinstance(files[0], str):
                path = files[0]
        self._record(call_id, uuid, seq, ts, name, input_json, None, kind, path)
        self.pending[call_id] = [call_id]

    def _record(
        self, call_id: str, uuid: str, seq: int, ts: str | None, name: str, input_json: str | None,
        command: str | None, kind: str, path: str | None,
    ) -> None:  # fmt: skip
        self.batch.tool_calls.append(
            ToolCallRecord(call_id, self.sid, uuid, seq, ts, name, input_json, path, command, self.cwd, kind)
        )

    def _results(self, block: dict[str, Any], seq: int, ts: str | None) -> None:
        call_id = _text(block.get("tool_use_id"))
        if call_id is None:
            return
        ids = self.pending.pop(call_id, [call_id])
        content = block.get("content")
        entries = content if isinstance(content, list) else [content]
        for number, one in enumerate(ids):
            entry = entries[number] if number < len(entries) else None
            self._result(one, entry, block.get("is_error") is True, seq + number, ts)

    def _result(self, call_id: str, entry: Any, is_error: bool, seq: int, ts: str | None) -> None:
        if isinstance(entry, dict) and ("result" in entry or "success" in entry or "error" in entry):
            text = entry.get("result") if isinstance(entry.get("result"), str) else ""
            error = entry.get("error") if isinstance(entry.get("error"), str) else None
            failed = entry.get("success") is False or error is not None
        else:
            text = entry if isinstance(entry, str) else (entry.get("text", "") if isinstance(entry, dict) else "")
            error, failed = None, is_error
        exit_code = None
        if (found := _EXITED.search(error or "") or _EXITED.match(text or "")) is not None:
            exit_code = int(found.group(1))
        text = _EXIT_LINE.sub("", text or "")
        if failed:
            result = ToolResultRecord(call_id, seq, ts, ok=False, status="error", exit_code=exit_code)
            result.error_text = self._redact(_stderr_first(text) or error or "error", ERROR_TEXT_CHARS, "output")
        else:
            result = ToolResultRecord(call_id, seq, ts, ok=True, status="ok", exit_code=exit_code)
            if text.strip():
                result.result_text = self._redact(text.strip("\n"), RESULT_EXCERPT_CHARS, "output")
        self.batch.tool_results.append(result)

    def _usage(self, metrics: dict[str, Any], uuid: str, model: str, ts: str | None) -> None:
        read = token_count(metrics.get("cacheReadTokens"))
        self.batch.usage[(uuid, "")] = TokenUsageRecord(
            message_id=uuid,
            request_id="",
            session_id=self.sid,
            model=model,
            ts=ts,
            input_tokens=max(0, token_count(metrics.get("inputTokens")) - read),
            output_tokens=token_count(metrics.get("outputTokens")),
            cache_creation_tokens=token_count(metrics.get("cacheWriteTokens")),
            cache_read_tokens=read,
        )


def _stderr_first(text: str) -> str:
    """A failed command's text with its stderr first (what the failure said), then its stdout."""
    out, marker, err = text.partition("[stderr]\n")
    if not marker:
        return text.strip("\n")
    return "\n".join(part for part in (err.strip("\n"), out.strip("\n")) if part)
