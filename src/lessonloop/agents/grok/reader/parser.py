"""Grok Build's updates.jsonl -> normalized records, chunk after chunk (the CLI appends to it).

The log is the session's ACP update stream, one line an update: `{"timestamp": <unix seconds>,
"method": "session/update" (ACP) | "_x.ai/session/update" (xAI's own), "params": {"sessionId",
"update": {"sessionUpdate": <tag>, ...}, "_meta": {"eventId", "agentTimestampMs", "promptId",
...}}}`; older lines are the bare notification, `params` alone (grok-build's session/storage/mod.rs).
What is read, by tag:
- `user_message_chunk`: the person's prompt, `content.text`; the chunks of one prompt are the
  consecutive ones of one `update._meta.promptIndex` (joined), its model `update._meta.modelId`.
  A run without a `promptIndex` once the log has them is not a prompt Grok counts (a `!command`
  typed to the shell: "bash_input"; mid-turn text: a prompt all the same). The chunk of a host turn
  (`_meta.hostTurn`) is the harness's: "instructions"; so is a `<fork-context>` or
  `<resume-context>` block a sub-agent's first prompt starts with. A sub-agent's prompts
  (summary.json `session_kind` "subagent...") are its parent's: "task_prompt".
- `agent_message_chunk`: the assistant's text, the consecutive chunks (thought chunks between
  them aside) one message.
- `tool_call`: a call, `toolCallId`, its tool `update._meta["x.ai/tool"].name` (else `title`) and
  `rawInput`; `tool_call_update` with `status` "completed" or "failed": its result (the text of
  its `content`, a diff's `oldText`/`newText`, `rawOutput.exit_code`); failed, or an exit code
  other than 0, is a failure. A call whose only record is an update is read from it.
- `turn_completed` (xAI): the turn's token usage, one row per `usage.modelUsage` model (the totals
  when it has none, under summary.json's `current_model_id`), as ccusage 20 counts it: input is
  `inputTokens` less `cachedReadTokens` and `cacheCreationTokens`, reasoning inside output, the
  cost `costUsdTicks / 1e10` unless partial or incomplete; keyed by `<eventId>` and the model. A
  turn that ended in an error says it: "api_error".
- `rewind_marker` (xAI): `/rewind` to `target_prompt_index` (0-based, among the prompts Grok
  counts): that prompt and everything after it up to the marker is a dead branch, as Grok's own
  replay drops it (`filter_rewind_by`): its messages, calls and results are not stored, its
  tokens are (they were billed; ccusage counts them). A branch read in an earlier chunk is taken
  back by reading the file again from its first line: the batch then holds the session whole
  (`Batch.replaced_sessions`).
The rest (thought chunks, plans, hooks, sub-agent progress, ...) is not stored; tags not known are
counted notices.

A prompt or an assistant message still open when a chunk ends (another chunk of it may follow) is
stored as it is; `restart_line` is its first line and `state()` what the parser knew before it, so
the next read parses it again; if it did go on, that read reads the file again from line 1 and holds
the session whole (a message is never stored in two parts, nor cut short).

The session is `params.sessionId` (its folder's name); its folder, title, model and parent are in
summary.json beside the log (summary.py), else the group folder's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.agents.grok.reader import AGENT, shapes
from lessonloop.agents.grok.reader.summary import read_summary
from lessonloop.agents.grok.reader.tools import kind_of
from lessonloop.capture.adapters import PendingCall
from lessonloop.capture.field_types import Shape, wrong_field
from lessonloop.capture.line_reader import MAX_LINE_BYTES
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
    UnknownTypes,
    diff_strings,
    epoch_millis,
    json_objects,
    not_understood,
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

PER_LINE = 100  # records of one line: its seq is line * PER_LINE + the record's index
XAI = "_x.ai/session/update"
DEAD_CALLS_KEPT = 200  # calls of a dead branch remembered across reads (a late result of one is dropped)
_CONTEXT = re.compile(r"<(fork-context|resume-context)>(.*?)</\1>\s*", re.DOTALL)
_PATH_KEYS = ("target_file", "file_path", "path", "filePath", "notebook_path")
KNOWN_TAGS = frozenset(
    {
        # ACP
        "user_message_chunk", "agent_message_chunk", "agent_thought_chunk", "tool_call", "tool_call_update",
        "plan", "available_commands_update", "current_mode_update", "config_option_update",
        "session_info_update", "usage_update",
        # xAI's (extensions/notification.rs)
        "diff_review", "retry_state", "auto_compact_started", "auto_compact_completed", "auto_compact_failed",
        "memory_flush_started", "memory_flush_completed", "memory_dream_completed", "memory_session_saved",
        "auto_compact_cancelled", "auto_continue_completed", "feedback_request", "relay_sync_status",
        "auto_recovery_started", "auto_recovery_exhausted", "hook_annotation", "hook_execution", "hooks_changed",
        "plugins_changed", "plugin_updates_installed", "session_status", "session_summary_generated",
        "session_recap", "session_recap_unavailable", "last_turn_summary", "compaction_checkpoint",
        "rewind_marker", "task_completed", "subagent_spawned", "subagent_progress", "subagent_finished",
        "task_backgrounded", "scheduled_task_created", "scheduled_task_fired", "scheduled_task_deleted",
        "monitor_event", "model_auto_switched", "model_changed", "tool_call_delta_chunk", "image_compressed",
        "image_dropped", "memory_files", "workflow_updated", "goal_updated", "pending_interaction",
        "interaction_resolved", "turn_completed", "response_started", "reasoning_completed",
        "response_completed",
    }
)  # fmt: skip


@dataclass(slots=True)
class _Run:
    """A prompt or an assistant message being read: its chunks so far."""

    role: str  # "user" | "assistant"
    start: int  # its first line
    ts: str | None
    counted: bool  # a prompt Grok counts (its rewind index space)
    before: dict[str, Any]  # the parser's state before its first line
    texts: list[str] = field(default_factory=list)


class _RereadFromStart(Exception):
    """A rewind takes back lines read in an earlier chunk: the file is read again from line 1."""


class UpdatesParser:
    """Parses the lines of one updates.jsonl into Batches; what a later read needs is `state()`."""

    def __init__(
        self, path: str, *, pending_calls: dict[str, PendingCall] | None = None, state: dict[str, Any] | None = None
    ) -> None:
        self.path = path
        self.pending: dict[str, PendingCall] = dict(pending_calls or {})
        self._called: set[str] = set()  # calls this parser read (a stray update after a result adds none)
        self._summary = read_summary(path)
        self._cwd = self._summary.cwd
        self._load(state if isinstance(state, dict) else {})
        self._unknown = UnknownTypes()
        self._batch = Batch()
        self._redact = BatchRedactor(self._batch)
        self._run: _Run | None = None
        read_to = state.get("read_to") if isinstance(state, dict) else None
        self._read_to = read_to if type(read_to) is int else 0  # the last line read
        self._fresh_from = self._read_to + 1  # lines before it were read and stored before
        self._parsed = False
        self.restart_line: int | None = None

    # ------------------------------------------------------------------ state

    def _load(self, st: dict[str, Any]) -> None:
        self._sid = _text(st.get("session"))
        self._model = _text(st.get("model"))
        self._started = _text(st.get("started"))
        self._ended = _text(st.get("ended"))
        prompts = st.get("prompts")
        self._prompts: list[int] = [p for p in prompts if type(p) is int] if isinstance(prompts, list) else []
        self._marked = st.get("marked") is True  # a promptIndex was seen (Grok's UserRunTurnTracker)
        self._in_user = st.get("in_user") is True
        run_index = st.get("run_index")
        self._run_index: int | None = run_index if type(run_index) is int else None
        dead = st.get("dead_calls")
        self._dead: list[str] = [c for c in dead if isinstance(c, str)] if isinstance(dead, list) else []

    def _current(self) -> dict[str, Any]:
        return {
            "session": self._sid,
            "model": self._model,
            "started": self._started,
            "ended": self._ended,
            "prompts": list(self._prompts),
            "marked": self._marked,
            "in_user": self._in_user,
            "run_index": self._run_index,
            "dead_calls": self._dead[-DEAD_CALLS_KEPT:],
        }

    def state(self) -> dict[str, Any]:
        """What the next read needs: before the message that may go on, when one is (it is read
        again), and the last line read."""
        return {**(self._run.before if self._run is not None else self._current()), "read_to": self._read_to}

    def notices(self) -> list[Problem]:
        return self._unknown.notices(self.path)

    # ------------------------------------------------------------------ reading

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch:
        self._begin(first_lineno)
        saved = self._saved()
        try:
            self._parse(lines, first_lineno)
        except _RereadFromStart:
            try:
                prefix = self._prefix(first_lineno - 1)
            except OSError as exc:  # gone since the read began: what was stored stays, this chunk is read
                self._restore(saved)
                self._batch.problems.append(
                    Problem(self.path, first_lineno, "reread-failed", f"a rewind's branch stays stored ({exc})")
                )
                self._fresh_from = 1
                self._parse(lines, first_lineno)
            else:
                self._reread(prefix, lines, first_lineno)
        self._finish(first_lineno + len(lines) - 1)
        return self._batch

    def _saved(self) -> tuple[Any, ...]:
        run = self._run
        copy = None if run is None else _Run(run.role, run.start, run.ts, run.counted, run.before, list(run.texts))
        return self._current(), copy, dict(self.pending), set(self._called), self._cwd

    def _restore(self, saved: tuple[Any, ...]) -> None:
        state, self._run, self.pending, self._called, self._cwd = saved
        self._load(state)
        self._batch = Batch()
        self._redact = BatchRedactor(self._batch)

    def _begin(self, first_lineno: int) -> None:
        self._batch = Batch()
        self._redact = BatchRedactor(self._batch)
        if self._parsed:
            self._fresh_from = first_lineno  # the chunks before were stored
        self._parsed = True

    def _parse(self, lines: Sequence[bytes], first_lineno: int, *, count: bool = True) -> None:
        batch = self._batch
        for lineno, record in json_objects(lines, first_lineno, self.path, batch.problems):
            if count:
                batch.records += 1
            try:
                self._record(record, lineno)
            except _RereadFromStart:
                raise
            except Exception as exc:  # a record of shapes not foreseen: reported, the rest read
                batch.problems.append(not_understood(self.path, lineno, record, exc))

    def _reread(self, prefix: list[bytes], lines: Sequence[bytes], first_lineno: int) -> None:
        """Read the file again from its first line (`prefix`: its lines before this chunk), then the
        chunk: one batch that holds the session whole, dead branches left out."""
        self.pending = {}
        self._called = set()
        self._cwd = self._summary.cwd
        self._load({})
        self._run = None
        self._batch = Batch()
        self._redact = BatchRedactor(self._batch)
        self._fresh_from = 1
        unknown, self._unknown = self._unknown, UnknownTypes()
        self._parse(prefix, 1, count=False)
        self._unknown = unknown
        self._parse(lines, first_lineno)
        batch = self._batch
        batch.problems = [p for p in batch.problems if p.line is None or p.line >= first_lineno]
        if self._sid is not None:
            batch.replaced_sessions.add(self._sid)

    def _prefix(self, count: int) -> list[bytes]:
        """The file's first `count` lines (a line longer than the line reader reads: blank)."""
        out: list[bytes] = []
        if count <= 0:
            return out
        with open(self.path, "rb") as handle:
            for raw in handle:
                line = raw.rstrip(b"\n")
                out.append(b"" if len(line) > MAX_LINE_BYTES else line)
                if len(out) >= count:
                    break
        return out

    def _finish(self, last_lineno: int) -> None:
        batch = self._batch
        self._read_to = max(self._read_to, last_lineno)
        self.restart_line = None
        if self._run is not None:
            # It may go on in lines not written yet: stored as it is, and read again from its first
            # line; if it did go on, the next read takes it back (the file read again whole).
            self._emit(self._run)
            self.restart_line = self._run.start
        if batch.messages or batch.tool_calls or batch.tool_results or batch.usage or batch.replaced_sessions:
            sid = self._session_id()
            batch.sessions[sid] = self._session(sid)

    def _session_id(self) -> str:
        if self._sid is None:
            self._sid = self._summary.id or self._summary.folder_id or f"file:{self.path}"
        return self._sid

    def _record(self, record: dict[str, Any], lineno: int) -> None:
        method = record.get("method")
        if method is None:
            params: Any = record  # a line of before the envelope: the notification alone
        else:
            if self._wrong(record, shapes.ENVELOPE, "update envelope", lineno):
                return
            params = record.get("params")
        if not isinstance(params, dict) or self._wrong(params, shapes.PARAMS, "update", lineno):
            self._close()
            self._unknown.saw("(no update)", lineno)
            return
        update = params.get("update")
        tag = update.get("sessionUpdate") if isinstance(update, dict) else None
        if not isinstance(update, dict) or not isinstance(tag, str):
            self._close()
            self._unknown.saw("(no update)", lineno)
            return
        if tag not in KNOWN_TAGS:
            self._close()
            self._unknown.saw(tag, lineno)
            return
        shape = shapes.UPDATES.get(tag)
        if shape is not None and self._wrong(update, shape, f"{tag} update", lineno):
            self._close()
            return
        if self._sid is None:
            self._sid = _text(params.get("sessionId"))
            self._session_id()
        meta = params.get("_meta")
        meta = meta if isinstance(meta, dict) else {}
        ts = epoch_millis(meta.get("agentTimestampMs")) or normalize_timestamp(record.get("timestamp"))
        xai = method == XAI
        if tag == "user_message_chunk" and not xai:
            self._user_chunk(update, lineno, ts)
        elif tag == "agent_message_chunk" and not xai:
            self._agent_chunk(update, lineno, ts)
        elif tag == "agent_thought_chunk" and not xai:
            if self._run is None or self._run.role != "assistant":
                self._close()
                self._in_user = False
        else:
            self._close()
            self._in_user = False
            if tag == "tool_call" and not xai:
                self._call(update, lineno, ts)
            elif tag == "tool_call_update" and not xai:
                self._update(update, lineno, ts)
            elif tag == "turn_completed" and xai:
                self._turn(update, meta, lineno, ts)
            elif tag == "rewind_marker" and xai:
                self._rewind(update, lineno)
        self._saw_time(ts)

    def _saw_time(self, ts: str | None) -> None:
        if ts is not None:
            self._started = min(self._started or ts, ts)
            self._ended = max(self._ended or ts, ts)

    def _wrong(self, record: dict[str, Any], shape: Shape, what: str, lineno: int) -> bool:
        wrong = wrong_field(record, shape)
        if wrong is not None:
            self._batch.problems.append(Problem(self.path, lineno, "malformed-record", f"{what}: {wrong}; skipped"))
        return wrong is not None

    # ------------------------------------------------------------------ prompts and replies

    def _user_chunk(self, update: dict[str, Any], lineno: int, ts: str | None) -> None:
        chunk_meta = update.get("_meta")
        chunk_meta = chunk_meta if isinstance(chunk_meta, dict) else {}
        text = _content_text(update.get("content"))
        if chunk_meta.get("hostTurn") is True:  # the harness's turn, not the person's
            self._close()
            self._in_user = False
            if text.strip():
                self._message(f"{lineno}", lineno * PER_LINE, ts, "user", "instructions", text)
            return
        model = _text(chunk_meta.get("modelId"))
        if model is not None and self._model is None:
            self._model = model
        index = chunk_meta.get("promptIndex")
        index = index if type(index) is int else None
        before = self._current()
        # Grok's UserRunTurnTracker: a run is new after any other update or when the index changes;
        # once an index was seen, only runs with one count.
        if index is not None:
            self._marked = True
        counts = index is not None if self._marked else True
        new_run = not self._in_user or ((self._marked or index is not None) and index != self._run_index)
        if not new_run and self._run is not None and self._run.role == "user":
            self._grow(self._run, lineno, text)
            return
        self._close()
        self._in_user = True
        self._run_index = index
        if new_run and counts:
            self._prompts.append(lineno)
        self._run = _Run("user", lineno, ts, new_run and counts, before, [text])

    def _agent_chunk(self, update: dict[str, Any], lineno: int, ts: str | None) -> None:
        text = _content_text(update.get("content"))
        if self._run is not None and self._run.role == "assistant":
            self._grow(self._run, lineno, text)
            return
        before = self._current()
        self._close()
        self._in_user = False
        self._run = _Run("assistant", lineno, ts, False, before, [text])

    def _grow(self, run: _Run, lineno: int, text: str) -> None:
        """A chunk more of `run`; one it was stored without (it began before this read) takes the
        stored one back."""
        if run.start < self._fresh_from <= lineno:
            raise _RereadFromStart
        run.texts.append(text)

    def _close(self) -> None:
        """Store the prompt or assistant message being read: another update ended it."""
        run, self._run = self._run, None
        if run is not None:
            self._emit(run)

    def _emit(self, run: _Run) -> None:
        text = "".join(run.texts)
        seq = run.start * PER_LINE
        if run.role == "assistant":
            if text.strip():
                self._message(f"{run.start}", seq, run.ts, "assistant", "assistant", text)
            return
        found = _CONTEXT.search(text)
        while found is not None:
            context = found.group(2).strip()
            if context:
                self._message(f"{run.start}:context", seq, run.ts, "user", "instructions", context)
            text = text[: found.start()] + text[found.end() :]
            found = _CONTEXT.search(text)
        if not text.strip():
            return
        if self._summary.subagent:
            kind = "task_prompt"
        elif not run.counted and text.lstrip().startswith("!"):
            kind, text = "bash_input", text.lstrip()[1:]
        else:
            kind = "prompt"
        self._message(f"{run.start}", seq + 1, run.ts, "user", kind, text)

    def _message(self, key: str, seq: int, ts: str | None, role: str, kind: str, text: str) -> None:
        sid = self._session_id()
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self._batch.messages.append(MessageRecord(sid, f"{sid}:{key}", None, seq, ts, role, kind, body))

    # ------------------------------------------------------------------ tool calls

    def _call(self, update: dict[str, Any], lineno: int, ts: str | None) -> None:
        call_id = _text(update.get("toolCallId")) or f"{self._session_id()}:{lineno}"
        if call_id in self.pending or call_id in self._called:
            return  # told again: the first record is the call
        self._add_call(call_id, update, lineno * PER_LINE, ts)

    def _add_call(self, call_id: str, update: dict[str, Any], seq: int, ts: str | None) -> None:
        name = _tool_name(update)
        args = update.get("rawInput")
        if isinstance(args, dict):
            args = {k: v for k, v in args.items() if k != "variant"}  # Grok's own tag of the input's type
        cleaned, input_json = tool_input(args, self._batch)
        kind = kind_of(name)
        command = None
        if kind == SHELL and isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
            command = cleaned["command"]
        path = None
        if isinstance(args, dict):
            path = next((args[k] for k in _PATH_KEYS if isinstance(args.get(k), str) and args[k]), None)
        self._batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=self._session_id(),
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
        self._called.add(call_id)

    def _update(self, update: dict[str, Any], lineno: int, ts: str | None) -> None:
        call_id = _text(update.get("toolCallId"))
        if call_id is None or call_id in self._dead:
            return
        if call_id not in self.pending and call_id not in self._called and _tool_name(update) != "?":
            self._add_call(call_id, update, lineno * PER_LINE, ts)  # its call was not written
        status = update.get("status")
        if status not in ("completed", "failed"):
            return
        self.pending.pop(call_id, None)
        text, diffs = _result_parts(update.get("content"))
        raw = update.get("rawOutput")
        raw = raw if isinstance(raw, dict) else {}
        if not text and isinstance(raw.get("output_for_prompt"), str):
            text = raw["output_for_prompt"]
        exit_code = raw.get("exit_code")
        exit_code = exit_code if type(exit_code) is int else None
        seq = lineno * PER_LINE + 1
        if status == "failed" or exit_code not in (None, 0):
            record = ToolResultRecord(call_id, seq, ts, ok=False, status="error", exit_code=exit_code)
            record.error_text = self._redact(text.strip("\n") or "error", ERROR_TEXT_CHARS, "output")
        else:
            record = ToolResultRecord(call_id, seq, ts, ok=True, status="ok", exit_code=exit_code)
            if text.strip():
                record.result_text = self._redact(text.strip("\n"), RESULT_EXCERPT_CHARS, "output")
        if diffs:
            hunks = [diff_strings(old, new) for old, new in diffs]
            record.diff = self._redact("\n".join(h[0] for h in hunks if h[0]), ERROR_TEXT_CHARS, "code")
            record.lines_added = sum(h[1] for h in hunks)
            record.lines_removed = sum(h[2] for h in hunks)
        self._batch.tool_results.append(record)

    # ------------------------------------------------------------------ turns and rewinds

    def _turn(self, update: dict[str, Any], meta: dict[str, Any], lineno: int, ts: str | None) -> None:
        if update.get("stop_reason") == "error":
            result = _text(update.get("agent_result"))
            if result is not None:
                self._message(f"{lineno}:error", lineno * PER_LINE, ts, "assistant", "api_error", result)
        usage = update.get("usage")
        if not isinstance(usage, dict) or self._wrong(usage, shapes.USAGE, "turn_completed usage", lineno):
            return
        incomplete = usage.get("usageIsIncomplete") is True
        by_model = usage.get("modelUsage")
        rows: list[tuple[str, dict[str, Any]]] = []
        if isinstance(by_model, dict) and by_model:
            rows = [(model, counts) for model, counts in sorted(by_model.items()) if isinstance(counts, dict)]
        else:
            rows = [(self._summary.model or "unknown", usage)]
        key = _text(meta.get("eventId")) or f"{self._session_id()}:{lineno}"
        for model, counts in rows:
            row = self._usage_row(key, model, counts, ts, incomplete)
            if row is not None:
                self._batch.usage[(key, model)] = row
            if self._model is None and model != "unknown":
                self._model = model

    def _usage_row(
        self, key: str, model: str, counts: dict[str, Any], ts: str | None, incomplete: bool
    ) -> TokenUsageRecord | None:
        full = token_count(counts.get("inputTokens"))
        output = token_count(counts.get("outputTokens"))
        cache_read = min(token_count(counts.get("cachedReadTokens")), full)
        cache_creation = min(token_count(counts.get("cacheCreationTokens")), full - cache_read)
        if not (full or output or cache_read or cache_creation):
            return None  # ccusage skips a row of no tokens
        ticks = counts.get("costUsdTicks")
        cost = None
        trusted = not incomplete and counts.get("costIsPartial") is not True
        if trusted and isinstance(ticks, int | float) and not isinstance(ticks, bool) and ticks > 0:
            cost = ticks / 1e10
        return TokenUsageRecord(
            message_id=key,
            request_id=model,
            session_id=self._session_id(),
            model=model,
            ts=ts,
            input_tokens=full - cache_read - cache_creation,
            output_tokens=output,
            cache_creation_tokens=cache_creation,
            cache_read_tokens=cache_read,
            reasoning_tokens=min(token_count(counts.get("reasoningTokens")), output),
            cost_usd=cost,
        )

    def _rewind(self, update: dict[str, Any], lineno: int) -> None:
        target = update.get("target_prompt_index")
        if type(target) is not int or target < 0 or target >= len(self._prompts):
            return  # out of range: Grok keeps everything
        start = self._prompts[target]
        if start < self._fresh_from:
            raise _RereadFromStart  # a branch stored before
        del self._prompts[target:]
        low, high = start * PER_LINE, lineno * PER_LINE
        batch = self._batch
        dead = {c.id for c in batch.tool_calls if low <= c.seq < high}
        self._dead.extend(sorted(dead))
        for call_id in dead:
            self.pending.pop(call_id, None)
        batch.messages = [m for m in batch.messages if not low <= m.seq < high]
        batch.tool_calls = [c for c in batch.tool_calls if c.id not in dead]
        batch.tool_results = [r for r in batch.tool_results if not low <= r.seq < high and r.tool_use_id not in dead]

    # ------------------------------------------------------------------ the session

    def _session(self, sid: str) -> SessionRecord:
        summary = self._summary
        sub = summary.subagent and summary.parent is not None
        return SessionRecord(
            id=sid,
            agent=AGENT,
            kind="subagent" if sub else "main",
            parent_id=summary.parent if sub else None,
            cwd=self._cwd,
            project=project_for_cwd(self._cwd) if self._cwd else None,
            title=summary.title,
            model=self._model or summary.model,
            started_at=self._started,
            ended_at=self._ended,
        )


