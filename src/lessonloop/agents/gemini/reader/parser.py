"""Gemini CLI chats -> normalized records. Each chat file is a unit read whole (capture/adapters.py).

What each message becomes:
- user: the person's text (displayContent when present: content may hold the text of files an
  @-reference pulled in) -> a "prompt"; a slash command -> "command"; a user turn holding only
  function responses (history synced back from the model's context) -> nothing.
- gemini: its text parts (thought parts are not text) -> "assistant"; toolCalls[] -> tool calls
  with their results; tokens -> one usage row keyed (message id, "").
- info, warning, error -> "system".
A message holding a field read with another JSON type than Gemini CLI writes (shapes.py) is a
problem of its chat and is skipped; so is one that is not an object.
Tokens: Gemini's `input` (promptTokenCount) includes `cached`, and `tool`
(toolUsePromptTokenCount) is input the API counts apart (total = input + output + thoughts + tool),
so input_tokens = input - cached + tool, cache_read_tokens = cached, output_tokens = output +
thoughts, reasoning_tokens = thoughts.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

from lessonloop.agents.gemini.reader import AGENT, shapes
from lessonloop.agents.gemini.reader.conversation import Conversation, load_document, load_jsonl
from lessonloop.agents.gemini.reader.diffs import DIFF_TOOLS, applied_diff
from lessonloop.agents.gemini.reader.paths import CHAT, ProjectRoots, chat_location, superseded
from lessonloop.agents.gemini.reader.tools import SHELL_TOOL, kind_of
from lessonloop.capture.adapters import Unit
from lessonloop.capture.field_types import wrong_field
from lessonloop.capture.parsing import ERROR_TEXT_CHARS, MESSAGE_TEXT_CHARS, RESULT_EXCERPT_CHARS, clipped, token_count
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
from lessonloop.secrets.redaction import Scope, redact, redact_tool_input, redact_value

UNKNOWN_MODEL = "unknown"  # tokens of a message that names no model

_SYSTEM_TYPES = frozenset({"info", "warning", "error"})
_SLASH_COMMAND = re.compile(r"^/[A-Za-z][\w:.-]*(?:\s|$)")
_EXIT_CODE = re.compile(r"^Exit Code: (-?\d+)\s*$", re.MULTILINE)
# tools/shell.ts: a command killed by a signal has "Signal: SIGTERM" and no exit code; one the
# tool's own inactivity timeout or the person cancelled still "succeeds" with these openings.
# Older versions wrote every field, "(none)" when empty: "Error: (none)", "Exit Code: (none)",
# "Signal: (none)"; a command that could not start has "Error: <why>" and no exit code.
_SIGNAL = re.compile(r"^Signal: (?!\(none\))(\S+)\s*$", re.MULTILINE)
_SPAWN_ERROR = re.compile(r"^Error: (?!\(none\))\S.*$", re.MULTILINE)
_TIMED_OUT = "Command was automatically cancelled because it exceeded the timeout"
_CANCELLED = "Command was cancelled by user"
_REFERENCED_FILES = "\n--- Content from referenced files ---"
# 0.61: a chat opens with a user message of the CLI's own (`<session_context>...`); what hooks add
# for the model (SessionStart, BeforeAgent: lessonloop's own lessons among them) is stored in the
# person's prompt as `<hook_context>...</hook_context>` blocks: not the person's words.
_SESSION_CONTEXT = "<session_context>"
_HOOK_CONTEXT = re.compile(r"<hook_context>.*?</hook_context>\s*", re.DOTALL)
_REJECTED = "did not allow tool call"
_FINISHED = frozenset({"success", "error", "cancelled"})


def units(format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
    """One unit per chat file (a legacy .json copied into its .jsonl on resume is skipped)."""
    roots = ProjectRoots()
    found: list[Unit] = []
    for path in paths:
        if format == CHAT and superseded(path):
            continue
        try:
            info = os.stat(path)
        except OSError as exc:
            problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
            continue
        found.append(Unit(path, info.st_size, info.st_mtime_ns, functools.partial(read_chat, path, format, roots)))
    return found


def read_chat(path: str, format: str, roots: ProjectRoots | None = None) -> Batch:
    """Every record of one chat file; bad input becomes Problems, never an exception."""
    batch = Batch()
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        batch.problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return batch
    conversation = (
        load_document(path, data, batch.problems) if format == CHAT else load_jsonl(path, data, batch.problems)
    )
    if conversation is None:
        return batch
    _ChatReader(path, batch, roots or ProjectRoots()).read(conversation)
    batch.retracted = conversation.retracted
    return batch


class _ChatReader:
    def __init__(self, path: str, batch: Batch, roots: ProjectRoots) -> None:
        self.path = path
        self.batch = batch
        self.roots = roots
        self.seq = 0
        self.unknown_types: dict[str, int] = {}
        # A chat repeats texts (a result shown again as the call's display, an error in both
        # the message and the result): each (text, scope) is redacted once per file.
        self.redacted: dict[tuple[str, Scope], tuple[str, int]] = {}

    def read(self, conversation: Conversation) -> None:
        batch = self.batch
        batch.records += conversation.records
        session = self._session(conversation)
        if conversation.unknown_lines:
            batch.problems.append(
                Problem(
                    self.path,
                    conversation.first_unknown,
                    "unknown-record-type",
                    f"{conversation.unknown_lines} lines of no known record shape skipped",
                    "notice",
                )
            )
        first_ts = last_ts = None
        for index, message in enumerate(conversation.messages):
            try:
                ts = normalize_timestamp(message.get("timestamp"))
                first_ts = first_ts or ts
                last_ts = ts or last_ts
                self._message(session, message, index, ts)
            except Exception as exc:  # a malformed shape: report it, read the rest
                self.batch.problems.append(
                    Problem(
                        self.path,
                        None,
                        "malformed-record",
                        f"message {index + 1} not understood ({type(exc).__name__}: {exc})"[:300],
                    )
                )
        session.started_at = session.started_at or first_ts
        session.ended_at = session.ended_at or last_ts
        for kind, count in sorted(self.unknown_types.items()):
            batch.problems.append(
                Problem(
                    self.path,
                    None,
                    "unknown-record-type",
                    f"message type {kind!r} ({count} messages) skipped",
                    "notice",
                )
            )

    # ----------------------------------------------------------------- session

    def _session(self, conversation: Conversation) -> SessionRecord:
        meta = conversation.metadata
        session_id = _text(meta.get("sessionId")) or f"file:{self.path}"
        location = chat_location(self.path)
        parent = location[2] if location is not None else None
        root, folder = self.roots.root_of(self.path, _text(meta.get("projectHash")))
        if root is None:
            directories = meta.get("directories")
            if isinstance(directories, list) and directories and isinstance(directories[0], str):
                root = directories[0] or None  # a sub-agent's workspace folders, its root first
        kind = "subagent" if parent is not None or meta.get("kind") == "subagent" else "main"
        session = SessionRecord(
            id=session_id,
            agent=AGENT,
            kind=kind,
            parent_id=parent,
            cwd=root,
            project=project_for_cwd(root) if root else folder,
            started_at=normalize_timestamp(meta.get("startTime")),
            ended_at=normalize_timestamp(meta.get("lastUpdated")),
        )
        summary = _text(meta.get("summary"))
        if summary:
            session.title = self._redact(summary, 500)
        self.batch.sessions[session.id] = session
        return session

    # ----------------------------------------------------------------- messages

    def _message(self, session: SessionRecord, message: dict[str, Any], index: int, ts: str | None) -> None:
        kind = message.get("type")
        shape = shapes.MESSAGES.get(kind) if type(kind) is str else None
        wrong = wrong_field(message, shape) if shape is not None else None
        if wrong is not None:
            self.batch.problems.append(
                Problem(self.path, None, "malformed-record", f"message {index + 1} ({kind}): {wrong}; skipped")
            )
            return
        message_id = _text(message.get("id")) or f"message:{index + 1}"
        if kind == "gemini":
            self._gemini(session, message, message_id, ts)
        elif kind == "user":
            text = _user_text(message)
            if text is not None:
                if text.lstrip().startswith(_SESSION_CONTEXT):
                    text_kind = "instructions"  # Gemini CLI's own opening: the date, OS, folder tree
                else:
                    text_kind = "command" if _SLASH_COMMAND.match(text.lstrip()) else "prompt"
                self._add_message(session, message_id, ts, "user", text_kind, text)
        elif kind in _SYSTEM_TYPES:
            text = _parts_text(message.get("content"))
            self._add_message(session, message_id, ts, "system", "system", text or str(kind))
        else:
            label = kind if isinstance(kind, str) else repr(kind)[:60]
            self.unknown_types[label] = self.unknown_types.get(label, 0) + 1

    def _add_message(self, session: SessionRecord, uuid: str, ts: str | None, role: str, kind: str, text: str) -> None:
        self.seq += 1
        self.batch.messages.append(
            MessageRecord(
                session_id=session.id,
                uuid=uuid,
                parent_uuid=None,
                seq=self.seq,
                ts=ts,
                role=role,
                kind=kind,
                text=self._redact(text, MESSAGE_TEXT_CHARS),
            )
        )

    def _gemini(self, session: SessionRecord, message: dict[str, Any], message_id: str, ts: str | None) -> None:
        model = _text(message.get("model"))
        if model and session.model is None:
            session.model = model
        text = _parts_text(message.get("content"))
        if text and text.strip():
            self._add_message(session, message_id, ts, "assistant", "assistant", text)
        calls = message.get("toolCalls")
        if isinstance(calls, list):
            for position, call in enumerate(calls):
                if isinstance(call, dict):
                    self._tool_call(session, message_id, call, position, ts)
        tokens = message.get("tokens")
        if isinstance(tokens, dict):
            self._usage(session, message_id, model or UNKNOWN_MODEL, tokens, ts)

    def _usage(
        self, session: SessionRecord, message_id: str, model: str, tokens: dict[str, Any], ts: str | None
    ) -> None:
        prompt, cached = token_count(tokens.get("input")), token_count(tokens.get("cached"))
        thoughts = token_count(tokens.get("thoughts"))
        self.batch.usage[(message_id, "")] = TokenUsageRecord(
            message_id=message_id,
            request_id="",
            session_id=session.id,
            model=model,
            ts=ts,
            input_tokens=max(0, prompt - cached) + token_count(tokens.get("tool")),
            output_tokens=token_count(tokens.get("output")) + thoughts,
            cache_creation_tokens=0,
            cache_read_tokens=cached,
            reasoning_tokens=thoughts,
        )

    # ----------------------------------------------------------------- tool calls

    def _tool_call(
        self, session: SessionRecord, message_id: str, call: dict[str, Any], position: int, message_ts: str | None
    ) -> None:
        name = _text(call.get("name")) or "?"
        call_id = _text(call.get("id")) or f"{message_id}:{position}"
        args = call.get("args")
        ts = normalize_timestamp(call.get("timestamp")) or message_ts
        input_json = command = None
        cleaned: Any = None
        if args is not None:
            try:
                cleaned, count = redact_tool_input(args) if isinstance(args, dict) else redact_value(args, "prose")
                self.batch.redactions += count
                input_json = json_codec.dumps(cleaned)
            except (TypeError, RecursionError) as exc:
                self.batch.problems.append(
                    Problem(self.path, None, "malformed-record", f"args of {call_id} not stored ({exc})"[:300])
                )
                cleaned = None
        kind = kind_of(name)
        if kind == "shell" and isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
            command = cleaned["command"]
        paths = _paths(args)
        self.seq += 1
        self.batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=session.id,
                message_uuid=message_id,
                seq=self.seq,
                ts=ts,
                tool=name,
                input_json=input_json,
                target_path=paths[0] if paths else None,
                command=command,
                cwd=session.cwd,
                kind=kind,
                paths=tuple(paths) if len(paths) > 1 else (),
            )
        )
        status = call.get("status")
        if status in _FINISHED:
            self._tool_result(name, call_id, call, str(status), args, ts)

    def _tool_result(
        self, name: str, call_id: str, call: dict[str, Any], status: str, args: Any, ts: str | None
    ) -> None:
        output, error = _response_texts(call.get("result"))
        output = _unwrapped(output)
        display = call.get("resultDisplay")
        exit_code: int | None = None
        if name == SHELL_TOOL and status == "success":
            # The call succeeds whatever the command's exit; a non-zero exit is written "Exit Code: N".
            text = output or ""
            found = _EXIT_CODE.findall(text)
            if text.startswith(_TIMED_OUT):
                status = "error"
            elif text.startswith(_CANCELLED):
                status = "interrupted"
            elif found:
                exit_code = int(found[-1])
                status = "error" if exit_code != 0 else status
            elif _SIGNAL.search(text):
                status = "error"  # killed: no exit code
            elif _SPAWN_ERROR.search(text):
                status = "error"  # did not start: no exit code
            else:
                exit_code = 0
        if status == "cancelled":
            reason = error or output or (display if isinstance(display, str) else "") or ""
            status = "rejected" if _REJECTED in reason else "interrupted"
        result = ToolResultRecord(
            tool_use_id=call_id,
            seq=self.seq,
            ts=ts,
            ok=status == "success",
            status="ok" if status == "success" else status,
            exit_code=exit_code,
        )
        if result.ok:
            if output:
                result.result_text = self._redact(output, RESULT_EXCERPT_CHARS, "output")
            if name in DIFF_TOOLS:
                diff = applied_diff(name, args, display)
                if diff is not None:
                    result.diff = self._redact(diff[0], 10 * MESSAGE_TEXT_CHARS, "code")
                    result.lines_added, result.lines_removed = diff[1], diff[2]
        else:
            text = error or output or (display if isinstance(display, str) else None) or status
            result.error_text = self._redact(text, ERROR_TEXT_CHARS, "output")
        self.batch.tool_results.append(result)

    def _redact(self, text: str, limit: int, scope: Scope = "prose") -> str:
        text = clipped(text, limit)
        key = (text, scope)
        done = self.redacted.get(key)
        if done is None:
            done = self.redacted[key] = redact(text, scope)
        self.batch.redactions += done[1]
        return done[0]


# --------------------------------------------------------------------------- values


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _parts_text(content: Any) -> str | None:
    """The text of a PartListUnion (a string, a part, or a list of them), thoughts left out."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        content = [content]
    if not isinstance(content, list):
        return None
    texts = [
        part if isinstance(part, str) else part["text"]
        for part in content
        if isinstance(part, str)
        or (isinstance(part, dict) and isinstance(part.get("text"), str) and part.get("thought") is not True)
    ]
    return "".join(texts) if texts else None


