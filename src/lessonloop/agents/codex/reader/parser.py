"""Codex CLI rollout lines -> normalized records.

A rollout (codex-rs/core rollout recorder) is JSONL, one `{"timestamp", "type", "payload"}` per
line: `session_meta` (the session: id, cwd, cli_version, originator, git, forked_from_id, source),
`turn_context` (each turn's cwd and model), `response_item` (the model's history: messages,
reasoning, function_call / custom_tool_call / local_shell_call / web_search_call and their
outputs), `event_msg` (what the UI saw: user_message, agent_message, token_count,
exec_command_end, patch_apply_end, turn_aborted, ...), `compacted`. Rollouts written before
August 2025 have no envelope: a first `{"id", "timestamp", "instructions"}` line, then bare
response items and `{"record_type": "state"}` lines.

One parser reads one rollout, chunk after chunk; `state()` carries what a later read of the same
file needs (the session, the model in force, the last token totals, calls whose end event came
before their output), so an appended read stores exactly what a clean read would. It never raises
on bad input: every line it cannot read is a Problem with the file and line, and so is a record
holding a field it reads with another JSON type than Codex writes (shapes.py), which is skipped.
"""

from __future__ import annotations

import functools
import os
import re
import reprlib
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from lessonloop.agents.codex.reader import AGENT, compressed, patches, shapes
from lessonloop.agents.codex.reader.injected import is_injected_event, is_injected_item
from lessonloop.agents.codex.reader.outcomes import Outcome, outcome_of, output_text, policy_refused, powershell_error
from lessonloop.agents.codex.reader.tools import kind_of, shell_command_of
from lessonloop.capture.adapters import PendingCall, Unit, UnreadableUnit
from lessonloop.capture.field_types import Shape, described, wrong_field
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    json_objects,
    redacted,
    signed_count,
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
from lessonloop.core.timestamps import normalize_timestamp, parse_timestamp
from lessonloop.secrets.redaction import Scope, redact_tool_input, redact_value

UNKNOWN_MODEL = "unknown"  # token counts before any turn_context named a model

_ENVELOPE_TYPES = frozenset({"session_meta", "turn_context", "response_item", "event_msg", "compacted"})
# Envelope types known and skipped (0.169, the real-agent harness): `token_usage_record` repeats per
# response what the token_count events say (the tokens are read from those, as in older rollouts),
# `world_state` is the instructions and settings the turn started with.
_SKIPPED_TYPES = frozenset({"token_usage_record", "world_state"})
_LEGACY_ITEMS = frozenset(
    {
        "message",
        "reasoning",
        "function_call",
        "function_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "local_shell_call",
        "web_search_call",
    }
)
# response_item types read for nothing: compaction summaries (encrypted; the `compacted` line says
# the history was summarized), tools offered to the model, request controls.
_QUIET_ITEMS = frozenset(
    {
        "compaction",
        "compaction_summary",
        "context_compaction",
        "compaction_trigger",
        "additional_tools",
        "ghost_snapshot",
    }
)
# event_msg types read for nothing: the same content is in response items, or UI-only.
_QUIET_EVENTS = frozenset(
    {
        "thread_goal_updated",
        "thread_settings_applied",
        "sub_agent_activity",  # {agent_thread_id, agent_path, kind}: the child's rollout names its parent
        "image_generation_begin",
        "image_generation_end",
        "agent_message",
        "agent_message_delta",
        "agent_reasoning",
        "agent_reasoning_delta",
        "agent_reasoning_raw_content",
        "agent_reasoning_raw_content_delta",
        "agent_reasoning_section_break",
        "task_complete",
        "turn_complete",
        "exec_command_begin",
        "exec_command_output_delta",
        "terminal_interaction",
        "patch_apply_begin",
        "mcp_tool_call_begin",
        "web_search_begin",
        "view_image_tool_call",
        "exec_approval_request",
        "apply_patch_approval_request",
        "request_user_input",
        "elicitation_request",
        "turn_diff",
        "plan_update",
        "background_event",
        "context_compacted",
        "item_started",
        "raw_response_item",
        "session_configured",
        "mcp_startup_update",
        "mcp_startup_complete",
        "shutdown_complete",
        "thread_name_updated",
        "thread_rolled_back",
        "entered_review_mode",
        "exited_review_mode",
        "undo_started",
        "undo_completed",
        "deprecation_notice",
        "stream_error",
        "warning",
        "collab_agent_spawn_begin",
        "collab_agent_interaction_begin",
        "collab_waiting_begin",
        "collab_close_begin",
        "collab_resume_begin",
    }
)
# The folder Codex tells the model, in the environment context it injects as a user message.
_CONTEXT_CWD = re.compile(r"<environment_context>.*?<cwd>([^<\n]{1,4096})</cwd>", re.S)
_UUID_TAIL = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.json(?:l|l\.zst)?$", re.I)
# A fork's rollout holds the parent's history copied in one burst when the fork is made (each line
# stamped as it is written), then its own records, from the first turn the person starts. In
# rollouts whose turns carry no UUIDv7 turn id (Codex before late 2025, whose forks also had no
# forked_from_id), the first record written this long after the replayed one before it, in a
# replay stamped at the fork's time, is the fork's own.
_REPLAY_GAP_MS = 2000
_REPLAY_CLOCK_SLACK_MS = 1000
_TOKEN_FIELDS = ("input_tokens", "cached_input_tokens", "output_tokens", "reasoning_output_tokens", "total_tokens")


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _uuid7_ms(value: Any) -> int | None:
    """The creation time (ms) a UUIDv7 carries, else None."""
    if not isinstance(value, str) or len(value) != 36 or value[14:15] != "7":
        return None
    try:
        return int(value[:8] + value[9:13], 16)
    except ValueError:
        return None


