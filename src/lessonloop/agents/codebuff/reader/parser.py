"""A Codebuff chat -> normalized records. A chat is a folder whose two files Codebuff rewrites whole
after every turn (cli/src/utils/run-state-storage.ts): read whole, as one unit.

`chat-messages.json` is a JSON array of its screen's messages (cli/src/types/chat.ts's ChatMessage):
`{id, variant: user|ai|agent|error, content, blocks?, timestamp, credits?, metadata?, userError?}`.
Codebuff keeps the last 100 of them (cli/src/hooks/helpers/send-message.ts): the rows of those it
dropped stay stored. What each becomes:
- `user`: its `content` (what the person typed; the text of its text blocks when empty) -> a
  "prompt";
- `ai` (and `agent`): its blocks, in order:
  - `text` -> the assistant's text (`textType: "reasoning"`, thinking, not stored); `plan` (a plan
    Codebuff took out of the text) too;
  - `tool` `{toolCallId, toolName, input, output?, outputRaw?}` -> a call, and its result once
    `output` or `outputRaw` is there. Codebuff marks no failure: a result is a failure only where
    the tool's own result says so, in `outputRaw` (the tool's ToolResultOutput list; else `output`
    when it is Codebuff's JSON text of that list): its first `json` value has `errorMessage` (every
    tool's failure shape: common/src/tools/params/tool/*.ts), or, for `run_terminal_command`, an
    `exitCode` other than 0 (the exit code kept). Plain output text is never read as a failure. An
    edit's `unifiedDiff` is its diff;
  - `agent` `{agentId, agentType, status, blocks, initialPrompt, spawnToolCallId, spawnIndex}` (a
    subagent spawn_agents started; Codebuff shows no block for spawn_agents itself) -> a
    `spawn_agents` call of the session it is in, and a subagent session holding its blocks: its
    `status` the call's outcome (`complete` a success, `failed` a failure, `cancelled` an
    interruption, `running` no result yet);
  - `ask-user` (an ask_user call answered) -> an `ask_user` call and its answers;
  - `mode-divider`, `agent-list`, `gate-state`, `image`, `html`: Codebuff's screen, not stored;
  an `ai` message with no blocks: its `content` ("system" for Codebuff's own `sys-` notes);
  `userError` -> an "api_error" message. A message `bash-result-<id>` is a command the person ran
  (Codebuff's `!` mode): a "command" message and its `run_terminal_command` call;
- `error` -> an "api_error" message.
Times: a message's id holds the time Codebuff made it (`user-<epoch ms>`, `ai-<epoch ms>-<hex>`);
the `timestamp` beside is a clock time for the screen ("10:32 AM"), not read. The session starts
at its chat id (`2026-01-02T03-04-05.000Z`, the folder's name).
Tokens, as ccusage 20 reads them (Codebuff's own types keep only credits, which are not tokens):
per `ai`/`agent` message, `metadata.usage`, then `metadata.codebuff.usage`, then the run state the
message keeps (`metadata.runState.sessionState.mainAgentState.messageHistory`, its assistant
entries newest first: `providerOptions.usage`, `providerOptions.codebuff.usage` and `.model`), each
filling only the counts still 0; the model `metadata.model`, else a usage's `model`.
`run-state.json` gives the folder (`sessionState.fileContext.cwd`, `projectRoot`).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from typing import Any

from lessonloop.agents.codebuff.reader import AGENT
from lessonloop.agents.codebuff.reader.paths import chat_id, run_state_of
from lessonloop.agents.codebuff.reader.tools import kind_of
from lessonloop.capture.adapters import Unit
from lessonloop.capture.file_units import file_units
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
    epoch_millis,
    tool_input,
)
from lessonloop.capture.parsing import text_or_none as _text
from lessonloop.capture.projects import project_for_cwd
from lessonloop.core import json_codec
from lessonloop.core.records import (
    SHELL,
    SUBAGENT,
    Batch,
    MessageRecord,
    Problem,
    SessionRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.core.timestamps import normalize_timestamp

MAX_BYTES = 200_000_000
PER_MESSAGE = 1000  # records of one message: seq = its base * PER_MESSAGE + the block's place
UNKNOWN_MODEL = "codebuff-unknown"  # ccusage's name for a count without its model
_ID_TIME = re.compile(r"^(?:user|ai|sys|error|divider)-(\d{12,14})(?:\D|$)")
_CHAT_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2}(?:\.\d+)?Z)$")
_MS_RANGE = (946_684_800_000, 4_102_444_800_000)  # 2000 to 2100: an id's number that is a time
_SHELL_TOOL = "run_terminal_command"
_SPAWN_TOOL = "spawn_agents"
_AGENT_ENDED = {"complete": "ok", "failed": "error", "cancelled": "interrupted"}
_INPUT = ("inputTokens", "input_tokens", "promptTokens", "prompt_tokens")
_OUTPUT = ("outputTokens", "output_tokens", "completionTokens", "completion_tokens")
_CACHE_READ = ("cacheReadInputTokens", "cache_read_input_tokens")
_CACHE_WRITE = (
    "cacheCreationInputTokens",
    "cache_creation_input_tokens",
    "cacheCreationTokens",
    "cache_creation_tokens",
    "cachedTokensCreated",
    "cached_tokens_created",
)
_TOTAL = ("totalTokens", "total_tokens", "total")


def units(paths: list[str], problems: list[Problem]) -> list[Unit]:
    """One unit per chat: its stamp is its messages' and its run state's together."""
    return file_units(paths, problems, read_chat, run_state_of)


def read_chat(path: str) -> Batch:
    """Every record of one chat; bad input becomes Problems, never an exception."""
    batch = Batch()
    messages = _load(path, batch.problems, required=True)
    if messages is None:
        return batch
    if not isinstance(messages, list):
        batch.problems.append(Problem(path, None, "malformed-record", "not a Codebuff chat (no list of messages)"))
        return batch
    run_state = _load(run_state_of(path), batch.problems, required=False)
    try:
        changed = max(os.stat(p).st_mtime for p in (path, run_state_of(path)) if os.path.exists(p))
    except (OSError, ValueError):
        changed = 0.0
    batch.records = len(messages)
    _Reader(path, batch, run_state if isinstance(run_state, dict) else {}, changed).read(messages)
    return batch


def _load(path: str, problems: list[Problem], *, required: bool) -> Any:
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
    if len(data) > MAX_BYTES:
        problems.append(Problem(path, None, "file-too-large", f"over {MAX_BYTES:,} bytes: not read"))
        return None
    try:
        return json_codec.loads(data)
    except json_codec.JSONDecodeError as exc:
        problems.append(Problem(path, None, "truncated-file", f"not a whole JSON document ({exc}); skipped"))
    except RecursionError:
        problems.append(Problem(path, None, "malformed-record", "nested too deep to read; skipped"))
    return None


def chat_started(name: str) -> str | None:
    """The time a chat id names (`2026-01-02T03-04-05.000Z`: an ISO time with its colons as dashes)."""
    match = _CHAT_TIME.match(name)
    if match is None:
        return None
    date, hours, minutes, rest = match.groups()
    return normalize_timestamp(f"{date}T{hours}:{minutes}:{rest}")


def _id_millis(message_id: str | None) -> int | None:
    match = _ID_TIME.match(message_id or "")
    if match is None:
        return None
    millis = int(match.group(1))
    return millis if _MS_RANGE[0] <= millis < _MS_RANGE[1] else None


def _file_context(state: Any) -> dict[str, Any]:
    session = state.get("sessionState") if isinstance(state, dict) else None
    context = session.get("fileContext") if isinstance(session, dict) else None
    return context if isinstance(context, dict) else {}


class _Session:
    """One session being read: the chat's, or a subagent's within it."""

    def __init__(self, sid: str, parent: _Session | None = None) -> None:
        self.sid = sid
        self.parent = parent
        self.first: str | None = None
        self.last: str | None = None


class _Reader:
    def __init__(self, path: str, batch: Batch, run_state: dict[str, Any], changed: float) -> None:
        self.path = path
        self.batch = batch
        self.main = _Session(chat_id(path))
        self.started = chat_started(os.path.basename(os.path.dirname(os.path.abspath(path))))
        self.context = _file_context(run_state)
        self.changed = normalize_timestamp(datetime.fromtimestamp(changed, UTC).isoformat()) if changed else None
        self.ts: str | None = self.started
        self.base = 0  # the seq base of the message being read
        self.model: str | None = None
        self.title: str | None = None
        self.subagents: list[tuple[_Session, SessionRecord]] = []
        self._redact = BatchRedactor(batch)

    # -- the chat

    def read(self, messages: list[Any]) -> None:
        for index, message in enumerate(messages):
            if not isinstance(message, dict):
                continue
            try:
                self._message(message, index)
            except Exception as exc:  # a message of shapes not foreseen: reported, the rest read
                detail = f"message {index} not understood ({type(exc).__name__}: {exc})"
                self.batch.problems.append(Problem(self.path, None, "malformed-record", detail[:300]))
        if not self.context:  # no run-state.json: the run state the last finished message keeps
            for message in reversed(messages):
                metadata = message.get("metadata") if isinstance(message, dict) else None
                self.context = _file_context(metadata.get("runState")) if isinstance(metadata, dict) else {}
                if self.context:
                    break
        cwd = _text(self.context.get("cwd")) or _text(self.context.get("projectRoot"))
        root = _text(self.context.get("projectRoot")) or cwd
        self.batch.sessions[self.main.sid] = SessionRecord(
            id=self.main.sid,
            agent=AGENT,
            kind="main",
            cwd=cwd,
            project=project_for_cwd(root) if root else None,
            title=self.title,
            model=self.model,
            started_at=self.started or self.main.first or self.changed,
            ended_at=self.main.last or self.changed,
        )
        for session, record in self.subagents:
            record.cwd, record.project = cwd, self.batch.sessions[self.main.sid].project
            record.started_at = record.started_at or session.first
            record.ended_at = session.last or record.started_at
            self.batch.sessions[session.sid] = record

    def _message(self, message: dict[str, Any], index: int) -> None:
        message_id = _text(message.get("id"))
        millis = _id_millis(message_id)
        if millis is not None:
            self.ts = epoch_millis(millis)
        base = millis if millis is not None else self.base + 1
        self.base = max(base, self.base + 1)
        key = f"{self.main.sid}:{message_id or index}"
        seq = self.base * PER_MESSAGE
        variant = message.get("variant")
        content = message.get("content")
        blocks = message.get("blocks")
        blocks = [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []
        if variant == "user":
            text = content if isinstance(content, str) and content.strip() else _texts(blocks)
            if text.strip():
                self.title = self.title or text.strip().splitlines()[0][:100]
                self._record(self.main, key, seq, "user", "prompt", text)
        elif variant == "error":
            if isinstance(content, str) and content.strip():
                self._record(self.main, key, seq, "assistant", "api_error", content)
        elif message_id is not None and message_id.startswith("bash-result-"):
            self._command(blocks, key, seq, message.get("metadata"))
        elif variant in ("ai", "agent"):
            if blocks:
                self._blocks(self.main, blocks, key, seq)
            elif isinstance(content, str) and content.strip():
                kind = "system" if message_id is not None and message_id.startswith("sys-") else "assistant"
                self._record(self.main, key, seq, "assistant", kind, content)
            error = _text(message.get("userError"))
            if error:
                self._record(self.main, f"{key}:error", seq + PER_MESSAGE - 1, "assistant", "api_error", error)
        if (_name(message, "variant") or _name(message, "role")) in ("ai", "agent", "assistant"):
            self._usage(message, key)  # the messages ccusage counts

    def _seen(self, session: _Session) -> None:
        if self.ts is not None:
            while session is not None:
                session.first = session.first or self.ts
                session.last = self.ts if session.last is None or self.ts > session.last else session.last
                session = session.parent  # type: ignore[assignment]

    def _record(self, session: _Session, uuid: str, seq: int, role: str, kind: str, text: str) -> None:
        body = self._redact(text, MESSAGE_TEXT_CHARS, "command" if kind == "command" else "prose")
        self.batch.messages.append(MessageRecord(session.sid, uuid, None, seq, self.ts, role, kind, body))
        self._seen(session)

    # -- blocks

    def _blocks(self, session: _Session, blocks: list[dict[str, Any]], key: str, seq: int) -> int:
        """Reads a message's (or a subagent's) blocks from `seq`; the next seq free."""
        texts: list[str] = []
        text_seq = seq
        seq += 1
        for block in blocks:
            kind = block.get("type")
            if kind == "text":
                if block.get("textType") != "reasoning" and isinstance(block.get("content"), str):
                    texts.append(block["content"])
            elif kind == "plan":
                if isinstance(block.get("content"), str):
                    texts.append(block["content"])
            elif kind == "tool":
                self._tool(session, block, key, seq)
                seq += 1
            elif kind == "agent":
                seq = self._agent(session, block, key, seq)
            elif kind == "ask-user":
                self._ask(session, block, key, seq)
                seq += 1
            # else: mode-divider, agent-list, gate-state, image, html: Codebuff's screen
        text = "\n\n".join(t for t in texts if t.strip())
        if text.strip():
            self._record(
                session,
                key if session is self.main else f"{key}:{session.sid}",
                text_seq,
                "assistant",
                "assistant",
                text,
            )
        return seq

    def _tool(self, session: _Session, block: dict[str, Any], key: str, seq: int) -> str:
        name = _text(block.get("toolName")) or "?"
        call_id = _text(block.get("toolCallId")) or f"{key}:{seq}"
        args = block.get("input")
        cleaned, input_json = tool_input(args, self.batch)
        kind = kind_of(name)
        command = None
        if kind == SHELL and isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
            command = cleaned["command"]
        paths: list[str] = []
        if isinstance(args, dict):
            if isinstance(args.get("path"), str) and args["path"]:
                paths = [args["path"]]
            elif isinstance(args.get("paths"), list):
                paths = [p for p in args["paths"] if isinstance(p, str) and p]
        cwd = args.get("cwd") if isinstance(args, dict) else None
        root = _text(self.context.get("projectRoot")) or _text(self.context.get("cwd"))
        if isinstance(cwd, str) and cwd and root and not os.path.isabs(cwd):
            cwd = os.path.normpath(os.path.join(root, cwd))
        self.batch.tool_calls.append(
            ToolCallRecord(
                call_id,
                session.sid,
                key,
                seq,
                self.ts,
                name,
                input_json,
                paths[0] if paths else None,
                command,
                cwd if isinstance(cwd, str) and cwd else root,
                kind,
                tuple(paths) if len(paths) > 1 else (),
            )
        )
        self._seen(session)
        if "output" in block or "outputRaw" in block:
            self._result(name, call_id, seq, block)
        return call_id

    def _result(self, name: str, call_id: str, seq: int, block: dict[str, Any]) -> None:
        output = block.get("output")
        text = output if isinstance(output, str) else ""
        value = _result_value(block)
        error = _text(value.get("errorMessage")) if isinstance(value, dict) else None
        exit_code = value.get("exitCode") if isinstance(value, dict) and name == _SHELL_TOOL else None
        if isinstance(exit_code, float) and exit_code.is_integer():
            exit_code = int(exit_code)
        if not isinstance(exit_code, int) or isinstance(exit_code, bool):
            exit_code = None
        if error is not None or (exit_code is not None and exit_code != 0):
            record = ToolResultRecord(call_id, seq, self.ts, ok=False, status="error", exit_code=exit_code)
            said = error or text.strip("\n") or f"exit code {exit_code}"
            record.error_text = self._redact(said, ERROR_TEXT_CHARS, "output")
            self.batch.tool_results.append(record)
            return
        record = ToolResultRecord(call_id, seq, self.ts, ok=True, status="ok", exit_code=exit_code)
        if text.strip():
            record.result_text = self._redact(text.strip("\n"), RESULT_EXCERPT_CHARS, "output")
        diff = value.get("unifiedDiff") if isinstance(value, dict) else None
        if isinstance(diff, str) and diff.strip():
            record.diff = self._redact(diff, RESULT_EXCERPT_CHARS, "code")
            lines = diff.splitlines()
            record.lines_added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
            record.lines_removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
        self.batch.tool_results.append(record)

    def _agent(self, session: _Session, block: dict[str, Any], key: str, seq: int) -> int:
        """A subagent's block: a spawn_agents call of `session`, and a session of its own."""
        agent_id = _text(block.get("agentId")) or f"{seq}"
        spawn = _text(block.get("spawnToolCallId"))
        index = block.get("spawnIndex")
        call_id = f"{spawn}#{index}" if spawn and isinstance(index, int) else f"{self.main.sid}:agent:{agent_id}"
        agent_type = _text(block.get("agentType")) or _text(block.get("agentName"))
        prompt = _text(block.get("initialPrompt"))
        args: dict[str, Any] = {"agent_type": agent_type, "prompt": prompt}
        if isinstance(block.get("params"), dict):
            args["params"] = block["params"]
        _, input_json = tool_input(args, self.batch)
        child = _Session(f"{self.main.sid}:{agent_id}", session)
        self.batch.tool_calls.append(
            ToolCallRecord(call_id, session.sid, key, seq, self.ts, _SPAWN_TOOL, input_json, None, None, None, SUBAGENT)
        )
        self._seen(session)
        record = SessionRecord(
            id=child.sid,
            agent=AGENT,
            kind="subagent",
            parent_id=session.sid,
            agent_id=agent_id,
            agent_type=agent_type,
            description=prompt[:500] if prompt else None,
            spawn_tool_use_id=call_id,
            started_at=self.ts,
        )
        self.subagents.append((child, record))
        children = block.get("blocks")
        children = [b for b in children if isinstance(b, dict)] if isinstance(children, list) else []
        after = self._blocks(child, children, key, seq + 1)
        status = _AGENT_ENDED.get(str(block.get("status")))
        if status is not None:
            content = block.get("content")
            said = _texts(children) or (content if isinstance(content, str) else "")
            result = ToolResultRecord(call_id, seq, self.ts, ok=status == "ok", status=status, subagent_id=child.sid)
            if status == "ok":
                if said.strip():
                    result.result_text = self._redact(said.strip(), RESULT_EXCERPT_CHARS, "output")
            else:
                result.error_text = self._redact(said.strip() or str(block.get("status")), ERROR_TEXT_CHARS, "output")
            self.batch.tool_results.append(result)
        return after

    def _ask(self, session: _Session, block: dict[str, Any], key: str, seq: int) -> None:
        """An ask_user call Codebuff shows as its questions and the person's answers."""
        call_id = _text(block.get("toolCallId")) or f"{key}:{seq}"
        _, input_json = tool_input({"questions": block.get("questions")}, self.batch)
        self.batch.tool_calls.append(
            ToolCallRecord(
                call_id, session.sid, key, seq, self.ts, "ask_user", input_json, None, None, None, kind_of("ask_user")
            )
        )
        self._seen(session)
        if block.get("skipped") is True:
            result = ToolResultRecord(call_id, seq, self.ts, ok=False, status="rejected")
            result.error_text = "skipped"
            self.batch.tool_results.append(result)
        elif block.get("answers") is not None:
            result = ToolResultRecord(call_id, seq, self.ts, ok=True, status="ok")
            result.result_text = self._redact(json_codec.dumps(block["answers"]), RESULT_EXCERPT_CHARS, "prose")
            self.batch.tool_results.append(result)

    def _command(self, blocks: list[dict[str, Any]], key: str, seq: int, metadata: Any) -> None:
        """A command the person ran in Codebuff (`!`): its line, and the call that ran it."""
        tools = [b for b in blocks if b.get("type") == "tool"]
        if not tools:
            return
        block = dict(tools[0])
        args = block.get("input")
        command = args.get("command") if isinstance(args, dict) else None
        if isinstance(command, str) and command.strip():
            self._record(self.main, f"{key}:command", seq, "user", "command", command)
        bash_cwd = metadata.get("bashCwd") if isinstance(metadata, dict) else None
        if isinstance(args, dict) and isinstance(bash_cwd, str) and bash_cwd and "cwd" not in args:
            block["input"] = {**args, "cwd": bash_cwd}
        self._tool(self.main, block, key, seq + 1)

    # -- tokens

    def _usage(self, message: dict[str, Any], key: str) -> None:
        counts = _message_usage(message)
        given, output, read, created, extra = (counts[k] for k in ("input", "output", "read", "created", "extra"))
        if given + output + read + created + extra == 0:
            return  # credits alone: Codebuff's price, not tokens
        model = counts["model"] or UNKNOWN_MODEL
        if model != UNKNOWN_MODEL:
            self.model = self.model or model
        self.batch.usage[(key, "")] = TokenUsageRecord(
            message_id=key,
            request_id="",
            session_id=self.main.sid,
            model=model,
            ts=self.ts,
            input_tokens=given,
            output_tokens=output + extra,
            cache_creation_tokens=created,
            cache_read_tokens=read,
        )


