"""Copilot CLI events.jsonl lines -> normalized records.

A session file (`session-state/<id>/events.jsonl`) is JSONL, one event per line:
`{"type", "data", "id", "timestamp", "parentId"}`. What is read:

- `session.start` (`sessionId`, `copilotVersion`, `selectedModel`, `startTime`,
  `context{cwd, branch}`), `session.resume`, `session.model_change`, `session.context_changed`;
- `user.message`: `content` is what the person typed (a prompt); `transformedContent`, what the
  model got (the date, hooks' context), is not read; a message with a `source` (a skill's hidden
  injection, another agent's prompt) or an autopilot continuation is no prompt;
- `system.message` (the system prompt: instructions), `assistant.message` (`content`, `model`,
  `reasoningText`, `toolRequests`), `assistant.reasoning`, `session.error`, `abort`,
  `session.compaction_complete`;
- calls from `assistant.message.toolRequests` and `tool.execution_start` (one call per
  `toolCallId`), their outcomes from `tool.execution_complete`: a shell call whose
  `shellExecution.exitCode` (else the `<shellId: N completed with exit code K>` line of its
  result) is not 0 failed although `success` is true; `success: false` with `error.code`
  "denied" was refused (status rejected; by a hook: an error), any other an error;
- tokens from `session.usage_record`, one per model call, keyed by its `apiCallId`:
  `inputTokens` counts the cached input too, so input = inputTokens - cacheReadTokens.
  `session.shutdown`'s totals repeat them and are not read.

Other known types (agents/copilot/reader/event_types.py) are skipped; unknown ones are counted
notices. The file only grows: `state()` carries what a later read of the appended lines needs.
It never raises on bad input: a line it cannot read is a Problem with the file and line, and so
is an event holding a field it reads with another JSON type than Copilot writes (shapes.py),
which is skipped.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import reprlib
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from lessonloop.agents.copilot.reader import AGENT, shapes
from lessonloop.agents.copilot.reader.event_types import KNOWN, READ
from lessonloop.agents.copilot.reader.outputs import shell_exit
from lessonloop.agents.copilot.reader.tools import kind_of, shell_command_of
from lessonloop.capture.adapters import PendingCall
from lessonloop.capture.field_types import described, wrong_field
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    diff_strings,
    json_objects,
    redacted,
    token_count,
)
from lessonloop.capture.projects import project_for_cwd
from lessonloop.core import json_codec, records
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
from lessonloop.secrets.redaction import Scope, redact_tool_input, redact_value

UNKNOWN_MODEL = "unknown"  # tokens of a call whose model no event named
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_PATH_KEYS = ("path", "file_path", "filePath")
_PATCH_FILE = re.compile(r"^\*\*\* (?:Update|Add|Delete) File: (.+)$", re.M)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**31:
        return int(value)
    return None


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60


class CopilotParser:
    """Parses the lines of one Copilot CLI events.jsonl into Batches."""

    def __init__(
        self,
        path: str,
        *,
        pending_calls: dict[str, PendingCall] | None = None,
        state: dict[str, Any] | None = None,
        project_of: Callable[[str], str] = project_for_cwd,
    ) -> None:
        self.path = path
        self.pending_calls: dict[str, PendingCall] = dict(pending_calls or {})
        self._project_of = project_of
        folder = os.path.basename(os.path.dirname(os.path.abspath(path)))
        fallback = folder if _UUID.match(folder) else f"file:{path}"
        st = state if isinstance(state, dict) else {}
        self._sid: str = _text(st.get("sid")) or fallback
        self._started_seen: bool = st.get("start") is True
        self._cwd: str | None = _text(st.get("cwd"))  # the session's folder (its first)
        self._cwd_now: str | None = _text(st.get("cwd_now")) or self._cwd  # where calls run now
        self._branch: str | None = _text(st.get("branch"))
        self._version: str | None = _text(st.get("version"))
        self._first_model: str | None = _text(st.get("first_model"))
        self._model: str | None = _text(st.get("model"))
        self._started: str | None = _text(st.get("started"))
        self._ended: str | None = _text(st.get("ended"))
        self._unknown_types: dict[str, tuple[int, int]] = {}
        self._last_reasoning: str | None = None
        self._batch = Batch()

    # ----------------------------------------------------------------- entry points

    def state(self) -> dict[str, Any]:
        """What the next read of this file needs (ids, names, times; no free text)."""
        return {
            "sid": self._sid,
            "start": self._started_seen,
            "cwd": self._cwd,
            "cwd_now": self._cwd_now,
            "branch": self._branch,
            "version": self._version,
            "first_model": self._first_model,
            "model": self._model,
            "started": self._started,
            "ended": self._ended,
        }

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch:
        """Parse complete lines (without their newline); line numbers start at `first_lineno`."""
        batch = self._batch = Batch()
        for lineno, record in json_objects(lines, first_lineno, self.path, batch.problems):
            batch.records += 1
            try:
                self._record(record, lineno)
            except Exception as exc:  # malformed shapes: report, keep going
                kind = record.get("type")
                self._problem(
                    lineno,
                    "malformed-record",
                    f"{kind if isinstance(kind, str) else _REPR.repr(kind)} event not understood"
                    f" ({type(exc).__name__}: {exc})"[:300],
                )
        if batch.records and (
            batch.messages or batch.tool_calls or batch.usage or batch.tool_results or self._started_seen
        ):
            batch.sessions[self._sid] = self._session_record()
        if batch.tool_results:
            self._settle(batch)
        return batch

    def notices(self) -> list[Problem]:
        """Format drift seen so far: unknown event types, with first line and count."""
        return [
            Problem(self.path, first, "unknown-record-type", f"record type {kind!r} ({count} lines) skipped", "notice")
            for kind, (first, count) in sorted(self._unknown_types.items())
        ]

    # ----------------------------------------------------------------- helpers

    def _problem(self, lineno: int, code: str, detail: str) -> None:
        self._batch.problems.append(Problem(self.path, lineno, code, detail))

    def _redact(self, text: str | None, limit: int, scope: Scope = "prose") -> str | None:
        if text is None:
            return None
        cleaned, count = redacted(text, limit, scope)
        if count:
            self._batch.redactions += count
        return cleaned

    def _session_record(self) -> SessionRecord:
        return SessionRecord(
            id=self._sid,
            agent=AGENT,
            kind="main",
            project=self._project_of(self._cwd) if self._cwd else None,
            cwd=self._cwd,
            git_branch=self._branch,
            version=self._version,
            model=self._first_model,
            started_at=self._started,
            ended_at=self._ended,
        )

    def _message(
        self, lineno: int, ts: str | None, role: str, kind: str, text: str | None, scope: Scope = "prose"
    ) -> None:
        self._batch.messages.append(
            MessageRecord(
                session_id=self._sid,
                uuid=f"{self._sid}:{lineno}",
                parent_uuid=None,
                seq=lineno,
                ts=ts,
                role=role,
                kind=kind,
                text=self._redact(text, MESSAGE_TEXT_CHARS, scope),
            )
        )

    def _use_model(self, model: Any) -> None:
        name = _text(model)
        if name is not None:
            self._model = name
            if self._first_model is None:
                self._first_model = name

    def _use_context(self, context: Any) -> None:
        if not isinstance(context, dict):
            return
        cwd = _text(context.get("cwd"))
        if cwd is not None:
            self._cwd_now = cwd
            if self._cwd is None:
                self._cwd = cwd
        branch = _text(context.get("branch"))
        if branch is not None and self._branch is None:
            self._branch = branch

    # ----------------------------------------------------------------- dispatch

    def _record(self, record: dict[str, Any], lineno: int) -> None:
        kind = record.get("type")
        data = record.get("data")
        if type(kind) is str and kind in READ and data is not None and not isinstance(data, dict):
            self._problem(
                lineno, "malformed-record", f"{kind} event: data is {described(data)}, expected an object; skipped"
            )
            return
        shape = shapes.EVENTS.get(kind) if type(kind) is str and isinstance(data, dict) else None
        wrong = wrong_field(data, shape) if shape is not None and isinstance(data, dict) else None
        if wrong is not None:
            self._problem(lineno, "malformed-record", f"{kind} event: {wrong}; skipped")
            return
        if type(kind) is not str or kind not in KNOWN or not isinstance(data, dict):
            label = kind if isinstance(kind, str) else _REPR.repr(kind)
            first, count = self._unknown_types.get(label, (lineno, 0))
            self._unknown_types[label] = (first, count + 1)
            return
        ts = normalize_timestamp(record.get("timestamp"))
        if ts is not None and (self._ended is None or ts > self._ended):
            self._ended = ts
        handler = self._handlers.get(kind)
        if handler is not None:
            handler(self, data, ts, lineno)

    # ----------------------------------------------------------------- session

    def _on_start(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        sid = _text(data.get("sessionId"))
        if not self._started_seen and sid is not None:
            self._sid = sid
        self._started_seen = True
        self._version = _text(data.get("copilotVersion")) or self._version
        self._started = self._started or normalize_timestamp(data.get("startTime")) or ts
        self._use_model(data.get("selectedModel"))
        self._use_context(data.get("context"))

    def _on_resume(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        self._started_seen = True
        self._use_model(data.get("selectedModel"))
        self._use_context(data.get("context"))

    def _on_model_change(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        self._use_model(data.get("newModel"))

    def _on_context_changed(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        self._use_context(data)

    # ----------------------------------------------------------------- messages

    def _on_user(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        text = data.get("content")
        if not isinstance(text, str):
            return
        source = _text(data.get("source"))
        if source is not None and source.startswith("agent-"):
            self._message(lineno, ts, "user", "task_prompt", text)
        elif source is not None or data.get("isAutopilotContinuation") is True:
            self._message(lineno, ts, "user", "instructions", text)  # injected in the person's place
        else:
            self._message(lineno, ts, "user", "prompt", text)

    def _on_system(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        text = data.get("content")
        if isinstance(text, str) and text:
            self._message(lineno, ts, "system", "instructions", text)

    def _on_assistant(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        self._use_model(data.get("model"))
        reasoning = _text(data.get("reasoningText"))
        if reasoning is not None and reasoning.strip():
            self._reasoning(reasoning, ts, lineno)
        text = data.get("content")
        if isinstance(text, str) and text.strip():
            self._message(lineno, ts, "assistant", "assistant", text)
        requests = data.get("toolRequests")
        if isinstance(requests, list):
            for request in requests:
                if isinstance(request, dict):
                    self._call(request.get("toolCallId"), request.get("name"), request.get("arguments"), ts, lineno)

    def _on_reasoning(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        text = _text(data.get("content"))
        if text is not None and text.strip():
            self._reasoning(text, ts, lineno)

    def _reasoning(self, text: str, ts: str | None, lineno: int) -> None:
        if text == self._last_reasoning:
            return  # the same thinking as an assistant.reasoning event and the message's reasoningText
        self._last_reasoning = text
        self._message(lineno, ts, "assistant", "reasoning", text)

    def _on_error(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        message = _text(data.get("message"))
        self._message(lineno, ts, "system", "api_error", message or _text(data.get("errorType")) or "error")

    def _on_abort(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        reason = _text(data.get("reason")) or "interrupted"
        self._message(lineno, ts, "user", "interrupt", f"turn aborted ({reason})")
        for call_id in sorted(self.pending_calls):
            self._result(call_id, lineno, ts, "interrupted", None, "aborted", None)
        self.pending_calls.clear()

    def _on_compaction(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        if data.get("success") is not False:
            self._message(lineno, ts, "system", "system", "conversation compacted")

    # ----------------------------------------------------------------- tools

    def _on_tool_start(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        call_id = data.get("toolCallId")
        if isinstance(call_id, str) and call_id in self.pending_calls:
            return  # its assistant.message named it already
        self._call(call_id, data.get("toolName"), data.get("arguments"), ts, lineno)

    def _call(self, call_id: Any, name: Any, arguments: Any, ts: str | None, lineno: int) -> None:
        tool = _text(name) or "?"
        if not isinstance(call_id, str) or not call_id:
            self._problem(lineno, "malformed-record", f"{tool} call without a toolCallId")
            return
        if isinstance(arguments, str):  # a JSON text in some versions
            with contextlib.suppress(json_codec.JSONDecodeError):
                arguments = json_codec.loads(arguments)
        kind = kind_of(tool, arguments)
        command = shell_command_of(tool, arguments)
        target: str | None = None
        paths: tuple[str, ...] = ()
        if isinstance(arguments, dict):
            given = next((v for key in _PATH_KEYS if isinstance(v := arguments.get(key), str) and v), None)
            target = self._absolute(given)
        if tool == "apply_patch":
            patch = arguments.get("input") if isinstance(arguments, dict) else arguments
            if isinstance(patch, str):
                found = [self._absolute(p.strip()) or p.strip() for p in _PATCH_FILE.findall(patch)]
                target = found[0] if found else target
                paths = tuple(found) if len(found) > 1 else ()
        input_json = None
        cleaned: Any = None
        try:
            if isinstance(arguments, dict):
                cleaned, count = redact_tool_input(arguments)
            else:
                cleaned, count = redact_value(arguments, "prose")
            self._batch.redactions += count
            input_json = json_codec.dumps(cleaned) if cleaned is not None else None
        except (TypeError, RecursionError) as exc:
            self._problem(lineno, "malformed-record", f"tool input of {call_id} not stored ({exc})"[:300])
        if command is not None:
            # The input's command was redacted as a command line already: take it from there.
            command = shell_command_of(tool, cleaned) or self._redact(command, MESSAGE_TEXT_CHARS, "command")
        self._batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=self._sid,
                message_uuid=None,
                seq=lineno,
                ts=ts,
                tool=tool,
                input_json=input_json,
                target_path=target,
                command=command,
                cwd=self._cwd_now,
                kind=kind,
                paths=paths,
            )
        )
        self.pending_calls[call_id] = PendingCall(tool, cleaned if input_json else None)

    def _absolute(self, path: str | None) -> str | None:
        """A path the tool was given, made absolute from the folder the session works in."""
        if path is None or path.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", path):
            return path
        base = self._cwd_now
        if base is None or not base.startswith("/"):
            return path
        return posixpath.normpath(posixpath.join(base, path))

    def _on_tool_complete(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        call_id = data.get("toolCallId")
        if not isinstance(call_id, str) or not call_id:
            self._problem(lineno, "malformed-record", "tool.execution_complete without a toolCallId")
            return
        pending = self.pending_calls.pop(call_id, None)
        tool = pending.tool if pending is not None else "?"
        arguments = pending.input if pending is not None else None
        kind = kind_of(tool, arguments)
        if data.get("success") is False:
            error = data.get("error")
            code = error.get("code") if isinstance(error, dict) else None
            message = _text(error.get("message")) if isinstance(error, dict) else _text(error)
            # "denied": the person refused it, or a hook did ("Denied by preToolUse hook: REASON",
            # an error of class STOPPED: no rejection of the person's)
            hook = (message or "").startswith("Denied by preToolUse hook")
            status = "rejected" if code == "denied" and not hook else "error"
            self._result(call_id, lineno, ts, status, None, message or "failed", None)
            return
        result = data.get("result")
        text = _text(result.get("content")) if isinstance(result, dict) else None
        shell = data.get("shellExecution")
        exit_code = _int(shell.get("exitCode")) if isinstance(shell, dict) else None
        if exit_code is None and kind == records.SHELL and text is not None:
            exit_code = shell_exit(text)[0]  # agents/copilot/reader/outputs.py, the hook's reading too
        if exit_code is not None and exit_code != 0:
            self._result(call_id, lineno, ts, "error", exit_code, text or f"exit code {exit_code}", None)
            return
        diff = None
        if kind in (records.EDIT, records.WRITE):
            detailed = result.get("detailedContent") if isinstance(result, dict) else None
            diff = _hunks(detailed) or _diff_of_arguments(tool, arguments)
        self._result(call_id, lineno, ts, "ok", exit_code, text, diff)

    def _result(
        self,
        call_id: str,
        lineno: int,
        ts: str | None,
        status: str,
        exit_code: int | None,
        text: str | None,
        diff: tuple[str, int, int] | None,
    ) -> None:
        ok = status == "ok"
        result = ToolResultRecord(tool_use_id=call_id, seq=lineno, ts=ts, ok=ok, status=status, exit_code=exit_code)
        # Texts are cut and redacted once per batch, for the last result of each call (see _settle).
        if ok:
            result.result_text = text
            if diff is not None:
                result.diff = diff[0]
                result.lines_added, result.lines_removed = diff[1], diff[2]
        else:
            result.error_text = text
        self._batch.tool_results.append(result)

    def _settle(self, batch: Batch) -> None:
        """Keep the last result of each call and redact only its texts."""
        last: dict[str, ToolResultRecord] = {}
        for result in batch.tool_results:
            last.pop(result.tool_use_id, None)
            last[result.tool_use_id] = result
        for result in last.values():
            result.result_text = self._redact(result.result_text, RESULT_EXCERPT_CHARS, "output")
            result.diff = self._redact(result.diff, 10 * MESSAGE_TEXT_CHARS, "code")
            result.error_text = self._redact(result.error_text, ERROR_TEXT_CHARS, "output")
        batch.tool_results = list(last.values())

    # ----------------------------------------------------------------- tokens

    def _on_usage(self, data: dict[str, Any], ts: str | None, lineno: int) -> None:
        usage = data.get("usage")
        if not isinstance(usage, dict):
            self._problem(lineno, "malformed-record", "session.usage_record without usage")
            return
        call = _text(usage.get("apiCallId"))
        key = (f"copilot:{self._sid}", call or f"line:{lineno}")
        total_input = token_count(usage.get("inputTokens"))
        cached = token_count(usage.get("cacheReadTokens"))
        self._batch.usage[key] = TokenUsageRecord(
            message_id=key[0],
            request_id=key[1],
            session_id=self._sid,
            model=_text(usage.get("model")) or self._model or UNKNOWN_MODEL,
            ts=ts,
            input_tokens=max(0, total_input - cached),
            output_tokens=token_count(usage.get("outputTokens")),
            cache_creation_tokens=token_count(usage.get("cacheWriteTokens")),
            cache_read_tokens=cached,
            reasoning_tokens=token_count(usage.get("reasoningTokens")),
        )

    _handlers: ClassVar[dict[str, Callable[[CopilotParser, dict[str, Any], str | None, int], None]]] = {
        "session.start": _on_start,
        "session.resume": _on_resume,
        "session.model_change": _on_model_change,
        "session.context_changed": _on_context_changed,
        "user.message": _on_user,
        "system.message": _on_system,
        "assistant.message": _on_assistant,
        "assistant.reasoning": _on_reasoning,
        "session.error": _on_error,
        "abort": _on_abort,
        "session.compaction_complete": _on_compaction,
        "tool.execution_start": _on_tool_start,
        "tool.execution_complete": _on_tool_complete,
        "session.usage_record": _on_usage,
    }


def _hunks(detailed: Any) -> tuple[str, int, int] | None:
    """The hunks of the diff Copilot shows for an edit (`result.detailedContent`: git headers,
    then `@@` hunks), with the lines added and removed; None when it holds no hunk."""
    if not isinstance(detailed, str) or "@@" not in detailed:
        return None
    lines = detailed.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith("@@")), None)
    if start is None:
        return None
    body = lines[start:]
    while body and not body[-1].strip():
        body.pop()  # the blank line Copilot ends it with
    added = sum(1 for line in body if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in body if line.startswith("-") and not line.startswith("---"))
    return "\n".join(body), added, removed


def _diff_of_arguments(tool: str, arguments: Any) -> tuple[str, int, int] | None:
    """The diff an edit or create call's arguments describe (old_str -> new_str, file_text)."""
    if not isinstance(arguments, dict):
        return None
    old, new = arguments.get("old_str"), arguments.get("new_str")
    if isinstance(old, str) and isinstance(new, str):
        return diff_strings(old, new)
    text = arguments.get("file_text")
    if isinstance(text, str):
        return diff_strings("", text)
    return None


def open_parser(
    path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None = None
) -> CopilotParser:
    """The parser of one Copilot CLI events.jsonl (capture/adapters.py), resuming from `state`
    when the file is read again from where the last read stopped."""
    return CopilotParser(path, pending_calls=pending_calls, state=state)