def _content_text(content: Any) -> str:
    """The text of an ACP content block (or of a list of them); "" for an image and the like."""
    if isinstance(content, dict):
        return content["text"] if content.get("type", "text") == "text" and isinstance(content.get("text"), str) else ""
    if isinstance(content, list):
        return "".join(_content_text(part) for part in content)
    return ""


def _tool_name(update: dict[str, Any]) -> str:
    meta = update.get("_meta")
    tool = meta.get("x.ai/tool") if isinstance(meta, dict) else None
    name = _text(tool.get("name")) if isinstance(tool, dict) else None
    return name or _text(update.get("title")) or "?"


def _result_parts(content: Any) -> tuple[str, list[tuple[str, str]]]:
    """A tool update's text (its text blocks joined, as Grok's replay joins them) and its diffs
    (old text, new text)."""
    texts: list[str] = []
    diffs: list[tuple[str, str]] = []
    for item in content if isinstance(content, list) else []:
        if not isinstance(item, dict):
            continue
        if item.get("type") == "content":
            texts.append(_content_text(item.get("content")))
        elif item.get("type") == "diff" and isinstance(item.get("newText"), str):
            old = item.get("oldText")
            diffs.append((old if isinstance(old, str) else "", item["newText"]))
    return "".join(texts), diffs