def _texts(blocks: list[dict[str, Any]]) -> str:
    """The text blocks' text (not reasoning), joined."""
    parts = [
        b["content"]
        for b in blocks
        if b.get("type") == "text" and b.get("textType") != "reasoning" and isinstance(b.get("content"), str)
    ]
    return "\n\n".join(p for p in parts if p.strip())


def _result_value(block: dict[str, Any]) -> Any:
    """The first `json` value of a tool's result list: `outputRaw`, else `output` when it is
    Codebuff's JSON text of that list."""
    raw = block.get("outputRaw")
    output = block.get("output")
    if not isinstance(raw, list) and isinstance(output, str) and output.lstrip().startswith("["):
        try:
            raw = json_codec.loads(output)
        except (json_codec.JSONDecodeError, RecursionError):
            raw = None
    first = raw[0] if isinstance(raw, list) and raw else None
    return first.get("value") if isinstance(first, dict) and first.get("type") == "json" else None


# -- token counts, as ccusage 20 reads them (its adapter/codebuff/parser.rs)


def _count(record: dict[str, Any], keys: tuple[str, ...]) -> int:
    """The first of `keys` holding a whole number above 0 (a JSON integer: 100.0 is not one)."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return min(value, 2**63 - 1)
    return 0


def _name(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _usage_object(value: Any) -> dict[str, Any]:
    counts: dict[str, Any] = {"input": 0, "output": 0, "read": 0, "created": 0, "extra": 0, "model": None}
    if not isinstance(value, dict):
        return counts
    counts["input"] = _count(value, _INPUT)
    counts["output"] = _count(value, _OUTPUT)
    details = [value.get("promptTokensDetails"), value.get("prompt_tokens_details")]
    nested = [
        _count(details[0], ("cachedTokens",)) if isinstance(details[0], dict) else 0,
        _count(details[1], ("cached_tokens",)) if isinstance(details[1], dict) else 0,
    ]
    counts["read"] = max(_count(value, _CACHE_READ), *nested)
    counts["created"] = _count(value, _CACHE_WRITE)
    total = _count(value, _TOTAL)
    known = counts["input"] + counts["output"] + counts["read"] + counts["created"]
    if total > known:  # a total larger than its parts: the rest is output (reasoning, say)
        if counts["output"] == 0:
            counts["output"] = total - known
        else:
            counts["extra"] = total - known
    counts["model"] = _name(value, "model")
    return counts


def _fill(target: dict[str, Any], fallback: dict[str, Any]) -> None:
    """`fallback`'s values where `target` has none yet."""
    for key in ("input", "output", "read", "created", "extra"):
        if target[key] == 0:
            target[key] = fallback[key]
    if target["model"] is None:
        target["model"] = fallback["model"]