def _user_text(message: dict[str, Any]) -> str | None:
    """What the person typed, or None for a user turn of function responses only."""
    content = message.get("content")
    if isinstance(content, list) and any(isinstance(p, dict) and "functionResponse" in p for p in content):
        return None
    shown = _parts_text(message.get("displayContent"))
    text = shown if shown is not None else _parts_text(content)
    if text is None:
        return None
    if shown is None and _REFERENCED_FILES in text:
        text = text.split(_REFERENCED_FILES, 1)[0]  # the files an @-reference pulled in
    if "<hook_context>" in text:
        text = _HOOK_CONTEXT.sub("", text)
    return text if text.strip() else None


_UNTRUSTED = re.compile(r"\s*<untrusted_context>\n?(.*?)\n?</untrusted_context>\s*", re.DOTALL)


def _unwrapped(output: str | None) -> str | None:
    """A tool's output as the tool wrote it: 0.61 wraps it in `<untrusted_context>` (a shell's
    opening with `Output: `), and an AfterTool hook's context follows it as `<hook_context>`."""
    if not output or "_context>" not in output:
        return output
    text = _HOOK_CONTEXT.sub("", output)
    found = _UNTRUSTED.fullmatch(text)
    if found is not None:
        text = found.group(1)
        text = text.removeprefix("Output: ")
    return text


