"""An Amp thread -> normalized records. A thread is one JSON document, rewritten as it goes: read whole.

The document (docs/agents/amp.md): `{v, id: "T-<uuid>", created (epoch ms), title, env.initial.trees
[{uri: "file://<folder>"}], messages: [...], usageLedger?: {events: [...]}}`. Each message has a
`role`, a numeric `messageId` and `content` blocks:
- `user`: `text` blocks -> a "prompt" (`meta.sentAt`, epoch ms, its time); `tool_result` blocks
  `{toolUseID, run: {status, result, error, reason}}` -> the results of the calls before them:
  `done` a success, unless a shell command's `result.exitCode` is not 0 (a failure, its exit code);
  `error` a failure; `cancelled` an interruption; `rejected-by-user` a refusal; `in-progress` and
  `queued` no result yet;
- `assistant`: `text` -> "assistant"; `thinking` and `redacted_thinking` not stored; `tool_use`
  `{id, name, input}` -> a call; `state.type` `error` -> an "api_error" message; `usage` {model,
  timestamp, inputTokens, outputTokens, cacheCreationInputTokens, cacheReadInputTokens} -> one
  token row (Amp's inputTokens is the input not read from or written to a cache, as lessonloop counts
  it; no reasoning count: thinking is in outputTokens);
- `info`: Amp's own notes, not stored.
A thread with a `usageLedger` (Amp's older local threads) is billed by its events instead, as
ccusage counts it: one row per event (input and output from the event, the cache counts from the
message the event ends at). A subagent's (`Task`) work is a thread of its own.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from lessonloop.agents.amp.reader import AGENT
from lessonloop.agents.amp.reader.tools import kind_of
from lessonloop.capture.adapters import Unit
from lessonloop.capture.file_units import file_units
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
    epoch_millis,
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
from lessonloop.core.timestamps import normalize_timestamp

MAX_BYTES = 200_000_000  # Amp itself refuses a thread over 50 MiB
PER_MESSAGE = 1000  # records of one message: its seq is (index + 1) * PER_MESSAGE + the block's index
_PATH_KEYS = ("path", "file_path", "filePath")
_PATCH_FILE = re.compile(r"^\*\*\* (?:Add|Update|Delete) File: (.+)$", re.MULTILINE)
_ENDED = {"error": "error", "cancelled": "interrupted", "rejected-by-user": "rejected"}
_DIFF_HEAD = re.compile(r"\A(?:Index: [^\n]*\n)?(?:=+\n)?")


def units(paths: list[str], problems: list[Problem]) -> list[Unit]:
    return file_units(paths, problems, read_thread)


def read_thread(path: str) -> Batch:
    """Every record of one thread; bad input becomes Problems, never an exception."""
    batch = Batch()
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        changed = os.stat(path).st_mtime
    except OSError as exc:
        batch.problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return batch
    if len(data) > MAX_BYTES:
        batch.problems.append(Problem(path, None, "file-too-large", f"over {MAX_BYTES:,} bytes: not read"))
        return batch
    try:
        document = json_codec.loads(data)
    except json_codec.JSONDecodeError as exc:
        batch.problems.append(Problem(path, None, "truncated-file", f"not a whole JSON document ({exc}); skipped"))
        return batch
    except RecursionError:
        batch.problems.append(Problem(path, None, "malformed-record", "nested too deep to read; skipped"))
        return batch
    if not isinstance(document, dict) or not isinstance(document.get("messages"), list):
        batch.problems.append(Problem(path, None, "malformed-record", "not an Amp thread (no messages list)"))
        return batch
    batch.records = 1
    _Reader(path, batch, document, changed).read()
    return batch


class _Reader:
    def __init__(self, path: str, batch: Batch, document: dict[str, Any], changed: float) -> None:
        self.path = path
        self.batch = batch
        self.document = document
        self.sid = _text(document.get("id")) or os.path.basename(path).removesuffix(".json")
        self.cwd = _cwd(document.get("env"))
        self.started = epoch_millis(document.get("created"))
        self.ts: str | None = self.started
        self.last: str | None = None
        self.changed = normalize_timestamp(datetime.fromtimestamp(changed, UTC).isoformat())
        self.model: str | None = None
        self.calls: dict[str, tuple[str, int]] = {}  # a call's id -> its tool's name and seq
        self.by_id: dict[int, dict[str, Any]] = {}  # messageId -> message (the ledger's cache counts)
        self._redact = BatchRedactor(batch)

    def read(self) -> None:
        ledger = self.document.get("usageLedger")
        events = ledger.get("events") if isinstance(ledger, dict) else None
        billed_by_ledger = isinstance(events, list) and bool(events)
        for index, message in enumerate(self.document["messages"]):
            if not isinstance(message, dict):
                continue
            try:
                self._message(message, index, billed_by_ledger)
            except Exception as exc:  # a message of shapes not foreseen: reported, the rest read
                detail = f"message {index} not understood ({type(exc).__name__}: {exc})"
                self.batch.problems.append(Problem(self.path, None, "malformed-record", detail[:300]))
        if billed_by_ledger:
            for number, event in enumerate(events or []):
                if isinstance(event, dict):
                    self._ledger_event(event, number)
        title = self.document.get("title")
        self.batch.sessions[self.sid] = SessionRecord(
            id=self.sid,
            agent=AGENT,
            kind="main",
            cwd=self.cwd,
            project=project_for_cwd(self.cwd) if self.cwd else None,
            title=title if isinstance(title, str) and title else None,
            model=self.model,
            started_at=self.started or self.last or self.changed,
            ended_at=self.last or self.changed,
        )

    def _at(self, value: Any) -> None:
        """Moves the thread's clock to a time of the message (epoch ms or ISO)."""
        ts = epoch_millis(value) if isinstance(value, int | float) else None
        if ts is None and isinstance(value, str) and value:
            ts = normalize_timestamp(value)
        if ts is not None:
            self.ts = ts
            self.last = ts if self.last is None or ts > self.last else self.last

    def _message(self, message: dict[str, Any], index: int, billed_by_ledger: bool) -> None:
        role = message.get("role")
        number = message.get("messageId")
        key = f"{self.sid}:{number if isinstance(number, int) else index}"
        if isinstance(number, int):
            self.by_id[number] = message
        seq = (index + 1) * PER_MESSAGE
        blocks = message.get("content")
        blocks = [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []
        meta = message.get("meta")
        if role == "user":
            self._at(meta.get("sentAt") if isinstance(meta, dict) else None)
            text = parts_text([b for b in blocks if b.get("type") == "text"])
            if text.strip():
                self._record(key, seq, "user", "prompt", text)
            for position, block in enumerate(blocks, 1):
                if block.get("type") == "tool_result":
                    self._result(block, seq + position)
            return
        if role != "assistant":
            return  # "info": Amp's own notes
        usage = message.get("usage")
        if isinstance(usage, dict):
            self._at(usage.get("timestamp"))
        else:
            times = [b.get("startTime") for b in blocks if isinstance(b.get("startTime"), int | float)]
            self._at(times[0] if times else None)
        text = parts_text([b for b in blocks if b.get("type") == "text"])
        if text.strip():
            self._record(key, seq, "assistant", "assistant", text)
        for position, block in enumerate(blocks, 1):
            if block.get("type") == "tool_use":
                self._call(block, key, seq + position)
        state = message.get("state")
        if isinstance(state, dict) and state.get("type") == "error":
            error = state.get("error")
            said = _text(error.get("message")) if isinstance(error, dict) else _text(error)
            self._record(f"{key}:error", seq + PER_MESSAGE - 1, "assistant", "api_error", said or "error")
        if isinstance(usage, dict) and not billed_by_ledger:
            self._usage(usage, key)

    def _record(self, uuid: str, seq: int, role: str, kind: str, text: str) -> None:
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self.batch.messages.append(MessageRecord(self.sid, uuid, None, seq, self.ts, role, kind, body))

    def _call(self, block: dict[str, Any], uuid: str, seq: int) -> None:
        name = _text(block.get("name")) or "?"
        call_id = _text(block.get("id")) or f"{uuid}:{seq}"
        args = block.get("input")
        cleaned, input_json = tool_input(args, self.batch)
        kind = kind_of(name)
        command = None
        if kind == SHELL and isinstance(cleaned, dict):
            command = next((cleaned[k] for k in ("command", "cmd") if isinstance(cleaned.get(k), str)), None)
        paths: list[str] = []
        if isinstance(args, dict):
            paths = [args[k] for k in _PATH_KEYS if isinstance(args.get(k), str) and args[k]][:1]
            if not paths and isinstance(args.get("patchText"), str):
                paths = list(dict.fromkeys(m.strip() for m in _PATCH_FILE.findall(args["patchText"])))
        cwd = args.get("workdir") or args.get("cwd") if isinstance(args, dict) else None
        self.batch.tool_calls.append(
            ToolCallRecord(
                call_id,
                self.sid,
                uuid,
                seq,
                self.ts,
                name,
                input_json,
                paths[0] if paths else None,
                command,
                cwd if isinstance(cwd, str) and cwd else self.cwd,
                kind,
                tuple(paths) if len(paths) > 1 else (),
            )
        )
        self.calls[call_id] = (name, seq)

    def _result(self, block: dict[str, Any], seq: int) -> None:
        call_id = _text(block.get("toolUseID"))
        run = block.get("run")
        if call_id is None or not isinstance(run, dict):
            return
        status = run.get("status")
        if status not in ("done", *_ENDED):
            return  # still running or queued
        result = run.get("result")
        text = _result_text(result)
        if status == "done":
            exit_code = result.get("exitCode") if isinstance(result, dict) else None
            if isinstance(exit_code, int) and not isinstance(exit_code, bool) and exit_code != 0:
                record = ToolResultRecord(call_id, seq, self.ts, ok=False, status="error", exit_code=exit_code)
                record.error_text = self._redact(
                    text.strip("\n") or f"exit code {exit_code}", ERROR_TEXT_CHARS, "output"
                )
                self.batch.tool_results.append(record)
                return
            record = ToolResultRecord(call_id, seq, self.ts, ok=True, status="ok")
            if isinstance(exit_code, int) and not isinstance(exit_code, bool):
                record.exit_code = exit_code
            if text.strip():
                record.result_text = self._redact(text.strip("\n"), RESULT_EXCERPT_CHARS, "output")
            self._diff(record, result)
            self.batch.tool_results.append(record)
            return
        error = run.get("error")
        said = (
            _text(error.get("message")) if isinstance(error, dict) else _text(error)
        ) or _text(run.get("reason")) or text.strip("\n") or str(status)  # fmt: skip
        record = ToolResultRecord(call_id, seq, self.ts, ok=False, status=_ENDED[str(status)])
        record.error_text = self._redact(said, ERROR_TEXT_CHARS, "output")
        self.batch.tool_results.append(record)

    def _diff(self, record: ToolResultRecord, result: Any) -> None:
        """The diff Amp gives for the files an edit changed (`result.files[].diff`), its counts."""
        files = result.get("files") if isinstance(result, dict) else None
        if not isinstance(files, list):
            return
        diffs, added, removed = [], 0, 0
        for entry in files:
            if not isinstance(entry, dict) or not isinstance(entry.get("diff"), str):
                continue
            diffs.append(_DIFF_HEAD.sub("", entry["diff"]))
            added += token_count(entry.get("additions"))
            removed += token_count(entry.get("deletions"))
        if diffs:
            record.diff = self._redact("".join(diffs), RESULT_EXCERPT_CHARS, "code")
            record.lines_added, record.lines_removed = added, removed

    def _usage(self, usage: dict[str, Any], key: str) -> None:
        model = _text(usage.get("model"))
        if model is None:
            return  # ccusage too leaves out a count without its model
        self.model = self.model or model
        given, output = token_count(usage.get("inputTokens")), token_count(usage.get("outputTokens"))
        created = token_count(usage.get("cacheCreationInputTokens"))
        read = token_count(usage.get("cacheReadInputTokens"))
        output += max(0, token_count(usage.get("totalTokens")) - (given + output + created + read))
        if given + output + created + read == 0:
            return
        self.batch.usage[(key, "")] = TokenUsageRecord(
            message_id=key,
            request_id="",
            session_id=self.sid,
            model=model,
            ts=self.ts,
            input_tokens=given,
            output_tokens=output,
            cache_creation_tokens=created,
            cache_read_tokens=read,
        )

    def _ledger_event(self, event: dict[str, Any], number: int) -> None:
        """One billed operation of the thread's ledger: input and output from it, the cache counts of
        the message it ends at."""
        model = _text(event.get("model"))
        tokens = event.get("tokens")
        when = _text(event.get("timestamp"))
        if model is None or not isinstance(tokens, dict) or when is None:
            return
        ended = self.by_id.get(event["toMessageId"]) if isinstance(event.get("toMessageId"), int) else None
        usage = ended.get("usage") if isinstance(ended, dict) else None
        usage = usage if isinstance(usage, dict) else {}
        given, output = token_count(tokens.get("input")), token_count(tokens.get("output"))
        created = token_count(usage.get("cacheCreationInputTokens"))
        read = token_count(usage.get("cacheReadInputTokens"))
        output += max(0, token_count(tokens.get("total")) - (given + output + created + read))
        if given + output + created + read == 0:
            return
        key = f"{self.sid}:ledger:{_text(event.get('id')) or number}"
        self.model = self.model or model
        self.batch.usage[(key, "")] = TokenUsageRecord(
            message_id=key,
            request_id="",
            session_id=self.sid,
            model=model,
            ts=normalize_timestamp(when),
            input_tokens=given,
            output_tokens=output,
            cache_creation_tokens=created,
            cache_read_tokens=read,
        )


def _result_text(result: Any) -> str:
    """A result's text: a string (a subagent's answer), a command's `output`, text parts (`content`),
    an edit's `summary`."""
    if isinstance(result, str):
        return result
    if not isinstance(result, dict):
        return ""
    if isinstance(result.get("output"), str):
        return str(result["output"])
    if isinstance(result.get("content"), list | str):
        return parts_text(result["content"])
    return _text(result.get("summary")) or ""


def _cwd(env: Any) -> str | None:
    """The thread's folder: its first workspace tree's `file://` URI, as a path."""
    initial = env.get("initial") if isinstance(env, dict) else None
    trees = initial.get("trees") if isinstance(initial, dict) else None
    for tree in trees if isinstance(trees, list) else []:
        uri = tree.get("uri") if isinstance(tree, dict) else None
        if isinstance(uri, str) and uri.startswith("file://"):
            return unquote(urlsplit(uri).path) or None
    return None
