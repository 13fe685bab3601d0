"""OpenCode's sessions -> normalized records: OpenCode's and its forks' (Kilo Code keeps the same
schema in its own kilo.db).

Both formats hold the same records (storage/ JSON files; opencode.db rows whose `data` column is
the same JSON without its ids): a session, its messages (role user or assistant) and each
message's parts (text, reasoning, tool, step-start, step-finish, patch, file, agent, subtask,
snapshot, compaction, retry). Each session is one unit (capture/adapters.py): read whole when any
of its files or rows changed; what it stored before and no longer holds is kept
(store/sessions/kept_rows.py). A message or part holding a field read with another JSON type than
OpenCode writes (shapes.py) is a problem naming it, and is skipped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from lessonloop.capture.adapters import Unit
from lessonloop.capture.field_types import wrong_field
from lessonloop.capture.opencode_format import shapes
from lessonloop.capture.opencode_format.diffs import applied_diff
from lessonloop.capture.opencode_format.tools import kind_of, patch_paths, target_paths
from lessonloop.capture.parsing import ERROR_TEXT_CHARS, MESSAGE_TEXT_CHARS, RESULT_EXCERPT_CHARS, redacted, token_count
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
from lessonloop.secrets.redaction import Scope, redact_tool_input

OPENCODE = "opencode"  # the agent whose files these are when none is named
# The part types OpenCode writes; any other is a notice (format drift).
PART_TYPES = frozenset(
    {
        "text",
        "reasoning",
        "tool",
        "step-start",
        "step-finish",
        "patch",
        "snapshot",
        "file",
        "agent",
        "subtask",
        "compaction",
        "retry",
    }
)
INVALID_TOOL = "invalid"


@dataclass(frozen=True, slots=True)
class Flavor:
    """What a fork of OpenCode writes otherwise in the same tables (OpenCode's own: the defaults).

    - `kind_of`: its tool names -> the neutral kinds (its tools.py);
    - `message_tokens`: False when the tokens of a message and its step-finish parts are not read
      (a fork that counts cached input inside `input` and keeps each request's tokens in a table
      of its own, which its reader turns into records);
    - `user_kind`: the kind of a user message's text (prompt, instructions, system) from the
      message's info, for a fork that writes injected context as user messages (None: the part's
      `synthetic` and `ignored` flags decide, as OpenCode's);
    - `part_types`: the part types it writes (any other is a notice)."""

    kind_of: Callable[[str], str] = kind_of
    message_tokens: bool = True
    user_kind: Callable[[dict[str, Any]], str | None] | None = None
    part_types: frozenset[str] = PART_TYPES


OPENCODE_FLAVOR = Flavor()
_REJECTED = ("rejected permission", "permission denied by user", "user dismissed")


@dataclass(slots=True)
class RawSession:
    """One session as read from either format: its info object and its messages with their parts
    (each a JSON object carrying its own id, as OpenCode's API gives them)."""

    source: str  # the unit's path, for problems
    info: dict[str, Any]
    messages: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Rows of the tables a fork keeps beside OpenCode's, read with the session (database.ExtraTable).
    extra: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def units(kind: Literal["storage", "database"], paths: list[str], problems: list[Problem], agent: str) -> list[Unit]:
    """One unit per session, in the storage files or databases among `paths` of OpenCode or a
    fork of it (`agent`: the store's name for the agent whose files they are)."""
    to_batch = functools.partial(session_batch, agent=agent)
    # (both import this module: imported when called)
    if kind == "storage":
        from lessonloop.capture.opencode_format import storage

        return storage.units(paths, problems, to_batch)
    else:
        from lessonloop.capture.opencode_format import database

        return database.units(paths, problems, to_batch)


def session_batch(
    raw: RawSession,
    project_of: Callable[[str], str] = project_for_cwd,
    *,
    agent: str = OPENCODE,
    flavor: Flavor = OPENCODE_FLAVOR,
) -> Batch:
    """Every record of one session. Never raises for bad shapes: they become problems."""
    return _SessionReader(raw, project_of, agent, flavor).read()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _sort_key(item: tuple[dict[str, Any], list[dict[str, Any]]]) -> tuple[float, str]:
    info = item[0]
    created = _dict(info.get("time")).get("created")
    moment = float(created) if isinstance(created, (int, float)) and not isinstance(created, bool) else 0.0
    return moment, str(info.get("id", ""))


class _SessionReader:
    def __init__(self, raw: RawSession, project_of: Callable[[str], str], agent: str, flavor: Flavor) -> None:
        self.raw = raw
        self.flavor = flavor
        self.project_of = project_of
        self.agent = agent
        self.batch = Batch()
        self.seq = 0
        self.unknown_parts: dict[str, int] = {}

    def read(self) -> Batch:
        batch = self.batch
        batch.problems.extend(self.raw.problems)
        session = self._session()
        for info, parts in sorted(self.raw.messages, key=_sort_key):
            batch.records += 1 + len(parts)
            try:
                self._message(session, info, sorted(parts, key=lambda p: str(p.get("id", ""))))
            except Exception as exc:  # a shape not understood: report it, read the rest
                self._problem(
                    "malformed-record", f"message {info.get('id')!r} not understood ({type(exc).__name__}: {exc})"[:300]
                )
        for kind, count in sorted(self.unknown_parts.items()):
            batch.problems.append(
                Problem(
                    self.raw.source, None, "unknown-part-type", f"part type {kind!r} ({count} parts) skipped", "notice"
                )
            )
        batch.sessions[session.id] = session
        return batch

    # ----------------------------------------------------------------- helpers

    def _problem(self, code: str, detail: str, severity: str = "error") -> None:
        self.batch.problems.append(Problem(self.raw.source, None, code, detail, severity))

    def _redact(self, text: str | None, limit: int, scope: Scope = "prose") -> str | None:
        if text is None:
            return None
        cleaned, count = redacted(text, limit, scope)
        self.batch.redactions += count
        return cleaned

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def _session(self) -> SessionRecord:
        info = self.raw.info
        session_id = _text(info.get("id")) or self.raw.source
        parent = _text(info.get("parentID"))
        cwd = _text(info.get("directory"))
        times = _dict(info.get("time"))
        return SessionRecord(
            id=session_id,
            agent=self.agent,
            kind="subagent" if parent else "main",
            parent_id=parent,
            cwd=cwd,
            project=self.project_of(cwd) if cwd else None,
            version=_text(info.get("version")),
            slug=_text(info.get("slug")),
            title=self._redact(_text(info.get("title")), 2_000),
            started_at=normalize_timestamp(times.get("created")),
            ended_at=normalize_timestamp(times.get("updated")),
        )

    # ----------------------------------------------------------------- messages

    def _message(self, session: SessionRecord, info: dict[str, Any], parts: list[dict[str, Any]]) -> None:
        message_id = _text(info.get("id"))
        if message_id is None:
            self._problem("malformed-record", "a message without an id: skipped")
            return
        wrong = wrong_field(info, shapes.MESSAGE)
        if wrong is not None:
            self._problem("malformed-record", f"message {message_id!r}: {wrong}; skipped")
            return
        role = info.get("role")
        ts = normalize_timestamp(_dict(info.get("time")).get("created"))
        if role == "assistant":
            model = _text(info.get("modelID"))
            if model is not None and session.model is None:
                session.model = model
            if session.cwd is None and session.project is None:
                # A session naming no directory: its first reply's working folder (capture.exclude_projects decides on it).
                where = _dict(info.get("path"))
                cwd = _text(where.get("cwd")) or _text(where.get("root"))
                if cwd is not None:
                    session.cwd = cwd
                    session.project = self.project_of(cwd)
            if self.flavor.message_tokens:
                self._usage(session.id, message_id, model, info, parts, ts)
        elif role != "user":
            self._problem("unknown-role", f"message {message_id!r} has role {role!r}: skipped", "notice")
            return
        for part in parts:
            kind = part.get("type")
            if not isinstance(kind, str) or kind not in self.flavor.part_types:  # a list or object type: unhashable
                label = kind if isinstance(kind, str) else type(kind).__name__
                self.unknown_parts[label] = self.unknown_parts.get(label, 0) + 1
                continue
            wrong = wrong_field(part, shapes.PARTS.get(kind, shapes.PART))
            if wrong is not None:
                self._problem(
                    "malformed-record", f"part {part.get('id')!r} of message {message_id!r}: {wrong}; skipped"
                )
                continue
            part_id = _text(part.get("id")) or f"{message_id}:{self.seq + 1}"
            part_ts = normalize_timestamp(_dict(part.get("time")).get("start")) or ts
            if kind == "text":
                self._text_part(session.id, message_id, part_id, role, part, part_ts, info)
            elif kind == "tool" and role == "assistant":
                self._tool(session, message_id, part_id, part, ts)
        error = info.get("error")
        if role == "assistant" and isinstance(error, dict):
            self._error(session.id, message_id, error, ts)

    def _text_part(
        self,
        session_id: str,
        message_id: str,
        part_id: str,
        role: str,
        part: dict[str, Any],
        ts: str | None,
        info: dict[str, Any],
    ) -> None:
        text = part.get("text")
        if not isinstance(text, str) or not text.strip():
            return
        user_kind = self.flavor.user_kind(info) if role == "user" and self.flavor.user_kind is not None else None
        if user_kind is not None:
            kind = user_kind
        elif role == "user":
            # Synthetic parts are OpenCode's own (an attached file's content, a tool's output put
            # into the prompt); ignored ones are never sent to the model.
            if part.get("synthetic") is True:
                kind = "instructions"
            elif part.get("ignored") is True:
                kind = "system"
            else:
                kind = "prompt"
        else:
            kind = "assistant"
        self.batch.messages.append(
            MessageRecord(
                session_id=session_id,
                uuid=part_id,
                parent_uuid=message_id,
                seq=self._next_seq(),
                ts=ts,
                role=role,
                kind=kind,
                text=self._redact(text, MESSAGE_TEXT_CHARS),
            )
        )

    def _error(self, session_id: str, message_id: str, error: dict[str, Any], ts: str | None) -> None:
        name = error.get("name")
        data = _dict(error.get("data"))
        message = _text(data.get("message")) or _text(error.get("message"))
        if name == "MessageAbortedError":
            role, kind, text = "user", "interrupt", message or "interrupted"
        else:
            role, kind = "system", "system"
            text = f"{name if isinstance(name, str) else 'error'}: {message or ''}".rstrip(": ")
        self.batch.messages.append(
            MessageRecord(
                session_id=session_id,
                uuid=f"{message_id}:error",
                parent_uuid=message_id,
                seq=self._next_seq(),
                ts=ts,
                role=role,
                kind=kind,
                text=self._redact(text, ERROR_TEXT_CHARS),
            )
        )

    # ----------------------------------------------------------------- tokens

    def _usage(
        self,
        session_id: str,
        message_id: str,
        model: str | None,
        info: dict[str, Any],
        parts: list[dict[str, Any]],
        ts: str | None,
    ) -> None:
        # OpenCode sets the message's tokens to its LAST step's (cost is added up): a message of
        # several steps (tool calls) has them all only in its step-finish parts.
        steps = [
            _dict(p.get("tokens"))
            for p in parts
            if p.get("type") == "step-finish" and isinstance(p.get("tokens"), dict)
        ]
        if steps:
            tokens = _sum_tokens(steps)
            costs = [p.get("cost") for p in parts if p.get("type") == "step-finish"]
            cost = sum(float(c) for c in costs if isinstance(c, (int, float)) and not isinstance(c, bool))
            cost_usd: float | None = cost if any(isinstance(c, (int, float)) for c in costs) else None
        else:
            tokens = _sum_tokens([_dict(info.get("tokens"))])
            raw_cost = info.get("cost")
            cost_usd = (
                float(raw_cost) if isinstance(raw_cost, (int, float)) and not isinstance(raw_cost, bool) else None
            )
        uncached, output, reasoning, cache_read, cache_write = tokens
        if not (uncached or output or reasoning or cache_read or cache_write):
            return
        # Each count fits SQLite's INTEGER, a sum of them may not (steps, output + reasoning): such a
        # sum is stored as 0 like any count it cannot hold, never an overflow that stops the ingest.
        self.batch.usage[(message_id, "")] = TokenUsageRecord(
            message_id=message_id,
            request_id="",
            session_id=session_id,
            model=model or "unknown",
            ts=ts,
            input_tokens=token_count(uncached),
            # OpenCode's output leaves reasoning out (it prices reasoning beside it): ours includes it.
            output_tokens=token_count(output + reasoning),
            cache_creation_tokens=token_count(cache_write),
            cache_read_tokens=token_count(cache_read),
            reasoning_tokens=token_count(reasoning),
            cost_usd=cost_usd,
        )

    # ----------------------------------------------------------------- tools

    def _tool(
        self, session: SessionRecord, message_id: str, part_id: str, part: dict[str, Any], ts: str | None
    ) -> None:
        tool = _text(part.get("tool")) or "unknown"
        state = _dict(part.get("state"))
        call_id = _text(part.get("callID")) or part_id
        raw_input = state.get("input")
        kind = self.flavor.kind_of(tool)
        times = _dict(state.get("time"))
        start_ts = normalize_timestamp(times.get("start")) or ts
        input_json: str | None = None
        command: str | None = None
        paths: tuple[str, ...] = ()
        if isinstance(raw_input, dict):
            cleaned, count = redact_tool_input(raw_input)
            self.batch.redactions += count
            input_json = json_codec.dumps(cleaned)
            paths = target_paths(cleaned)
            patch_text = cleaned.get("patchText")
            if isinstance(patch_text, str):
                paths = paths or patch_paths(patch_text)
            if kind == SHELL and isinstance(cleaned.get("command"), str):
                command = cleaned["command"]
        self.batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=session.id,
                message_uuid=message_id,
                seq=self._next_seq(),
                ts=start_ts,
                tool=tool,
                input_json=input_json,
                target_path=paths[0] if paths else None,
                command=command,
                cwd=session.cwd,
                kind=kind,
                paths=paths if len(paths) > 1 else (),
            )
        )
        result = self._result(call_id, tool, raw_input, state)
        if result is not None:
            self.batch.tool_results.append(result)

    def _result(self, call_id: str, tool: str, tool_input: Any, state: dict[str, Any]) -> ToolResultRecord | None:
        status = state.get("status")
        if status not in ("completed", "error"):
            return None  # pending or running: no result yet
        metadata = _dict(state.get("metadata"))
        ts = normalize_timestamp(_dict(state.get("time")).get("end"))
        exit_code = metadata.get("exit")
        exit_code = exit_code if isinstance(exit_code, int) and not isinstance(exit_code, bool) else None
        subagent = _text(metadata.get("sessionId"))
        if status == "error":
            error = state.get("error")
            text = error if isinstance(error, str) else json_codec.dumps(error) if error is not None else ""
            lowered = text.lower()
            if metadata.get("interrupted") is True or "aborted" in lowered:
                outcome = "interrupted"
            elif any(marker in lowered for marker in _REJECTED):
                outcome = "rejected"
            else:
                outcome = "error"
            return ToolResultRecord(
                tool_use_id=call_id,
                seq=self._next_seq(),
                ts=ts,
                ok=False,
                status=outcome,
                exit_code=exit_code,
                error_text=self._redact(text, ERROR_TEXT_CHARS, "output"),
                subagent_id=subagent,
            )
        output = state.get("output")
        out_text = output if isinstance(output, str) else json_codec.dumps(output) if output is not None else None
        if (exit_code is not None and exit_code != 0) or tool == INVALID_TOOL:
            # A command that failed still "completed" for OpenCode: its exit code says it failed.
            # A call of a tool that does not exist, or with arguments that do not validate, is
            # rerouted to the `invalid` tool (tool/invalid.ts), which "completes" with "The
            # arguments provided to the tool are invalid: ...": the model's call failed.
            return ToolResultRecord(
                tool_use_id=call_id,
                seq=self._next_seq(),
                ts=ts,
                ok=False,
                status="error",
                exit_code=exit_code,
                error_text=self._redact(out_text[-ERROR_TEXT_CHARS:] if out_text else None, ERROR_TEXT_CHARS, "output"),
                subagent_id=subagent,
            )
        diff = applied_diff(tool, tool_input, metadata)
        diff_text = added = removed = None
        if diff is not None:
            diff_text = self._redact(diff[0], MESSAGE_TEXT_CHARS, "code")
            added, removed = diff[1], diff[2]
        return ToolResultRecord(
            tool_use_id=call_id,
            seq=self._next_seq(),
            ts=ts,
            ok=True,
            status="ok",
            exit_code=exit_code,
            result_text=self._redact(
                out_text[:RESULT_EXCERPT_CHARS] if out_text else None, RESULT_EXCERPT_CHARS, "output"
            ),
            diff=diff_text,
            lines_added=added,
            lines_removed=removed,
            subagent_id=subagent,
        )


def _sum_tokens(objects: list[dict[str, Any]]) -> tuple[int, int, int, int, int]:
    """(input not cached, output without reasoning, reasoning, cache read, cache write), summed."""
    uncached = output = reasoning = read = write = 0
    for tokens in objects:
        cache = _dict(tokens.get("cache"))
        uncached += token_count(tokens.get("input"))
        output += token_count(tokens.get("output"))
        reasoning += token_count(tokens.get("reasoning"))
        read += token_count(cache.get("read"))
        write += token_count(cache.get("write"))
    return uncached, output, reasoning, read, write