def _response_texts(result: Any) -> tuple[str | None, str | None]:
    """(output, error) of a tool call's result parts (functionResponse.response.output / .error)."""
    if isinstance(result, str):
        return result, None
    if isinstance(result, dict):
        result = [result]
    if not isinstance(result, list):
        return None, None
    outputs: list[str] = []
    errors: list[str] = []
    for part in result:
        if not isinstance(part, dict):
            continue
        response = part.get("functionResponse")
        if isinstance(response, dict):
            body = response.get("response")
            if isinstance(body, dict):
                if isinstance(body.get("error"), str):
                    errors.append(body["error"])
                if isinstance(body.get("output"), str):
                    outputs.append(body["output"])
                elif "error" not in body and body:
                    outputs.append(json_codec.dumps(body))
            elif isinstance(body, str):
                outputs.append(body)
        elif isinstance(part.get("text"), str):
            outputs.append(part["text"])
    return ("\n".join(outputs) or None), ("\n".join(errors) or None)


def _paths(args: Any) -> list[str]:
    """The files a call names: file_path / absolute_path / dir_path / path, or read_many_files' paths."""
    if not isinstance(args, dict):
        return []
    for key in ("file_path", "absolute_path", "path", "dir_path"):
        value = args.get(key)
        if isinstance(value, str) and value:
            return [value]
    many = args.get("paths") or args.get("include")
    if isinstance(many, list):
        return [p for p in many if isinstance(p, str) and p]
    return []
