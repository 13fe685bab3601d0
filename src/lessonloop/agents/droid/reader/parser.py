"""Factory Droid sessions -> normalized records. A session (its JSONL and the settings file beside
it) is a unit read whole.

What each record becomes:
- session_start: the session (id, title, cwd).
- message, role user: text blocks -> a "prompt", but for a message marked `visibility: llm_only`
  (the environment Droid adds before the prompt: "instructions"); tool_result blocks -> the
  results of their calls. A message marked `visibility: user_only` is a hook's run, shown to the
  person only: not stored, but a PreToolUse hook that denied a call makes that call's result a
  refusal.
- message, role assistant: text blocks -> "assistant"; tool_use blocks -> tool calls; `modelId`
  the session's model.
- other types (agent_turn_outcome, ...): the CLI's bookkeeping, not stored; types not known are
  counted notices.
Tokens: the JSONL has none. `<id>.settings.json` holds the session's totals (`tokenUsage`:
inputTokens without cached input, cacheReadTokens, cacheCreationTokens, outputTokens,
thinkingTokens): one token row for the whole session, keyed (session id, "session").
A shell call's exit code is in its result's text: `[Process exited with code N]` at its end (a
failure also opens with `Error: Command failed (exit code: N)`); both are left out of the text
stored.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import Any

from lessonloop.agents.droid.reader import AGENT
from lessonloop.agents.droid.reader.paths import settings_of
from lessonloop.agents.droid.reader.tools import kind_of
from lessonloop.capture.adapters import Unit
from lessonloop.capture.file_units import file_units
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

KNOWN_TYPES = frozenset({"session_start", "message", "agent_turn_outcome", "session_end", "compaction_summary"})
PER_LINE = 1000  # a record's blocks take seq lineno * PER_LINE + their position
SETTINGS_BYTES = 4_000_000
_EXITED = re.compile(r"\n*\[Process exited with code (-?\d+)\]\s*$")
_FAILED = re.compile(r"^Error: Command failed \(exit code: (-?\d+)\)\n?")


def units(paths: list[str], problems: list[Problem]) -> list[Unit]:
    """One unit per session: its stamp is the JSONL's and the settings file's together."""
    return file_units(paths, problems, read_session, settings_of)


def read_session(path: str) -> Batch:
    """Every record of one session; bad input becomes Problems, never an exception."""
    batch = Batch()
    try:
        with open(path, "rb") as handle:
            lines = handle.read().split(b"\n")
    except OSError as exc:
        batch.problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return batch
    reader = _SessionReader(path, batch)
    for lineno, record in json_objects(lines, 1, path, batch.problems):
        batch.records += 1
        try:
            reader.record(record, lineno)
        except Exception as exc:  # a record of shapes not foreseen: reported, the rest read
            batch.problems.append(not_understood(path, lineno, record, exc))
    reader.finish()
    return batch


class _SessionReader:
    def __init__(self, path: str, batch: Batch) -> None:
        self.path = path
        self.batch = batch
        name = os.path.basename(path)
        self.session = SessionRecord(
            id=name[: -len(".jsonl")] if name.endswith(".jsonl") else name, agent=AGENT, kind="main"
        )
        self.denied: dict[str, str] = {}  # call id -> the reason a PreToolUse hook denied it
        self.unknown = UnknownTypes()
        self._redact = BatchRedactor(batch)

    def record(self, record: dict[str, Any], lineno: int) -> None:
        kind = record.get("type")
        if not isinstance(kind, str) or kind not in KNOWN_TYPES:
            self.unknown.saw(kind, lineno)
            return
        if kind == "session_start":
            self._start(record)
        elif kind == "message":
            self._message(record, lineno)

    def _start(self, record: dict[str, Any]) -> None:
        session = self.session
        session.id = _text(record.get("id")) or session.id
        session.title = self._redact(_text(record.get("title")) or "", 500) or None
        cwd = _text(record.get("cwd"))
        if cwd is not None:
            session.cwd, session.project = cwd, project_for_cwd(cwd)

    def _message(self, record: dict[str, Any], lineno: int) -> None:
        message = record.get("message")
        if not isinstance(message, dict):
            return
        ts = normalize_timestamp(record.get("timestamp"))
        if ts is not None:
            self.session.started_at = self.session.started_at or ts
            self.session.ended_at = max(self.session.ended_at or ts, ts)
        uuid = _text(record.get("id")) or f"{self.session.id}:{lineno}"
        parent = _text(record.get("parentId"))
        content = message.get("content")
        blocks = content if isinstance(content, list) else []
        seq = lineno * PER_LINE
        visibility = message.get("visibility")
        if visibility == "user_only":
            self._hook_run(message)
            return
        if message.get("role") == "assistant":
            model = _text(message.get("modelId"))
            self.session.model = self.session.model or model
            self._texts(blocks, uuid, parent, seq, ts, "assistant", "assistant")
            for position, block in enumerate(blocks, 1):
                if isinstance(block, dict) and block.get("type") == "tool_use":
                    self._call(block, uuid, seq + position, ts)
            return
        self._texts(blocks, uuid, parent, seq, ts, "user", "instructions" if visibility == "llm_only" else "prompt")
        for position, block in enumerate(blocks, 1):
            if isinstance(block, dict) and block.get("type") == "tool_result":
                self._result(block, seq + position, ts)

    def _hook_run(self, message: dict[str, Any]) -> None:
        """A hook's run: note a PreToolUse deny of the call it names."""
        if message.get("hookEventName") != "PreToolUse":
            return
        call_id = _text(message.get("hookToolCallId"))
        results = message.get("hookResults")
        if call_id is None or not isinstance(results, list):
            return
        for result in results:
            stdout = result.get("stdout") if isinstance(result, dict) else None
            if not isinstance(stdout, str) or "deny" not in stdout:
                continue
            try:
                said = json_codec.loads(stdout)
            except json_codec.JSONDecodeError:
                continue
            output = said.get("hookSpecificOutput") if isinstance(said, dict) else None
            if isinstance(output, dict) and output.get("permissionDecision") == "deny":
                self.denied[call_id] = str(output.get("permissionDecisionReason") or "denied by a hook")

    def _texts(
        self, blocks: list[Any], uuid: str, parent: str | None, seq: int, ts: str | None, role: str, kind: str
    ) -> None:
        texts = [
            b["text"]
            for b in blocks
            if isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
        ]
        text = "\n".join(texts)
        if text.strip():
            body = self._redact(text, MESSAGE_TEXT_CHARS)
            self.batch.messages.append(MessageRecord(self.session.id, uuid, parent, seq, ts, role, kind, body))

    def _call(self, block: dict[str, Any], uuid: str, seq: int, ts: str | None) -> None:
        name = _text(block.get("name")) or "?"
        call_id = _text(block.get("id")) or f"{uuid}:{seq % PER_LINE}"
        args = block.get("input")
        command = None
        cleaned, input_json = tool_input(args, self.batch)
        kind = kind_of(name)
        if kind == "shell" and isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
            command = cleaned["command"]
        path = None
        if isinstance(args, dict):
            path = next(
                (
                    args[key]
                    for key in ("file_path", "path", "directory_path")
                    if isinstance(args.get(key), str) and args[key]
                ),
                None,
            )
        self.batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=self.session.id,
                message_uuid=uuid,
                seq=seq,
                ts=ts,
                tool=name,
                input_json=input_json,
                target_path=path,
                command=command,
                cwd=self.session.cwd,
                kind=kind,
            )
        )

    def _result(self, block: dict[str, Any], seq: int, ts: str | None) -> None:
        call_id = _text(block.get("tool_use_id"))
        if call_id is None:
            return
        content = block.get("content")
        if isinstance(content, list):
            content = "\n".join(
                part["text"] for part in content if isinstance(part, dict) and isinstance(part.get("text"), str)
            )
        text = content if isinstance(content, str) else ""
        exit_code: int | None = None
        if (found := _EXITED.search(text)) is not None:
            exit_code = int(found.group(1))
            text = text[: found.start()]
        if (opening := _FAILED.match(text)) is not None:
            exit_code = int(opening.group(1)) if exit_code is None else exit_code
            text = text[opening.end() :]
        failed = block.get("is_error") is True or exit_code not in (None, 0)
        if call_id in self.denied:
            result = ToolResultRecord(call_id, seq, ts, ok=False, status="rejected")
            result.error_text = self._redact(self.denied[call_id], ERROR_TEXT_CHARS, "output")
        elif failed:
            result = ToolResultRecord(call_id, seq, ts, ok=False, status="error", exit_code=exit_code)
            result.error_text = self._redact(text.strip("\n") or "error", ERROR_TEXT_CHARS, "output")
        else:
            result = ToolResultRecord(call_id, seq, ts, ok=True, status="ok", exit_code=exit_code)
            if text.strip():
                result.result_text = self._redact(text.strip("\n"), RESULT_EXCERPT_CHARS, "output")
        self.batch.tool_results.append(result)

    def finish(self) -> None:
        """The session and its token totals (from the settings file), once its records are read."""
        batch = self.batch
        settings = _settings(settings_of(self.path), batch.problems)
        totals = settings.get("tokenUsage")
        if isinstance(totals, dict) and any(token_count(v) for v in totals.values()):
            thinking = token_count(totals.get("thinkingTokens"))
            batch.usage[(self.session.id, "session")] = TokenUsageRecord(
                message_id=self.session.id,
                request_id="session",
                session_id=self.session.id,
                model=self.session.model or _text(settings.get("model")) or "unknown",
                ts=self.session.ended_at,
                input_tokens=token_count(totals.get("inputTokens")),
                output_tokens=token_count(totals.get("outputTokens")),
                cache_creation_tokens=token_count(totals.get("cacheCreationTokens")),
                cache_read_tokens=token_count(totals.get("cacheReadTokens")),
                reasoning_tokens=min(thinking, token_count(totals.get("outputTokens"))),
            )
        if self.session.model is not None and self.session.model.startswith("custom:"):
            self.session.model = _custom_model(self.path, self.session.model)
            for key, usage in batch.usage.items():
                batch.usage[key] = replace(usage, model=self.session.model)
        if batch.messages or batch.tool_calls or batch.usage or self.session.cwd:
            batch.sessions[self.session.id] = self.session
        batch.problems.extend(self.unknown.notices(self.path))


def _settings(path: str, problems: list[Problem]) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            data = json_codec.loads(handle.read(SETTINGS_BYTES))
    except FileNotFoundError:
        return {}
    except OSError as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return {}
    except json_codec.JSONDecodeError:
        problems.append(Problem(path, None, "invalid-json", "the session's settings are not JSON: its tokens not read"))
        return {}
    return data if isinstance(data, dict) else {}


_CUSTOM_INDEX = re.compile(r"-(\d+)$")


def _custom_model(path: str, model: str) -> str:
    """The model a custom model id (`custom:<display name>-<index>`) names: `customModels[index].model`
    of ~/.factory/settings.json (the folder two above the session's), else the id as it is."""
    found = _CUSTOM_INDEX.search(model)
    factory = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(path))))
    settings = _settings(os.path.join(factory, "settings.json"), [])
    custom = settings.get("customModels")
    if found is None or not isinstance(custom, list):
        return model
    index = int(found.group(1))
    entry = next((m for m in custom if isinstance(m, dict) and m.get("index") == index), None)
    if entry is None and index < len(custom):
        entry = custom[index]
    named = entry.get("model") if isinstance(entry, dict) else None
    return named if isinstance(named, str) and named else model