def _message_usage(message: dict[str, Any]) -> dict[str, Any]:
    counts = _usage_object(None)
    metadata = message.get("metadata")
    if not isinstance(metadata, dict):
        return counts
    counts["model"] = _name(metadata, "model")
    _fill(counts, _usage_object(metadata.get("usage")))
    codebuff = metadata.get("codebuff")
    _fill(counts, _usage_object(codebuff.get("usage") if isinstance(codebuff, dict) else None))
    state = metadata.get("runState")
    session = state.get("sessionState") if isinstance(state, dict) else None
    agent = session.get("mainAgentState") if isinstance(session, dict) else None
    history = agent.get("messageHistory") if isinstance(agent, dict) else None
    if isinstance(history, list):
        from_state = _usage_object(None)
        for entry in reversed(history):
            if not isinstance(entry, dict) or entry.get("role") != "assistant":
                continue
            options = entry.get("providerOptions")
            if not isinstance(options, dict):
                continue
            found = _usage_object(options.get("usage"))
            codebuff = options.get("codebuff")
            if isinstance(codebuff, dict):
                _fill(found, _usage_object(codebuff.get("usage")))
                found["model"] = _name(codebuff, "model") or found["model"]
            _fill(from_state, found)
        _fill(counts, from_state)
    return counts