def _ms_of(timestamp: Any) -> int | None:
    text = normalize_timestamp(timestamp)
    if text is None:
        return None
    try:
        return int(parse_timestamp(text).timestamp() * 1000)
    except ValueError:
        return None


class CodexParser:
    """Parses the lines of one Codex rollout into Batches."""

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
        match = _UUID_TAIL.search(os.path.basename(path))
        fallback = match.group(1) if match else f"file:{path}"
        st = state if isinstance(state, dict) else {}
        self._sid: str = _text_or_none(st.get("sid")) or fallback
        self._meta_seen: bool = st.get("meta") is True
        self._parent: str | None = _text_or_none(st.get("parent"))
        self._cwd: str | None = _text_or_none(st.get("cwd"))
        self._branch: str | None = _text_or_none(st.get("branch"))
        self._version: str | None = _text_or_none(st.get("version"))
        self._agent_type: str | None = _text_or_none(st.get("agent_type"))
        self._first_model: str | None = _text_or_none(st.get("first_model"))
        self._model: str | None = _text_or_none(st.get("model"))
        self._started: str | None = _text_or_none(st.get("started"))
        self._ended: str | None = _text_or_none(st.get("ended"))
        self._replay: bool = st.get("replay") is True
        fork_ms = st.get("fork_ms")
        self._fork_ms: int | None = fork_ms if isinstance(fork_ms, int) else None
        replay_ms = st.get("replay_ms")
        self._replay_ms: int | None = replay_ms if isinstance(replay_ms, int) else None
        totals = st.get("totals")
        self._totals: list[int] | None = (
            [signed_count(v) for v in totals]
            if isinstance(totals, list) and len(totals) == len(_TOKEN_FIELDS)
            else None
        )
        self._events: bool = st.get("events") is True
        # Whether the rollout has the {timestamp, type, payload} envelope (August 2025 on): its
        # prompts are user_message events, its user-role response items only repeat them.
        self._envelope: bool = st.get("envelope") is True or self._events
        self._user_events: bool = st.get("user_events") is True
        done = st.get("done")
        self._done: set[str] = {v for v in done if isinstance(v, str)} if isinstance(done, list) else set()
        procs = st.get("procs")
        self._procs: dict[str, str] = (
            {str(k): v for k, v in procs.items() if isinstance(v, str)} if isinstance(procs, dict) else {}
        )
        self._search_id: str | None = _text_or_none(st.get("search"))
        self._unknown_types: dict[str, tuple[int, int]] = {}
        self._batch = Batch()

    # ----------------------------------------------------------------- entry points

    def state(self) -> dict[str, Any]:
        """What the next read of this file needs (ids, names, counters; no free text)."""
        return {
            "sid": self._sid,
            "meta": self._meta_seen,
            "parent": self._parent,
            "cwd": self._cwd,
            "branch": self._branch,
            "version": self._version,
            "agent_type": self._agent_type,
            "first_model": self._first_model,
            "model": self._model,
            "started": self._started,
            "ended": self._ended,
            "replay": self._replay,
            "fork_ms": self._fork_ms,
            "replay_ms": self._replay_ms,
            "totals": self._totals,
            "events": self._events,
            "envelope": self._envelope,
            "user_events": self._user_events,
            "done": sorted(self._done),
            "procs": self._procs,
            "search": self._search_id,
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
                    f"{kind if isinstance(kind, str) else _short_repr(kind)} record not understood"
                    f" ({type(exc).__name__}: {exc})"[:300],
                )
        if batch.records and (
            batch.messages or batch.tool_calls or batch.usage or batch.tool_results or self._meta_seen
        ):
            batch.sessions[self._sid] = self._session_record()
            if self._parent and self._parent not in batch.sessions:
                # Known only as this fork's parent until its own rollout is read (as Claude Code's subagents).
                batch.sessions[self._parent] = SessionRecord(
                    id=self._parent,
                    agent=AGENT,
                    kind="main",
                    placeholder=True,
                    cwd=self._cwd,
                    project=batch.sessions[self._sid].project,
                )
        if batch.tool_results:
            self._settle(batch)
        return batch

    def notices(self) -> list[Problem]:
        """Format drift seen so far: unknown record and event types, with first line and count."""
        return [
            Problem(self.path, first, "unknown-record-type", f"record type {kind!r} ({count} lines) skipped", "notice")
            for kind, (first, count) in sorted(self._unknown_types.items())
        ]

    # ----------------------------------------------------------------- helpers

    def _problem(self, lineno: int, code: str, detail: str) -> None:
        self._batch.problems.append(Problem(self.path, lineno, code, detail))

    def _wrong(self, record: dict[str, Any], shape: Shape, what: str, lineno: int) -> bool:
        """Whether a field `record` holds has the wrong type (capture/field_types.py): then a problem
        of its line says which, and the record is skipped."""
        wrong = wrong_field(record, shape)
        if wrong is not None:
            self._problem(lineno, "malformed-record", f"{what}: {wrong}; skipped")
        return wrong is not None

    def _unknown(self, label: str, lineno: int) -> None:
        first, count = self._unknown_types.get(label, (lineno, 0))
        self._unknown_types[label] = (first, count + 1)

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
            kind="subagent" if self._parent else "main",
            parent_id=self._parent,
            project=self._project_of(self._cwd) if self._cwd else None,
            cwd=self._cwd,
            git_branch=self._branch,
            version=self._version,
            agent_type=self._agent_type,
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

    # ----------------------------------------------------------------- dispatch

    def _record(self, record: dict[str, Any], lineno: int) -> None:
        kind = record.get("type")
        payload = record.get("payload")
        ts = normalize_timestamp(record.get("timestamp"))
        if type(kind) is str and kind in _ENVELOPE_TYPES and isinstance(payload, dict):
            if ts is not None and (self._ended is None or ts > self._ended):
                self._ended = ts
            self._envelope = True
            if kind == "session_meta":
                self._on_meta(payload, ts, lineno)
            elif self._replay and not self._replay_paused(ts):
                self._in_replay(kind, payload)
            elif kind == "response_item":
                self._on_item(payload, ts, lineno)
            elif kind == "event_msg":
                self._events = True
                self._on_event(payload, ts, lineno)
            elif kind == "turn_context":
                if not self._wrong(payload, shapes.TURN_CONTEXT, "turn_context record", lineno):
                    self._on_turn_context(payload)
            else:  # compacted: the history was summarized
                self._message(lineno, ts, "system", "system", "conversation compacted")
            return
        if type(kind) is str and kind in _ENVELOPE_TYPES and payload is not None:
            self._problem(
                lineno,
                "malformed-record",
                f"{kind} record: payload is {described(payload)}, expected an object; skipped",
            )
            return
        if "record_type" in record or (type(kind) is str and kind in _SKIPPED_TYPES):
            return  # legacy state lines; known types with nothing to read
        if kind is None and "id" in record and ("instructions" in record or "git" in record):
            self._on_meta(record, ts, lineno)  # the legacy first line
            return
        if type(kind) is str and kind in _LEGACY_ITEMS and "payload" not in record:
            self._on_item(record, ts, lineno)
            return
        self._unknown(kind if isinstance(kind, str) else _short_repr(kind), lineno)

    # ----------------------------------------------------------------- session, turns, replay

    def _on_meta(self, meta: dict[str, Any], ts: str | None, lineno: int) -> None:
        if self._wrong(meta, shapes.META, "session_meta record", lineno):
            return
        meta_id = _text_or_none(meta.get("id"))
        if self._meta_seen:
            if meta_id is not None and meta_id != self._sid:
                self._replay = True  # an ancestor's meta: its history is replayed from here
                self._replay_ms = _ms_of(ts)
                if self._parent is None:
                    # A fork written before session_meta had forked_from_id: the first ancestor
                    # whose history it replays is the session it was forked from.
                    self._parent = meta_id
                if self._fork_ms is None:
                    self._fork_ms = _uuid7_ms(self._sid) or _ms_of(self._started) or _ms_of(ts)
            elif meta_id == self._sid:
                self._replay = False  # the rollout's own meta again: its own records follow
            return
        self._meta_seen = True
        if meta_id is not None:
            self._sid = meta_id
        # A meta naming no folder keeps the one a turn named before it (capture.exclude_projects decides on it).
        self._cwd = _text_or_none(meta.get("cwd")) or self._cwd
        self._version = _text_or_none(meta.get("cli_version"))
        git = meta.get("git")
        if isinstance(git, dict):
            self._branch = _text_or_none(git.get("branch"))
        self._started = normalize_timestamp(meta.get("timestamp")) or ts
        parent = _text_or_none(meta.get("forked_from_id"))
        source = meta.get("source")
        spawn = None
        if isinstance(source, dict) and isinstance(source.get("subagent"), dict):
            spawn = source["subagent"].get("thread_spawn")
            if isinstance(spawn, dict):
                parent = parent or _text_or_none(spawn.get("parent_thread_id"))
                self._agent_type = _text_or_none(spawn.get("agent_role")) or _text_or_none(spawn.get("agent_type"))
        self._agent_type = self._agent_type or _text_or_none(meta.get("agent_role"))
        self._parent = parent if parent != self._sid else None
        if self._parent:
            self._fork_ms = _uuid7_ms(self._sid) or _ms_of(meta.get("timestamp")) or _ms_of(ts)

    def _replay_paused(self, ts: str | None) -> bool:
        """Whether a record of the replay is the fork's own: the replay ended before it. In a replay
        stamped at the fork's time, the first record after a pause (see _REPLAY_GAP_MS); in a replay
        that kept the parent's own times (Codex copies them as they were in some versions), the
        first record stamped at or after the fork was made (issue 26: such a fork was stored with
        0 calls and 0 tokens when its turns carried no UUIDv7 id)."""
        now = _ms_of(ts)
        before, self._replay_ms = self._replay_ms, now if now is not None else self._replay_ms
        fork = self._fork_ms
        if now is None or before is None or fork is None:
            return False
        if before < fork - _REPLAY_CLOCK_SLACK_MS:
            if now < fork:
                return False  # still the parent's history, at the parent's times
        elif now - before < _REPLAY_GAP_MS:
            return False
        self._replay = False
        return True

    def _turn_is_own(self, turn_id: Any) -> bool:
        """Whether a turn (UUIDv7 id) began at or after this rollout's fork: its own turn."""
        started = _uuid7_ms(turn_id)
        return started is not None and self._fork_ms is not None and started >= self._fork_ms

    def _in_replay(self, kind: str, payload: dict[str, Any]) -> None:
        """A record of the parent's replayed history: only its token totals are kept (as the
        baseline the rollout's own counts grow from); a turn of the rollout's own ends the replay."""
        if kind == "turn_context" and self._turn_is_own(payload.get("turn_id")):
            self._replay = False
            self._on_turn_context(payload)
        elif kind == "event_msg":
            event = payload.get("type")
            if event == "task_started" and self._turn_is_own(payload.get("turn_id")):
                self._replay = False
            elif event == "token_count":
                info = payload.get("info")
                if isinstance(info, dict) and isinstance(info.get("total_token_usage"), dict):
                    self._totals = _token_vector(info["total_token_usage"])

    def _on_turn_context(self, payload: dict[str, Any]) -> None:
        model = _text_or_none(payload.get("model"))
        if model is not None:
            self._model = model
            if self._first_model is None:
                self._first_model = model
        cwd = _text_or_none(payload.get("cwd"))
        if cwd is not None and self._cwd is None:
            self._cwd = cwd

    # ----------------------------------------------------------------- response items

    def _on_item(self, item: dict[str, Any], ts: str | None, lineno: int) -> None:
        kind = item.get("type")
        shape = shapes.ITEMS.get(kind) if type(kind) is str else None
        if shape is not None and self._wrong(item, shape, f"{kind} item", lineno):
            return
        if kind == "message":
            self._on_message(item, ts, lineno)
        elif kind == "reasoning":
            summary = item.get("summary")
            if isinstance(summary, list):
                text = "\n".join(
                    part["text"] for part in summary if isinstance(part, dict) and isinstance(part.get("text"), str)
                )
                if text.strip():
                    self._message(lineno, ts, "assistant", "reasoning", text)
        elif kind == "function_call":
            self._on_function_call(item, ts, lineno)
        elif kind == "custom_tool_call":
            name = _text_or_none(item.get("name")) or "?"
            self._call(item.get("call_id"), name, item.get("input"), ts, lineno)
        elif kind == "local_shell_call":
            action = item.get("action")
            arguments = action if isinstance(action, dict) else {}
            call_id = item.get("call_id") or item.get("id")
            self._call(call_id, "local_shell", arguments, ts, lineno)
        elif kind in ("function_call_output", "custom_tool_call_output"):
            self._on_output(item, ts, lineno)
        elif kind == "web_search_call":
            self._on_web_search(item, ts, lineno)
        elif kind == "agent_message":
            self._on_agent_message(item, ts, lineno)
        elif kind == "tool_search_call":
            self._on_tool_search(item, ts, lineno)
        elif kind == "tool_search_output":
            self._on_tool_search_output(item, ts, lineno)
        elif kind == "image_generation_call":
            self._on_image_generation(item, ts, lineno)
        elif isinstance(kind, str) and kind in _QUIET_ITEMS:
            return
        elif isinstance(kind, str):
            self._unknown(f"response_item/{kind}", lineno)

    def _on_message(self, item: dict[str, Any], ts: str | None, lineno: int) -> None:
        role = item.get("role")
        content = item.get("content")
        if isinstance(content, str):
            text = content
        elif isinstance(content, list):
            text = "\n".join(
                part["text"] for part in content if isinstance(part, dict) and isinstance(part.get("text"), str)
            )
        else:
            text = ""
        if role == "assistant":
            if text.strip():
                self._message(lineno, ts, "assistant", "assistant", text)
        elif role in ("developer", "system"):
            self._message(lineno, ts, "system", "instructions", text)
        elif role == "user":
            if is_injected_item(text):
                if self._cwd is None:  # no meta or turn named the session's folder: Codex's context does
                    found = _CONTEXT_CWD.search(text)
                    if found is not None:
                        self._cwd = found.group(1).strip() or None
                self._message(lineno, ts, "user", "instructions", text)
            elif not self._envelope:
                # Rollouts without the envelope (before August 2025): the user's message is the prompt.
                self._message(lineno, ts, "user", "prompt", text)
            # else: the same words come as a user_message event (or a UserMessage item), the prompt.

    def _on_function_call(self, item: dict[str, Any], ts: str | None, lineno: int) -> None:
        name = _text_or_none(item.get("name")) or "?"
        namespace = _text_or_none(item.get("namespace"))
        if namespace is not None:
            name = namespace + name if namespace.endswith(("__", ".", "/")) else f"{namespace}__{name}"
        raw = item.get("arguments")
        arguments: Any = raw
        if isinstance(raw, str):
            try:
                arguments = json_codec.loads(raw)
            except json_codec.JSONDecodeError:
                arguments = raw
        self._call(item.get("call_id"), name, arguments, ts, lineno)

    def _call(self, call_id: Any, tool: str, arguments: Any, ts: str | None, lineno: int) -> None:
        if not isinstance(call_id, str) or not call_id:
            self._problem(lineno, "malformed-record", f"{tool} call without a call_id")
            return
        kind = kind_of(tool)
        command = shell_command_of(tool, arguments)
        cwd = self._cwd
        target: str | None = None
        paths: tuple[str, ...] = ()
        patch = None
        if tool == "apply_patch":
            patch = patches.patch_text(arguments.get("input") if isinstance(arguments, dict) else arguments)
        elif command is not None and patches.is_shell_patch(command):
            patch = patches.patch_text(command)
        if isinstance(arguments, dict):
            workdir = arguments.get("workdir") or arguments.get("working_directory")
            if isinstance(workdir, str) and workdir:
                cwd = workdir
                if self._cwd is None and workdir.startswith("/"):
                    self._cwd = workdir  # no meta or turn named the session's folder: its first command's does
            for key in ("path", "file_path", "dir_path"):
                value = arguments.get(key)
                if isinstance(value, str) and value:
                    target = value
                    break
        if patch is not None:
            files = patches.parse_patch(patch)
            kind = records.WRITE if patches.writes_only(files) else records.EDIT
            found = patches.paths_of(files)
            target = found[0] if found else None
            paths = tuple(found) if len(found) > 1 else ()
        input_json = None
        cleaned: Any = None
        try:
            if isinstance(arguments, dict):
                cleaned, count = redact_tool_input(arguments)
            else:
                cleaned, count = redact_value(arguments, "code" if patch is not None else "prose")
            self._batch.redactions += count
            input_json = json_codec.dumps(cleaned) if cleaned is not None else None
        except (TypeError, RecursionError) as exc:
            self._problem(lineno, "malformed-record", f"tool input of {call_id} not stored ({exc})"[:300])
        if command is not None:
            # The input's cmd/command was redacted as a command line already: take it from there.
            from_input = shell_command_of(tool, cleaned) if isinstance(cleaned, dict) else None
            command = from_input or self._redact(command, MESSAGE_TEXT_CHARS, "command")
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
                cwd=cwd,
                kind=kind,
                paths=paths,
            )
        )
        # What the store gives back for a call still waiting (its stored input), so that a later
        # read of an appended file sees the same as this one.
        self.pending_calls[call_id] = PendingCall(tool, cleaned if input_json else None)

    def _on_web_search(self, item: dict[str, Any], ts: str | None, lineno: int) -> None:
        call_id = _text_or_none(item.get("id")) or self._search_id or f"web_search:{self._sid}:{lineno}"
        self._search_id = None
        action = item.get("action")
        self._call(call_id, "web_search", action if isinstance(action, dict) else {}, ts, lineno)
        self.pending_calls.pop(call_id, None)
        status = item.get("status")
        failed = status in ("failed", "incomplete")
        self._result(call_id, lineno, ts, Outcome("error" if failed else "ok", None, ""), None)

    def _on_agent_message(self, item: dict[str, Any], ts: str | None, lineno: int) -> None:
        """A message between agents (multi-agent v2: `author`, `recipient`, content parts of which
        only `input_text` is readable): the task another agent gave, as Claude Code's subagent prompts."""
        content = item.get("content")
        parts = content if isinstance(content, list) else []
        text = "\n".join(
            part["text"]
            for part in parts
            if isinstance(part, dict) and part.get("type") != "encrypted_content" and isinstance(part.get("text"), str)
        )
        if text.strip():
            self._message(lineno, ts, "user", "task_prompt", text)

    def _on_tool_search(self, item: dict[str, Any], ts: str | None, lineno: int) -> None:
        """A search of the deferred tools: its tool_search_output (same call_id) settles it; one
        without a call_id (run by the server) or already failed is settled here."""
        call_id = _text_or_none(item.get("call_id"))
        status = item.get("status")
        failed = status in ("failed", "incomplete")
        key = call_id or _text_or_none(item.get("id")) or f"tool_search:{self._sid}:{lineno}"
        self._call(key, "tool_search", item.get("arguments"), ts, lineno)
        if call_id is None or failed:
            self.pending_calls.pop(key, None)
            self._result(key, lineno, ts, Outcome("error" if failed else "ok", None, ""), None)

    def _on_tool_search_output(self, item: dict[str, Any], ts: str | None, lineno: int) -> None:
        call_id = _text_or_none(item.get("call_id"))
        if call_id is None:
            return  # a server-side search: no call of this rollout to settle
        self.pending_calls.pop(call_id, None)
        tools = item.get("tools")
        count = len(tools) if isinstance(tools, list) else 0
        failed = item.get("status") in ("failed", "incomplete")
        self._result(call_id, lineno, ts, Outcome("error" if failed else "ok", None, f"{count} tools found"), None)

    def _on_image_generation(self, item: dict[str, Any], ts: str | None, lineno: int) -> None:
        """The image generation tool, call and outcome in one item (its `result` is the image: not kept)."""
        call_id = _text_or_none(item.get("id")) or f"image_generation:{self._sid}:{lineno}"
        prompt = item.get("revised_prompt")
        self._call(
            call_id, "image_generation", {"revised_prompt": prompt} if isinstance(prompt, str) else {}, ts, lineno
        )
        self.pending_calls.pop(call_id, None)
        failed = item.get("status") in ("failed", "incomplete")
        self._result(call_id, lineno, ts, Outcome("error" if failed else "ok", None, ""), None)

    def _on_output(self, item: dict[str, Any], ts: str | None, lineno: int) -> None:
        call_id = item.get("call_id")
        if not isinstance(call_id, str) or not call_id:
            self._problem(lineno, "malformed-record", "tool output without a call_id")
            return
        pending = self.pending_calls.pop(call_id, None)
        if call_id in self._done:
            self._done.discard(call_id)  # its end event already gave the outcome
            return
        raw = item.get("output")
        outcome = outcome_of(raw)
        tool = pending.tool if pending is not None else None
        if tool == "write_stdin":
            outcome = self._poll_outcome(pending, outcome, ts, lineno)
        elif outcome.running and outcome.session is not None:
            self._procs[outcome.session] = call_id
        diff = _patch_diff(pending) if outcome.status == "ok" else None
        self._result(call_id, lineno, ts, outcome, diff)

    def _poll_outcome(self, pending: PendingCall | None, outcome: Outcome, ts: str | None, lineno: int) -> Outcome:
        """write_stdin polls a running exec_command: the exit it reports is that command's (given to
        its call when no exec_command_end did); the poll itself fails only when the harness says so."""
        if outcome.exit_code is not None and pending is not None and isinstance(pending.input, dict):
            session = pending.input.get("session_id")
            exec_call = self._procs.pop(str(session), None) if session is not None else None
            if exec_call is not None:
                self._result(exec_call, lineno, ts, outcome, None)
        if outcome.status == "error" and outcome.exit_code is not None:
            return Outcome("ok", None, outcome.text)
        return Outcome(outcome.status, None, outcome.text)

    def _result(
        self,
        call_id: str,
        lineno: int,
        ts: str | None,
        outcome: Outcome,
        diff: tuple[str, int, int] | None,
        *,
        error_text: str | None = None,
        subagent_id: str | None = None,
    ) -> None:
        ok = outcome.status == "ok"
        result = ToolResultRecord(
            tool_use_id=call_id,
            seq=lineno,
            ts=ts,
            ok=ok,
            status=outcome.status,
            exit_code=outcome.exit_code,
            subagent_id=subagent_id,
        )
        # Texts are cut and redacted once per batch, for the last result of each call (see _settle).
        if ok:
            result.result_text = outcome.text or None
            if diff is not None:
                result.diff = diff[0]
                result.lines_added, result.lines_removed = diff[1], diff[2]
        else:
            result.error_text = error_text or outcome.text or None
        self._batch.tool_results.append(result)

    def _settle(self, batch: Batch) -> None:
        """Keep the last result of each call (the store applies them in order: the last one wins;
        an output followed by its exec_command_end is common) and redact only its texts."""
        last: dict[str, ToolResultRecord] = {}
        for result in batch.tool_results:
            earlier = last.pop(result.tool_use_id, None)
            if earlier is not None and result.subagent_id is None:
                result.subagent_id = earlier.subagent_id  # the store keeps a subagent id once given
            last[result.tool_use_id] = result
        for result in last.values():
            result.result_text = self._redact(result.result_text, RESULT_EXCERPT_CHARS, "output")
            result.diff = self._redact(result.diff, 10 * MESSAGE_TEXT_CHARS, "code")
            result.error_text = self._redact(result.error_text, ERROR_TEXT_CHARS, "output")
        batch.tool_results = list(last.values())

    def _end_of(self, call_id: str) -> None:
        """An end event gave a call its outcome: its output (if still to come) is not read again."""
        if self.pending_calls.pop(call_id, None) is not None:
            self._done.add(call_id)

    # ----------------------------------------------------------------- events

    def _on_event(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        kind = event.get("type")
        shape = shapes.EVENTS.get(kind) if type(kind) is str else None
        if shape is not None and self._wrong(event, shape, f"{kind} event", lineno):
            return
        handler = self._event_handlers.get(kind) if type(kind) is str else None
        if handler is not None:
            handler(self, event, ts, lineno)
        elif type(kind) is str and kind in _QUIET_EVENTS:
            return
        elif type(kind) is str and kind.startswith("collab_") and kind.endswith("_end"):
            self._on_collab_end(event, ts, lineno)
        else:
            self._unknown(f"event_msg/{kind if isinstance(kind, str) else _short_repr(kind)}", lineno)

    def _on_user_message(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        self._user_events = True
        message = event.get("message")
        text = message if isinstance(message, str) else None
        if text is not None and is_injected_event(text, event.get("kind")):
            return  # Codex's context shown as a user message (its response item is kept as instructions)
        self._message(lineno, ts, "user", "prompt", text)

    def _on_item_completed(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        """A finished TurnItem (protocol items.rs, `{"type": "UserMessage", "content": [UserInput]}`).
        Rollouts in "paginated" history mode keep the person's prompt only here (no user_message
        event); "legacy" rollouts persist item_completed only for items read elsewhere (plans,
        tool outputs), so a UserMessage item is a prompt unless user_message events are present."""
        turn_item = event.get("item")
        if not isinstance(turn_item, dict) or turn_item.get("type") != "UserMessage" or self._user_events:
            return
        content = turn_item.get("content")
        parts = content if isinstance(content, list) else []
        text = "\n".join(
            part["text"]
            for part in parts
            if isinstance(part, dict) and part.get("type") == "text" and isinstance(part.get("text"), str)
        )
        if text.strip() and not is_injected_event(text):
            self._message(lineno, ts, "user", "prompt", text)

    def _on_token_count(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        info = event.get("info")
        if not isinstance(info, dict):
            return
        total = info.get("total_token_usage")
        last = info.get("last_token_usage")
        totals = _token_vector(total) if isinstance(total, dict) else None
        if totals is not None:
            if totals == self._totals:
                return  # the same count again (Codex repeats token_count events)
            previous = self._totals
            self._totals = totals
        else:
            previous = None
        if isinstance(last, dict):
            usage = _token_vector(last)
        elif totals is not None:
            # The growth of the totals; totals that went down were reset (a resumed session's new
            # process counts from 0 again): all of them are new.
            if previous is None or any(now < before for now, before in zip(totals, previous, strict=True)):
                usage = list(totals)
            else:
                usage = [now - before for now, before in zip(totals, previous, strict=True)]
        else:
            return
        fresh, cached, output, reasoning = usage[0], usage[1], usage[2], usage[3]
        key = (f"codex:{self._sid}", str(lineno))
        self._batch.usage[key] = TokenUsageRecord(
            message_id=key[0],
            request_id=key[1],
            session_id=self._sid,
            model=self._model or UNKNOWN_MODEL,
            ts=ts,
            input_tokens=max(0, fresh - cached),
            output_tokens=output,
            cache_creation_tokens=0,
            cache_read_tokens=cached,
            reasoning_tokens=reasoning,
        )

    def _on_exec_end(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        call_id = event.get("call_id")
        if not isinstance(call_id, str) or not call_id:
            return
        output = event.get("aggregated_output") or event.get("formatted_output") or ""
        if not isinstance(output, str):
            output = ""
        if not output:
            parts = [event.get("stdout"), event.get("stderr")]
            output = "\n".join(part for part in parts if isinstance(part, str) and part)
        if event.get("source") == "user_shell":
            command = event.get("command")
            line = command[-1] if isinstance(command, list) and command and isinstance(command[-1], str) else ""
            self._message(lineno, ts, "user", "command_output", f"$ {line}\n{output}", "output")
            return
        code = event.get("exit_code")
        exit_code = code if isinstance(code, int) and not isinstance(code, bool) else None
        status = event.get("status")
        if status == "declined" and not policy_refused(output):
            outcome = Outcome("rejected", exit_code, output)
        elif status in ("failed", "declined") or (exit_code is not None and exit_code != 0) or powershell_error(output):
            outcome = Outcome("error", exit_code, output)
        else:
            outcome = Outcome("ok", exit_code, output)
        for session, owner in list(self._procs.items()):
            if owner == call_id:
                del self._procs[session]
        diff = _patch_diff(self.pending_calls.get(call_id)) if outcome.status == "ok" else None
        self._end_of(call_id)
        self._result(call_id, lineno, ts, outcome, diff)

    def _on_patch_end(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        call_id = event.get("call_id")
        if not isinstance(call_id, str) or not call_id:
            return
        stdout = _text_or_none(event.get("stdout")) or ""
        stderr = _text_or_none(event.get("stderr")) or ""
        success = event.get("success") is True and event.get("status") not in ("failed", "declined")
        if event.get("status") == "declined":
            outcome = Outcome("rejected", None, stderr or stdout)
        else:
            outcome = Outcome("ok" if success else "error", None, stdout if success else (stderr or stdout))
        diff = patches.diff_of_changes(event.get("changes")) if success else None
        if diff is None and success:
            diff = _patch_diff(self.pending_calls.get(call_id))
        self._end_of(call_id)
        self._result(call_id, lineno, ts, outcome, diff)

    def _on_mcp_end(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        call_id = event.get("call_id")
        if not isinstance(call_id, str) or not call_id:
            return
        result = event.get("result")
        failed = isinstance(result, dict) and (
            "Err" in result or (isinstance(result.get("Ok"), dict) and result["Ok"].get("isError") is True)
        )
        text = ""
        if isinstance(result, dict):
            inner = result.get("Ok", result.get("Err"))
            text = inner if isinstance(inner, str) else output_text(inner)
        self._end_of(call_id)
        self._result(call_id, lineno, ts, Outcome("error" if failed else "ok", None, text), None)

    def _on_collab_end(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        call_id = event.get("call_id")
        if not isinstance(call_id, str) or not call_id:
            return
        child = _text_or_none(event.get("new_thread_id"))
        spawn = event.get("type") == "collab_agent_spawn_end"
        status = event.get("status")
        failed = (spawn and child is None) or status in ("failed", "errored", "error")
        self._end_of(call_id)
        self._result(call_id, lineno, ts, Outcome("error" if failed else "ok", None, ""), None, subagent_id=child)

    def _on_web_search_end(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        self._search_id = _text_or_none(event.get("call_id"))

    def _on_turn_aborted(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        reason = event.get("reason")
        self._message(
            lineno, ts, "user", "interrupt", f"turn aborted ({reason if isinstance(reason, str) else 'interrupted'})"
        )
        for call_id in sorted(self.pending_calls):
            self._result(call_id, lineno, ts, Outcome("interrupted", None, "aborted"), None)
        self.pending_calls.clear()

    def _on_task_started(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        return

    def _on_error(self, event: dict[str, Any], ts: str | None, lineno: int) -> None:
        message = event.get("message")
        self._message(lineno, ts, "system", "api_error", message if isinstance(message, str) else "error")

    _event_handlers: ClassVar[dict[str, Callable[[CodexParser, dict[str, Any], str | None, int], None]]] = {
        "user_message": _on_user_message,
        "item_completed": _on_item_completed,
        "token_count": _on_token_count,
        "exec_command_end": _on_exec_end,
        "patch_apply_end": _on_patch_end,
        "mcp_tool_call_end": _on_mcp_end,
        "web_search_end": _on_web_search_end,
        "turn_aborted": _on_turn_aborted,
        "task_started": _on_task_started,
        "error": _on_error,
    }


def _patch_diff(pending: PendingCall | None) -> tuple[str, int, int] | None:
    """The diff a call's patch makes (apply_patch, or a shell command running it), else None."""
    if pending is None:
        return None
    value = pending.input
    if isinstance(value, dict):
        value = next((v for k in ("input", "cmd", "command") if (v := value.get(k)) is not None), None)
    text = patches.patch_text(value)
    return patches.diff_of_patch(patches.parse_patch(text)) if text is not None else None


def _token_vector(usage: dict[str, Any]) -> list[int]:
    return [signed_count(usage.get(name)) for name in _TOKEN_FIELDS]


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60


def _short_repr(value: Any) -> str:
    return _REPR.repr(value)


def units(format: str, paths: list[str], problems: list[Problem]) -> list[Unit]:
    """Rollouts read whole: compressed ones (`rollout-*.jsonl.zst`, decoded, as one clean read of
    their lines: a cold archived rollout does not grow, Codex makes it plain again to append) and
    the TypeScript CLI's JSON documents (`rollout-<date>-<id>.json`, rewritten on every update)."""
    read = _read_document if format == "codex-rollout-json" else _read_compressed
    found: list[Unit] = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError as exc:
            problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
            continue
        found.append(Unit(path, info.st_size, info.st_mtime_ns, functools.partial(read, path)))
    return found


def _read_document(path: str) -> Batch:
    """A TypeScript Codex CLI rollout (codex-cli/src/utils/storage/save-rollout.ts): one JSON
    object {"session": {timestamp, id, instructions, model?, provider?}, "items": [response
    items]}, read as the legacy rollout lines it matches: the session as the first line, then
    each item as a bare response item."""
    batch = Batch()
    try:
        with open(path, "rb") as handle:
            document = json_codec.loads(handle.read())
    except OSError as exc:
        batch.problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return batch
    except (json_codec.JSONDecodeError, ValueError) as exc:
        batch.problems.append(Problem(path, None, "invalid-json", f"invalid JSON; file skipped ({str(exc)[:120]})"))
        return batch
    session = document.get("session") if isinstance(document, dict) else None
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(session, dict) or not isinstance(items, list):
        batch.problems.append(
            Problem(path, None, "malformed-record", "not a rollout: no session object and items list")
        )
        return batch
    meta = {"instructions": None, **session}  # the legacy first line is known by its id and instructions
    lines = [json_codec.dumps(meta).encode(), *(json_codec.dumps(item).encode() for item in items)]
    parser = CodexParser(path)
    batch = parser.parse(lines, 1)
    batch.problems.extend(parser.notices())
    return batch


def _read_compressed(path: str) -> Batch:
    try:
        data = compressed.decompress(path)
    except compressed.UnreadableCompressed as exc:  # a failed file: what it stored before stays
        raise UnreadableUnit(
            Problem(path, None, "compressed-rollout", f"cannot decode this rollout: {exc}"[:400])
        ) from exc
    except OSError as exc:
        raise UnreadableUnit(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}")) from exc
    lines = data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()  # the newline after the last line
    parser = CodexParser(path)
    batch = parser.parse([line.removesuffix(b"\r") for line in lines], 1)
    batch.problems.extend(parser.notices())
    return batch


def open_parser(
    path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None = None
) -> CodexParser:
    """The parser of one Codex rollout (capture/adapters.py), resuming from `state` when the file
    is read again from where the last read stopped."""
    return CodexParser(path, pending_calls=pending_calls, state=state)
