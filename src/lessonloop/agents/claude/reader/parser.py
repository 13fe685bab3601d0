"""Claude Code transcript lines -> normalized records.

One parser reads one source file, chunk after chunk, keeping what it learned (sessions seen,
tool calls waiting for their result) across chunks. It never raises on bad input: every line it
cannot read is reported as a Problem with the file and line.
"""

from __future__ import annotations

import os
import re
import reprlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from lessonloop.agents.claude.reader import AGENT, texts
from lessonloop.agents.claude.reader.diffs import EDIT_TOOLS, applied_diff
from lessonloop.agents.claude.reader.record_types import SKIPPED_TYPES
from lessonloop.agents.claude.reader.tools import kind_of
from lessonloop.capture.adapters import PendingCall
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    json_objects,
    redacted,
    signed_count,
)
from lessonloop.capture.projects import project_for_cwd
from lessonloop.core import json_codec
from lessonloop.core.records import (
    Batch,
    MessageRecord,
    Problem,
    SessionRecord,
    SummaryRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.core.timestamps import normalize_timestamp
from lessonloop.secrets.redaction import Scope, redact_tool_input, redact_value

# How each kind of message is redacted (secrets/redaction.py): what the user typed after `!` is a
# command line, what commands printed is output, everything else (prompts, replies, summaries,
# corrections) prose.
_MESSAGE_SCOPES: dict[str, Scope] = {
    texts.BASH_INPUT: "command",
    texts.BASH_OUTPUT: "output",
    texts.COMMAND_OUTPUT: "output",
}

# Every top-level field seen in real transcripts or documented; anything else is a notice.
KNOWN_FIELDS = frozenset(
    {
        "type",
        "uuid",
        "parentUuid",
        "logicalParentUuid",
        "sessionId",
        "timestamp",
        "cwd",
        "gitBranch",
        "version",
        "isSidechain",
        "userType",
        "slug",
        "agentId",
        "isMeta",
        "requestId",
        "message",
        "toolUseResult",
        "sourceToolAssistantUUID",
        "sourceToolUseID",
        "permissionMode",
        "isCompactSummary",
        "isVisibleInTranscriptOnly",
        "todos",
        "thinkingMetadata",
        "data",
        "toolUseID",
        "parentToolUseID",
        "subtype",
        "content",
        "level",
        "durationMs",
        "compactMetadata",
        "hookCount",
        "hookInfos",
        "hookErrors",
        "preventedContinuation",
        "stopReason",
        "hasOutput",
        "messageId",
        "snapshot",
        "isSnapshotUpdate",
        "operation",
        "summary",
        "leafUuid",
        "customTitle",
        "aiTitle",
        "title",
        "agentName",
        "isApiErrorMessage",
        "error",
        "apiError",
        "cause",
        "retryInMs",
        "retryAttempt",
        "maxRetries",
        "imagePasteIds",
        "mcpMeta",
        "planContent",
        "teamName",
        "lastPrompt",
        "mode",
        "url",
        "prNumber",
        "prUrl",
        "prRepository",
        "setting",
        "agentSetting",
        "attachment",
        "isCompactBoundary",
        "gitCommit",
        "requestDurationMs",
        "costUSD",
        "durationMsApi",
        "model",
        "project",
        "display",
        "pastedContents",
        "parentMessageId",
        # 2.1.328 (the real-agent harness, tests/real_agents/): on prompts, replies and tool results
        "entrypoint",
        "promptId",
        "promptSource",
        "apiBlockIndex",
        "effort",
        "perTurnEffort",
        "madeBy",
        "promptCacheRequested",
        "requestRef",
        "requestedModel",
        "toolInputStreamMs",
        "permissionDecision",
        "sandboxed",
        "turnOrigin",
        "turnPosition",
        "failedHookErrorIndexes",
        "hookAdditionalContext",
    }
)

_UUID_STEM = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _only_text(content: Any, test: Callable[[str], bool]) -> bool:
    """Whether a user record's content is text alone (a string, or text blocks) passing `test`."""
    if isinstance(content, str):
        return test(content)
    if not isinstance(content, list) or not content:
        return False
    parts: list[str] = []
    for block in content:
        if not isinstance(block, dict) or block.get("type") != "text" or not isinstance(block.get("text"), str):
            return False
        parts.append(block["text"])
    return test("\n".join(parts))


@dataclass(slots=True)
class _Unconfirmed:
    """A result holding the rejection words without Claude Code's marker, waiting for the next record."""

    batch: Batch
    result: ToolResultRecord
    session_id: str
    record: dict[str, Any]
    lineno: int


class ClaudeCodeParser:
    """Parses the lines of one Claude Code transcript file into Batches."""

    def __init__(
        self,
        path: str,
        *,
        pending_calls: dict[str, PendingCall] | None = None,
        project_of: Callable[[str], str] = project_for_cwd,
    ) -> None:
        self.path = path
        self.pending_calls: dict[str, PendingCall] = dict(pending_calls or {})
        self._project_of = project_of
        stem = os.path.basename(path)
        stem = stem[: -len(".jsonl")] if stem.endswith(".jsonl") else stem
        self._file_session = stem if _UUID_STEM.match(stem) else None
        self._file_agent = stem[len("agent-") :] if stem.startswith("agent-") else None
        if self._file_agent is not None and self._file_session is None:
            # <sessionId>/subagents/agent-<id>.jsonl: the parent's id is two folders up.
            grand = os.path.basename(os.path.dirname(os.path.dirname(path)))
            if _UUID_STEM.match(grand):
                self._file_session = grand
        self._meta = _read_subagent_meta(path) if self._file_agent is not None else None
        self._sessions: dict[tuple[str, str | None], SessionRecord] = {}
        self._sessions_by_id: dict[str, SessionRecord] = {}
        self._last_session: str | None = None
        self._unknown_types: dict[str, tuple[int, int]] = {}
        self._unknown_fields: dict[str, tuple[int, int]] = {}
        self._batch = Batch()
        # context -> a result holding the rejection words without Claude Code's marker (2.1.4's
        # rejection, or a hook's denial): the person's only if the context's next record is
        # Claude Code's "[Request interrupted by user for tool use]" (texts.rejection_of)
        self._unconfirmed: dict[str, _Unconfirmed] = {}

    # ----------------------------------------------------------------- entry points

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch:
        """Parse complete lines (without their newline); line numbers start at `first_lineno`.

        Lines are expected within the size limit: the line reader drops longer ones.
        """
        batch = self._batch = Batch()
        handlers = self._handlers
        known = KNOWN_FIELDS
        all_known = known.issuperset  # (no set built for a record of known fields: nearly all)
        for lineno, record in json_objects(lines, first_lineno, self.path, batch.problems):
            batch.records += 1
            try:
                kind = record.get("type")
                handler = handlers.get(kind) if type(kind) is str else None
                if handler is None:
                    if type(kind) is str and kind in SKIPPED_TYPES:
                        continue
                    label = kind if isinstance(kind, str) else _short_repr(kind)
                    first, count = self._unknown_types.get(label, (lineno, 0))
                    self._unknown_types[label] = (first, count + 1)
                    continue
                # Fields are drift only on the records read: a skipped type's fields are not ours to know.
                if not all_known(record):
                    for name in record.keys() - known:
                        first, count = self._unknown_fields.get(name, (lineno, 0))
                        self._unknown_fields[name] = (first, count + 1)
                handler(self, record, lineno)
            except Exception as exc:  # malformed shapes: report, keep going
                kind = record.get("type")
                self._problem(
                    lineno,
                    "malformed-record",
                    f"{kind if isinstance(kind, str) else _short_repr(kind)} record not understood"
                    f" ({type(exc).__name__}: {exc})"[:300],
                )
        return batch

    def notices(self) -> list[Problem]:
        """Format drift seen so far: unknown record types and fields, with first line and count."""
        out: list[Problem] = []
        for kind, (first, count) in sorted(self._unknown_types.items()):
            out.append(
                Problem(
                    self.path, first, "unknown-record-type", f"record type {kind!r} ({count} lines) skipped", "notice"
                )
            )
        for name, (first, count) in sorted(self._unknown_fields.items()):
            out.append(Problem(self.path, first, "unknown-field", f"field {name!r} ({count} lines) ignored", "notice"))
        return out

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

    def _session(self, record: dict[str, Any]) -> str:
        """The id of the agent context a record belongs to, registering it on first sight."""
        session_id = record.get("sessionId")
        if not isinstance(session_id, str) or not session_id:
            session_id = self._file_session or self._last_session or f"file:{self.path}"
        agent_id = record.get("agentId") if record.get("isSidechain") is True else None
        if agent_id is not None and not isinstance(agent_id, str):
            agent_id = str(agent_id)
        if record.get("isSidechain") is True and agent_id is None and self._file_agent is not None:
            agent_id = self._file_agent
        key = (session_id, agent_id)
        known = self._sessions.get(key)
        if known is None:
            known = self._register_session(session_id, agent_id, record)
        else:
            if known.slug is None and isinstance(record.get("slug"), str):
                known.slug = record["slug"]
                self._batch.sessions[known.id] = known
            if not known.git_branch and isinstance(record.get("gitBranch"), str) and record["gitBranch"]:
                known.git_branch = record["gitBranch"]
                self._batch.sessions[known.id] = known
            if known.cwd is None and known.project is None:
                # Registered by a record naming no folder (a title, a line without cwd): the first
                # that names one gives the session its folder and project (capture.exclude_projects
                # decides on them).
                self._name_folder(known, record)
                parent = self._sessions.get((session_id, None))
                if parent is not None and parent is not known and parent.placeholder:
                    self._name_folder(parent, record)
        self._last_session = session_id
        return known.id

    def _name_folder(self, session: SessionRecord, record: dict[str, Any]) -> None:
        cwd = _text_or_none(record.get("cwd"))
        if cwd is not None and session.cwd is None and session.project is None:
            session.cwd = cwd
            session.project = self._project_of(cwd)
            self._batch.sessions[session.id] = session

    def _register_session(self, session_id: str, agent_id: str | None, record: dict[str, Any]) -> SessionRecord:
        cwd = _text_or_none(record.get("cwd"))
        project = self._project_of(cwd) if cwd else None
        common: dict[str, Any] = {
            "agent": AGENT,
            "project": project,
            "cwd": cwd,
            "git_branch": _text_or_none(record.get("gitBranch")),
            "version": _text_or_none(record.get("version")),
            "slug": _text_or_none(record.get("slug")),
        }
        if agent_id is None:
            session = SessionRecord(id=session_id, kind="main", **common)
        else:
            kind = "compaction" if agent_id.startswith("acompact") else "subagent"
            session = SessionRecord(
                id=f"{session_id}/{agent_id}", kind=kind, parent_id=session_id, agent_id=agent_id, **common
            )
            meta = self._meta if agent_id == self._file_agent else None
            if meta:
                session.agent_type = _text_or_none(meta.get("agentType"))
                session.description = self._redact(_text_or_none(meta.get("description")), 2_000)
                session.spawn_tool_use_id = _text_or_none(meta.get("toolUseId"))
            parent_key = (session_id, None)
            if parent_key not in self._sessions:
                parent = SessionRecord(id=session_id, kind="main", placeholder=True, **common)
                parent.slug = None
                self._sessions[parent_key] = parent
                self._sessions_by_id[parent.id] = parent
                self._batch.sessions[parent.id] = parent
        self._sessions[(session_id, agent_id)] = session
        self._sessions_by_id[session.id] = session
        self._batch.sessions[session.id] = session
        return session

    def _message(
        self,
        session_id: str,
        record: dict[str, Any],
        lineno: int,
        role: str,
        kind: str,
        text: str | None,
        tool_use_id: str | None = None,
    ) -> None:
        uuid = record.get("uuid")
        if not isinstance(uuid, str) or not uuid:
            uuid = f"line:{lineno}"
        parent = record.get("parentUuid")
        self._batch.messages.append(
            MessageRecord(
                session_id=session_id,
                uuid=uuid,
                parent_uuid=parent if isinstance(parent, str) else None,
                seq=lineno,
                ts=normalize_timestamp(record.get("timestamp")),
                role=role,
                kind=kind,
                text=self._redact(text, MESSAGE_TEXT_CHARS, _MESSAGE_SCOPES.get(kind, "prose")),
                tool_use_id=tool_use_id,
            )
        )

    # ----------------------------------------------------------------- record types

    def _on_assistant(self, record: dict[str, Any], lineno: int) -> None:
        session_id = self._session(record)
        self._unconfirmed.pop(session_id, None)  # the agent went on: no one stopped that call
        message = record.get("message")
        if not isinstance(message, dict):
            self._problem(lineno, "malformed-record", "assistant record without a message object")
            return
        model = message.get("model")
        usage = message.get("usage")
        if isinstance(usage, dict) and isinstance(model, str) and model != "<synthetic>":
            self._usage(session_id, record, message, model, usage, lineno)
            session = self._sessions_by_id.get(session_id)
            if session is not None and session.model is None:
                session.model = model
                self._batch.sessions[session.id] = session
        content = message.get("content")
        # The harness writes "<synthetic>" lines itself (e.g. "No response requested."): not the model's words.
        message_kind = "synthetic" if model == "<synthetic>" else "assistant"
        if isinstance(content, str):
            self._message(session_id, record, lineno, "assistant", message_kind, content)
            return
        if not isinstance(content, list):
            if content is not None:
                self._problem(
                    lineno, "malformed-record", f"assistant content is {type(content).__name__}, expected a list"
                )
            return
        texts_seen: list[str] = []
        ts = None
        for block in content:
            if not isinstance(block, dict):
                continue
            kind = block.get("type")
            if kind == "text":
                value = block.get("text")
                if isinstance(value, str) and value.strip():
                    texts_seen.append(value)
            elif kind == "tool_use":
                if ts is None:
                    ts = normalize_timestamp(record.get("timestamp"))
                self._tool_use(session_id, record, block, lineno, ts)
        if texts_seen:
            self._message(session_id, record, lineno, "assistant", message_kind, "\n".join(texts_seen))

    def _usage(
        self,
        session_id: str,
        record: dict[str, Any],
        message: dict[str, Any],
        model: str,
        usage: dict[str, Any],
        lineno: int,
    ) -> None:
        message_id = message.get("id")
        request_id = record.get("requestId")
        if not isinstance(message_id, str) or not message_id:
            message_id = f"uuid:{record.get('uuid') or lineno}"
        if not isinstance(request_id, str):
            request_id = ""
        key = (message_id, request_id)
        row = TokenUsageRecord(
            message_id=message_id,
            request_id=request_id,
            session_id=session_id,
            model=model,
            ts=normalize_timestamp(record.get("timestamp")),
            input_tokens=signed_count(usage.get("input_tokens")),
            output_tokens=signed_count(usage.get("output_tokens")),
            cache_creation_tokens=signed_count(usage.get("cache_creation_input_tokens")),
            cache_read_tokens=signed_count(usage.get("cache_read_input_tokens")),
        )
        ttl = usage.get("cache_creation")  # {"ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"}
        if isinstance(ttl, dict):  # the hour-long part of the cache writes, billed higher (docs/costs.md)
            row.cache_creation_1h_tokens = min(
                signed_count(ttl.get("ephemeral_1h_input_tokens")), row.cache_creation_tokens
            )
        known = self._batch.usage.get(key)
        # The lines of one response repeat its usage with growing output: keep the largest.
        if known is None or row.output_tokens > known.output_tokens:
            self._batch.usage[key] = row

    def _tool_use(
        self, session_id: str, record: dict[str, Any], block: dict[str, Any], lineno: int, ts: str | None
    ) -> None:
        tool_id = block.get("id")
        name = block.get("name")
        if not isinstance(tool_id, str) or not tool_id:
            self._problem(lineno, "malformed-record", "tool_use block without an id")
            return
        if not isinstance(name, str) or not name:
            name = "?"
        tool_input = block.get("input")
        target = None
        command = None
        input_json = None
        if isinstance(tool_input, dict):
            target = tool_input.get("file_path") or tool_input.get("notebook_path") or tool_input.get("path")
            if not isinstance(target, str):
                target = None
        if tool_input is not None:
            try:
                if isinstance(tool_input, dict):
                    cleaned, count = redact_tool_input(tool_input)
                else:
                    cleaned, count = redact_value(tool_input, "prose")
                self._batch.redactions += count
                input_json = json_codec.dumps(cleaned)
            except (TypeError, RecursionError) as exc:  # nested deeper than JSON writers allow
                self._problem(lineno, "malformed-record", f"tool input of {tool_id} not stored ({exc})"[:300])
                cleaned = None
            if isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
                command = cleaned["command"]
        uuid = record.get("uuid")
        self._batch.tool_calls.append(
            ToolCallRecord(
                id=tool_id,
                session_id=session_id,
                message_uuid=uuid if isinstance(uuid, str) else None,
                seq=lineno,
                ts=ts,
                tool=name,
                input_json=input_json,
                target_path=target,
                command=command,
                cwd=_text_or_none(record.get("cwd")),
                kind=kind_of(name),
            )
        )
        self.pending_calls[tool_id] = PendingCall(name, tool_input)

    def _on_user(self, record: dict[str, Any], lineno: int) -> None:
        session_id = self._session(record)
        message = record.get("message")
        if not isinstance(message, dict):
            self._problem(lineno, "malformed-record", "user record without a message object")
            return
        content = message.get("content")
        sidechain = record.get("isSidechain") is True
        unconfirmed = self._unconfirmed.pop(session_id, None)
        if unconfirmed is not None and not record.get("isMeta") and _only_text(content, texts.is_tool_use_interrupt):
            self._confirm_rejection(unconfirmed)
        if isinstance(content, str):
            self._message(session_id, record, lineno, "user", texts.user_text_kind(content, record, sidechain), content)
            return
        if not isinstance(content, list):
            if content is not None:
                self._problem(
                    lineno, "malformed-record", f"user content is {type(content).__name__}, expected a string or list"
                )
            return
        results = [block for block in content if isinstance(block, dict) and block.get("type") == "tool_result"]
        tool_use_result = record.get("toolUseResult") if len(results) == 1 else None
        rejection: tuple[str, str | None] | None = None
        for block in results:
            outcome = self._tool_result(session_id, record, block, tool_use_result, lineno)
            if outcome is not None:
                rejection = outcome
        text_parts = [
            block["text"]
            for block in content
            if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str)
        ]
        if rejection is not None:
            tool_use_id, feedback = rejection
            self._message(session_id, record, lineno, "user", texts.REJECTION, feedback, tool_use_id)
        elif text_parts:
            text = "\n".join(text_parts)
            self._message(session_id, record, lineno, "user", texts.user_text_kind(text, record, sidechain), text)

    def _tool_result(
        self, session_id: str, record: dict[str, Any], block: dict[str, Any], tool_use_result: Any, lineno: int
    ) -> tuple[str, str | None] | None:
        """Record one tool result; return (tool_use_id, the person's words) when Claude Code's own
        record says the person rejected the call (texts.rejection_of)."""
        tool_id = block.get("tool_use_id")
        if not isinstance(tool_id, str) or not tool_id:
            self._problem(lineno, "malformed-record", "tool_result block without a tool_use_id")
            return None
        text = texts.block_text(block.get("content"))
        is_error = block.get("is_error") is True
        pending = self.pending_calls.pop(tool_id, None)
        tool = pending.tool if pending is not None else None
        if tool is None and isinstance(tool_use_result, dict) and "structuredPatch" in tool_use_result:
            # The call was read in an earlier run and is not pending here: the result names the edit.
            tool = "Write" if tool_use_result.get("type") in ("create", "update") else "Edit"
            pending = PendingCall(tool, None)
        verdict = texts.rejection_of(text, tool_use_result, is_error, tool)
        rejected = verdict == texts.PERSON
        interrupted = not rejected and texts.is_interrupted(text, tool_use_result)
        failed = is_error or rejected or texts.is_harness_error(text, tool_use_result)
        if rejected:
            status = "rejected"
        elif interrupted:
            status = "interrupted"
        elif failed:
            status = "error"
        else:
            status = "ok"
        ok = not failed and not interrupted
        exit_code = texts.exit_code_of(text) if failed else None
        if exit_code is None and ok and tool == "Bash":
            exit_code = 0
        result = ToolResultRecord(
            tool_use_id=tool_id,
            seq=lineno,
            ts=normalize_timestamp(record.get("timestamp")),
            ok=ok,
            status=status,
            exit_code=exit_code,
        )
        if ok:
            result.result_text = self._redact(text, RESULT_EXCERPT_CHARS, "output") if text else None
            if tool in EDIT_TOOLS and pending is not None:
                diff = applied_diff(tool, pending.input, tool_use_result)
                if diff is not None:
                    result.diff = self._redact(diff[0], 10 * MESSAGE_TEXT_CHARS, "code")
                    result.lines_added, result.lines_removed = diff[1], diff[2]
        else:
            result.error_text = self._redact(texts.error_text_of(text, tool_use_result), ERROR_TEXT_CHARS, "output")
        if isinstance(tool_use_result, dict):
            agent_id = tool_use_result.get("agentId")
            if isinstance(agent_id, str) and agent_id:
                result.subagent_id = agent_id
        self._batch.tool_results.append(result)
        if rejected:
            return tool_id, texts.rejection_feedback(text)
        if verdict == texts.UNCONFIRMED:
            self._unconfirmed[session_id] = _Unconfirmed(self._batch, result, session_id, record, lineno)
        return None

    def _confirm_rejection(self, held: _Unconfirmed) -> None:
        """Claude Code's interrupt marker came right after a result holding the rejection words:
        the person rejected that call (2.1.4). Their words, if any, are not taken: that record is
        shaped as a hook's denial is. A result already stored with an earlier chunk stays an error."""
        if held.batch is not self._batch:
            return
        result = held.result
        result.status = "rejected"
        result.ok = False
        result.exit_code = None
        self._message(held.session_id, held.record, held.lineno, "user", texts.REJECTION, None, result.tool_use_id)

    def _on_system(self, record: dict[str, Any], lineno: int) -> None:
        subtype = record.get("subtype")
        if subtype in ("turn_duration", "stop_hook_summary"):
            return
        session_id = self._session(record)
        content = record.get("content")
        text = content if isinstance(content, str) else None
        if subtype == "compact_boundary":
            meta = record.get("compactMetadata")
            if isinstance(meta, dict):
                text = f"{text or 'Conversation compacted'} (trigger: {meta.get('trigger')}, {meta.get('preTokens')} tokens before)"
            self._message(session_id, record, lineno, "system", "compact_boundary", text)
        elif subtype == "api_error":
            error = record.get("error")
            detail = text or (json_codec.dumps(error) if error is not None else "API error")
            self._message(session_id, record, lineno, "system", "api_error", detail)
        elif subtype == "local_command":
            self._message(session_id, record, lineno, "system", texts.COMMAND_OUTPUT, text)
        else:
            self._message(
                session_id, record, lineno, "system", "system", text or (subtype if isinstance(subtype, str) else None)
            )

    def _on_progress(self, record: dict[str, Any], lineno: int) -> None:
        data = record.get("data")
        if not isinstance(data, dict) or data.get("type") != "agent_progress":
            return
        # A running subagent: the parent's Task call learns which agent it started.
        agent_id = data.get("agentId")
        tool_id = record.get("parentToolUseID")
        if isinstance(agent_id, str) and agent_id and isinstance(tool_id, str) and tool_id:
            self._batch.subagent_links[tool_id] = agent_id

    def _on_summary(self, record: dict[str, Any], lineno: int) -> None:
        summary = record.get("summary")
        leaf = record.get("leafUuid")
        if isinstance(summary, str) and isinstance(leaf, str):
            self._batch.summaries.append(SummaryRecord(leaf, self._redact(summary, MESSAGE_TEXT_CHARS) or "", lineno))
        else:
            self._problem(lineno, "malformed-record", "summary record without summary text or leafUuid")

    def _on_title(self, record: dict[str, Any], lineno: int) -> None:
        title = record.get("customTitle") or record.get("aiTitle") or record.get("title")
        if not isinstance(title, str) or not title:
            return
        session = self._sessions_by_id[self._session(record)]
        session.title = self._redact(title, 500)
        self._batch.sessions[session.id] = session

    _handlers: ClassVar[dict[str, Callable[[ClaudeCodeParser, dict[str, Any], int], None]]] = {
        "assistant": _on_assistant,
        "user": _on_user,
        "system": _on_system,
        "progress": _on_progress,
        "summary": _on_summary,
        "custom-title": _on_title,
        "ai-title": _on_title,
    }


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60


def _short_repr(value: Any) -> str:
    """A value as a short label (a few levels and items, never a walk of the whole value)."""
    return _REPR.repr(value)


def _read_subagent_meta(path: str) -> dict[str, Any] | None:
    """`agent-<id>.meta.json` beside a subagent transcript: {agentType, description, toolUseId}."""
    meta_path = path[: -len(".jsonl")] + ".meta.json" if path.endswith(".jsonl") else path + ".meta.json"
    try:
        with open(meta_path, "rb") as handle:
            data = json_codec.loads(handle.read(1_000_000))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def open_parser(
    path: str, format: str, *, pending_calls: dict[str, PendingCall], state: dict[str, Any] | None = None
) -> ClaudeCodeParser:
    """The parser of one Claude Code transcript (capture/adapters.py); it keeps no state between
    reads: every line names its session, and calls waiting for a result come from the store."""
    return ClaudeCodeParser(path, pending_calls=pending_calls)
