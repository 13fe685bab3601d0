"""An Antigravity brain transcript -> normalized records, chunk after chunk (agy appends a step a
line; a long conversation goes on in the next chunk file).

One line a step of the conversation: `{"step_index", "source": "USER_EXPLICIT" | "MODEL" | ...,
"type", "status", "created_at" (ISO, whole seconds), "content"?, "thinking"?, "tool_calls"?:
[{"name", "args"}]}` (agy 1.2.0). What is read, by type:
- `USER_INPUT`: the person's prompt, the text inside `<USER_REQUEST>...</USER_REQUEST>` (the
  `<ADDITIONAL_METADATA>` and `<USER_SETTINGS_CHANGE>` blocks around it are agy's, not stored); the
  model is the one a settings change names ("changed setting `Model Selection` from X to Y"). A
  sub-agent's input (its conversation named in another's `subagents/<child>.json`) is its parent's
  task: "task_prompt".
- `PLANNER_RESPONSE`: the assistant's `content` (its `thinking` is not stored) and its
  `tool_calls`. Calls carry no id: a call is `<conversation>:<step_index>:<position>`. In
  `transcript.jsonl` (not `_full`) every argument is JSON-encoded again: decoded.
- the steps that follow a planner step (GENERIC in agy 1.2.0, or a kind step) are the results of
  its calls, one step each, numbered right after it (a step number skipped leaves its call with
  no result: the next step's result is not its): "The command exited with code N." gives the exit code (a failure when N is
  not 0); status ERROR is a failure, CANCELED an interruption; a step still RUNNING (or pending,
  generating, waiting, queued) has no result yet. A call whose step is missing (agy leaves an
  ERROR step out of the transcript) gets none: the next planner or user step ends the calls.
- `SYSTEM_MESSAGE`, `EPHEMERAL_MESSAGE`, `CONVERSATION_HISTORY`: kind "system"; `ERROR_MESSAGE`:
  kind "api_error". Other types are counted notices.
The transcripts hold no tokens (the conversation database does: usage.py reads them, under the same session).

The conversation is the brain folder's name (`brain/<uuid>/.system_generated/logs/...`); away from
its place, the file's path. Its folder is the `Cwd` of its first shell call (the transcript names
no workspace). What a later read needs (the calls still waiting for their results, the model, the
folder) is `state()`; the first read of a chunk after the first takes it from the chunk before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lessonloop.agents.antigravity.reader import AGENT, paths, shapes
from lessonloop.agents.antigravity.reader.tools import PATH_ARGS, kind_of
from lessonloop.capture.adapters import PendingCall
from lessonloop.capture.field_types import Shape, wrong_field
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
    UnknownTypes,
    json_objects,
    not_understood,
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
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.core.timestamps import normalize_timestamp

PER_STEP = 100  # records of one step: its seq is step_index * PER_STEP + the record's index
CARRY_BYTES = 64_000_000  # the chunk before read for the calls it left open, at most
USER = "USER_INPUT"
PLANNER = "PLANNER_RESPONSE"
MESSAGES = {
    "SYSTEM_MESSAGE": "system",
    "EPHEMERAL_MESSAGE": "system",
    "CONVERSATION_HISTORY": "system",
    "ERROR_MESSAGE": "api_error",
}
# Steps that execute a call (agy 1.2.0 runs every model tool call as GENERIC; the kind steps are
# the ACP harness's and older versions').
TOOL_STEPS = frozenset({"GENERIC", "RUN_COMMAND", "FIND", "AGENCY_TOOL_CALL", "VIEW_FILE", "LIST_DIRECTORY",
                        "GREP_SEARCH", "CODE_ACTION", "WRITE_TO_FILE", "READ_URL_CONTENT", "SEARCH_WEB"})  # fmt: skip
IN_FLIGHT = frozenset({"PENDING", "RUNNING", "GENERATING", "WAITING", "QUEUED"})
_REQUEST = re.compile(r"<USER_REQUEST>\n?(.*?)\n?</USER_REQUEST>", re.DOTALL)
_BLOCKS = re.compile(r"<(ADDITIONAL_METADATA|USER_SETTINGS_CHANGE)>.*?</\1>\s*", re.DOTALL)
_MODEL = re.compile(r"changed setting `Model Selection` from .*? to (.+?)\.(?:\s|$)")
_EXIT = re.compile(r"^The command exited with code (-?\d+)\.?\s*$", re.MULTILINE)
_HEADER = re.compile(r"\A(?:(?:Created|Completed) At: [^\n]*\n)+\n?")


class TranscriptParser:
    """Parses the lines of one brain transcript file into Batches; what a later read needs is `state()`."""

    def __init__(
        self,
        path: str,
        *,
        pending_calls: dict[str, PendingCall] | None = None,
        state: dict[str, Any] | None = None,
        carry: bool = True,
    ) -> None:
        self.path = path
        self.pending: dict[str, PendingCall] = dict(pending_calls or {})
        found = paths.place(path)
        self._plain: bool | None = None if found is None else found[2] == paths.PLAIN
        self._parent = paths.parent_of(path) if found is not None else None
        self._spawned = paths.spawned(path) if found is not None else {}
        if state is None and carry:
            state = _carried(path)
        self._load(state if isinstance(state, dict) else {})
        self._unknown = UnknownTypes()
        self._batch = Batch()
        self._redact = BatchRedactor(self._batch)

    # ------------------------------------------------------------------ state

    def _load(self, st: dict[str, Any]) -> None:
        self._sid = _text(st.get("session")) or paths.conversation_id(self.path) or f"file:{self.path}"
        self._model = _text(st.get("model"))
        self._cwd = _text(st.get("cwd"))
        self._started = _text(st.get("started"))
        self._ended = _text(st.get("ended"))
        open_calls = st.get("open")
        self._open: list[str] = [c for c in open_calls if isinstance(c, str)] if isinstance(open_calls, list) else []
        expected = st.get("next")
        self._next = expected if type(expected) is int else None  # the step the next result must be

    def state(self) -> dict[str, Any]:
        return {
            "session": self._sid,
            "model": self._model,
            "cwd": self._cwd,
            "started": self._started,
            "ended": self._ended,
            "open": list(self._open),
            "next": self._next,
        }

    def notices(self) -> list[Problem]:
        return self._unknown.notices(self.path)

    # ------------------------------------------------------------------ reading

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch:
        batch = self._batch = Batch()
        self._redact = BatchRedactor(batch)
        for lineno, record in json_objects(lines, first_lineno, self.path, batch.problems):
            batch.records += 1
            try:
                self._step(record, lineno)
            except Exception as exc:  # a record of shapes not foreseen: reported, the rest read
                batch.problems.append(not_understood(self.path, lineno, record, exc))
        if batch.messages or batch.tool_calls or batch.tool_results:
            batch.sessions[self._sid] = self._session()
        return batch

    def _wrong(self, record: dict[str, Any], shape: Shape, what: str, lineno: int) -> bool:
        wrong = wrong_field(record, shape)
        if wrong is not None:
            self._batch.problems.append(Problem(self.path, lineno, "malformed-record", f"{what}: {wrong}; skipped"))
        return wrong is not None

    def _step(self, record: dict[str, Any], lineno: int) -> None:
        if self._wrong(record, shapes.STEP, "step", lineno):
            return
        index = record.get("step_index")
        kind = record.get("type")
        if type(index) is not int or not isinstance(kind, str):
            self._unknown.saw("(no step)", lineno)
            return
        calls = record.get("tool_calls") or []
        for call in calls:
            if not isinstance(call, dict) or self._wrong(call, shapes.CALL, "tool call", lineno):
                return
        ts = normalize_timestamp(record.get("created_at"))
        status = _text(record.get("status"))
        raw = record.get("content")
        content: str = raw if isinstance(raw, str) else ""
        if kind == USER:
            self._open.clear()
            self._user(index, ts, content, record.get("source"))
        elif kind == PLANNER:
            self._open.clear()
            if content.strip():
                self._message(f"{index}", index * PER_STEP, ts, "assistant", "assistant", content)
            for position, call in enumerate(calls):
                self._call(call, index, position, ts)
            self._next = index + 1
        elif kind in MESSAGES:
            if content.strip():
                self._message(f"{index}", index * PER_STEP, ts, "system", MESSAGES[kind], content)
        elif kind in TOOL_STEPS:
            self._pair(index, ts, status, content)
        else:
            self._unknown.saw(kind, lineno)
            return
        if ts is not None:
            self._started = min(self._started or ts, ts)
            self._ended = max(self._ended or ts, ts)

    def _pair(self, index: int, ts: str | None, status: str | None, content: str) -> None:
        """A tool step's result, for the open call it follows: the results of a response's calls are
        the steps right after it, one each. A step number skipped (agy leaves a failed call's ERROR
        step out of the transcript, or a line is lost) leaves its call without a result rather than
        giving it the next call's."""
        while self._open and self._next is not None and index > self._next:
            self._open.pop(0)
            self._next += 1
        if self._open and (self._next is None or index == self._next):
            self._result(self._open.pop(0), index, ts, status, content)
            self._next = index + 1

    # ------------------------------------------------------------------ messages

    def _user(self, index: int, ts: str | None, content: str, source: Any) -> None:
        model = _MODEL.search(content)
        if model is not None:
            self._model = model.group(1).strip()
        requests = [found.group(1) for found in _REQUEST.finditer(content)]
        text = "\n\n".join(requests) if requests else _BLOCKS.sub("", content)
        if not text.strip():
            return
        kind = "task_prompt" if self._parent is not None else "prompt"
        self._message(f"{index}", index * PER_STEP, ts, "user", kind, text.strip("\n"))

    def _message(self, key: str, seq: int, ts: str | None, role: str, kind: str, text: str) -> None:
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self._batch.messages.append(MessageRecord(self._sid, f"{self._sid}:{key}", None, seq, ts, role, kind, body))

    # ------------------------------------------------------------------ tool calls

    def _call(self, call: dict[str, Any], index: int, position: int, ts: str | None) -> None:
        name = _text(call.get("name")) or "?"
        args = call.get("args")
        if isinstance(args, dict) and self._encoded(args):
            args = {key: json_codec.loads(value) for key, value in args.items()}
        cleaned, input_json = tool_input(args, self._batch)
        kind = kind_of(name)
        command = None
        cwd = None
        if isinstance(args, dict):
            cwd = _text(args.get("Cwd"))
            if kind == SHELL and isinstance(cleaned, dict):
                command = _text(cleaned.get("CommandLine")) or _text(cleaned.get("Command"))
        if cwd is not None and self._cwd is None:
            self._cwd = cwd
        path = None
        if isinstance(args, dict):
            path = next((args[k] for k in PATH_ARGS if isinstance(args.get(k), str) and args[k]), None)
        call_id = f"{self._sid}:{index}:{position}"
        self._batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=self._sid,
                message_uuid=None,
                seq=index * PER_STEP + 1 + position,
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
        self._open.append(call_id)
        child = self._spawned.get(index)
        if child is not None:
            self._batch.subagent_links[call_id] = child

    def _encoded(self, args: dict[str, Any]) -> bool:
        """Whether a call's arguments are JSON-encoded again (transcript.jsonl): known at its place;
        elsewhere, every value a string that is JSON, one of them a JSON string."""
        if self._plain is not None:
            return self._plain and all(isinstance(v, str) and _json(v) for v in args.values())
        values = list(args.values())
        return (
            bool(values)
            and all(isinstance(v, str) and _json(v) for v in values)
            and any(v.startswith('"') for v in values)
        )

    def _result(self, call_id: str, index: int, ts: str | None, status: str | None, content: str) -> None:
        self.pending.pop(call_id, None)
        child = self._spawned.get(index)
        if child is not None:
            self._batch.subagent_links.setdefault(call_id, child)
        if status in IN_FLIGHT:
            return  # still running when the transcript was written: no result yet
        text = _HEADER.sub("", content, count=1).strip("\n")
        exit_found = _EXIT.search(text)
        exit_code = int(exit_found.group(1)) if exit_found else None
        seq = index * PER_STEP
        if status == "ERROR" or exit_code not in (None, 0):
            record = ToolResultRecord(call_id, seq, ts, ok=False, status="error", exit_code=exit_code)
            record.error_text = self._redact(text or "error", ERROR_TEXT_CHARS, "output")
        elif status == "CANCELED":
            record = ToolResultRecord(call_id, seq, ts, ok=False, status="interrupted", exit_code=exit_code)
            if text.strip():
                record.error_text = self._redact(text, ERROR_TEXT_CHARS, "output")
        else:
            record = ToolResultRecord(call_id, seq, ts, ok=True, status="ok", exit_code=exit_code)
            if text.strip():
                record.result_text = self._redact(text, RESULT_EXCERPT_CHARS, "output")
        self._batch.tool_results.append(record)

    # ------------------------------------------------------------------ the session

    def _session(self) -> SessionRecord:
        parent = self._parent
        return SessionRecord(
            id=self._sid,
            agent=AGENT,
            kind="subagent" if parent is not None else "main",
            parent_id=parent[0] if parent is not None else None,
            agent_type=parent[2] if parent is not None else None,
            description=parent[1] if parent is not None else None,
            cwd=self._cwd,
            project=project_for_cwd(self._cwd) if self._cwd else None,
            model=self._model,
            started_at=self._started,
            ended_at=self._ended,
        )


def _json(value: str) -> bool:
    try:
        json_codec.loads(value)
    except (ValueError, json_codec.JSONDecodeError):
        return False
    return True


def _carried(path: str) -> dict[str, Any] | None:
    """What the chunk before this one left (its calls still open, the model, the folder), for the
    first read of a chunk after the first; None for a file that is no such chunk."""
    before = paths.chunk_before(path)
    if before is None:
        return None
    try:
        with open(before, "rb") as handle:
            data = handle.read(CARRY_BYTES)
    except OSError:
        return None
    parser = TranscriptParser(before, carry=False)
    parser.parse(data.split(b"\n"), 1)
    return parser.state()
