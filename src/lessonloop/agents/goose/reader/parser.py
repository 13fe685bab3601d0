"""Goose's sessions.db -> normalized records: one unit per session row, read whole.

Tables (crates/goose/src/session/session_manager.rs; schema 5 in the real file of the tests, 17 in
the newest source read; read by the columns each table has, so every schema from 5 on):
- `sessions`: id (`YYYYMMDD_N`), name (description before schema 4), session_type (`user`,
  `scheduled`, `sub_agent`, `hidden`, ... since 5), working_dir, created_at / updated_at (SQLite's
  "YYYY-MM-DD HH:MM:SS", UTC), the last call's tokens (total_tokens, input_tokens, output_tokens,
  cache_read_tokens, cache_write_tokens) and the session's sums (accumulated_*; cache ones since
  14), accumulated_cost (13), provider_name and model_config_json ({"model_name", ...}; 6),
  parent_session_id (15).
- `messages`: id (autoincrement), message_id (7), session_id, role (user, assistant),
  content_json (the message's content blocks), created_timestamp (epoch seconds, milliseconds when
  over 1e10), metadata_json ({"userVisible", "agentVisible"}). Goose reads them ordered by
  (created_timestamp, id).
- `usage_ledger` (15): one row per provider call: model, input_tokens, output_tokens,
  cache_read_tokens, cache_write_tokens, cost, cost_source, is_compaction, created_timestamp; and a
  `carried_forward` row for what the session's sums held before the ledger.

Goose's `input_tokens` count all input, cache reads and writes included (goose-provider-types'
token_usage.rs, `Usage`): the cache is taken out of them here.

What each becomes:
- a user message's text -> a prompt; one the person does not see (`userVisible` false: a
  compaction's summary, injected context) -> instructions; its toolResponse blocks -> the results
  of the calls of their id: failed when the result's status is "error" or its value says
  `isError`; the shell's exit code from its structured content.
- an assistant message's text -> "assistant"; each toolRequest (and frontendToolRequest) -> a call
  ({"status": "success", "value": {"name", "arguments"}}, or "error" when the model's call could not
  be read).
- tokens: one row per usage_ledger row where the table is, and the rest of the session's sums (usage
  before the ledger) as one row; else the session's sums (accumulated_*, else the last call's, as
  ccusage takes them) as one row. The cost is Goose's (ledger rows, accumulated_cost) when it
  recorded one above 0.
- a session with no message and no token (opened and never used) is not read.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from lessonloop.agents.goose.reader import AGENT
from lessonloop.agents.goose.reader.tools import developer_tool, kind_of
from lessonloop.capture.adapters import Unit
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
    diff_strings,
    token_count,
    tool_input,
)
from lessonloop.capture.projects import project_for_cwd
from lessonloop.capture.readonly_sqlite import ReadOnlyDatabase, database_units, read_session_rows
from lessonloop.core import json_codec
from lessonloop.core.records import (
    EDIT,
    READ,
    SHELL,
    WRITE,
    Batch,
    MessageRecord,
    Problem,
    SessionRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.core.timestamps import normalize_timestamp

_STAMP_MASK = (1 << 62) - 1
_BUSY_SECONDS = 2.0  # how long a read waits for a writer's lock before it says the file is locked
KINDS = ("input", "output", "cache_read", "cache_write")
LAST = {k: f"{k}_tokens" for k in KINDS}  # the last call's columns
SUMS = {k: f"accumulated_{k}_tokens" for k in KINDS}  # the session's sums
SESSION_COLUMNS = (
    "name", "description", "session_type", "working_dir", "created_at", "updated_at", "total_tokens",
    "accumulated_total_tokens", *LAST.values(), *SUMS.values(), "accumulated_cost", "provider_name",
    "model_config_json", "parent_session_id",
)  # fmt: skip
MESSAGE_COLUMNS = ("message_id", "role", "content_json", "created_timestamp", "metadata_json")
LEDGER_COLUMNS = ("id", "created_timestamp", "model", *LAST.values(), "cost", "cost_source", "is_compaction")
_CONTENT_KNOWN = {
    "text", "image", "toolRequest", "toolResponse", "frontendToolRequest", "toolConfirmationRequest",
    "actionRequired", "thinking", "redactedThinking", "systemNotification", "conversationCompacted",
    "contextLengthExceeded", "summarizationRequested", "reasoning", "error",
}  # fmt: skip


def units(paths: list[str], problems: list[Problem]) -> list[Unit]:
    found: list[Unit] = []
    for path in paths:
        found.extend(_database_units(path, problems))
    return found


# --- the database -------------------------------------------------------------------------------


class _Database(ReadOnlyDatabase):
    """A read-only connection to one database of Goose's (or to a copy of it with its WAL),
    shared by its units and closed after the last of them was read; a writer's lock held over
    _BUSY_SECONDS is reported, not read around; a text not UTF-8 is read with U+FFFD, counted."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "lessonloop-goose-", timeout=_BUSY_SECONDS, locked_is_final=True, lenient_text=True)
        self.columns: dict[str, list[str]] = {}


def _database_units(path: str, problems: list[Problem]) -> list[Unit]:
    return database_units(path, problems, agent="Goose", open_database=_Database, listing=_listing, read=_read_session)


def _listing(db: _Database, problems: list[Problem]) -> dict[str, tuple[int, int]]:
    _check_schema(db)
    return _session_stamps(db, problems)


def _check_schema(db: _Database) -> None:
    db.require({"sessions": {"id"}, "messages": {"session_id", "role", "content_json"}})
    db.columns["sessions"] = [c for c in SESSION_COLUMNS if c in db.table_columns("sessions")]
    db.columns["messages"] = [c for c in MESSAGE_COLUMNS if c in db.table_columns("messages")]
    ledger = db.table_columns("usage_ledger")
    db.columns["usage_ledger"] = [c for c in LEDGER_COLUMNS if c in ledger] if "session_id" in ledger else []


def _session_stamps(db: _Database, problems: list[Problem]) -> dict[str, tuple[int, int]]:
    """Per session with messages or tokens: (the bytes of its messages, a number made from its
    row's token figures, its messages' count, last id and sizes, and its ledger rows): a new
    message, token or compaction changes it."""
    columns = db.columns["sessions"]
    wanted = [c for c in (*LAST.values(), *SUMS.values(), "total_tokens", "accumulated_total_tokens") if c in columns]
    wanted += [c for c in ("accumulated_cost", "model_config_json", "name", "session_type") if c in columns]
    figures: dict[str, list[Any]] = {}
    for row in db.conn.execute(f"SELECT id, {', '.join(['1', *wanted])} FROM sessions"):
        figures[str(row[0])] = [dict(zip(wanted, row[2:], strict=True))]
    meta = "total(length(metadata_json))" if "metadata_json" in db.columns["messages"] else "0"
    sizes_of: dict[str, int] = {}
    orphans = 0
    for session_id, count, last, size, metadata in db.conn.execute(
        f"SELECT session_id, count(*), max(id), total(length(content_json)), {meta} FROM messages GROUP BY session_id"
    ):
        held = figures.get(str(session_id))
        if held is None:
            orphans += int(count)
            continue
        held.append(("messages", count, last, int(size), int(metadata)))
        sizes_of[str(session_id)] = int(size) + int(count)
    if db.columns["usage_ledger"]:
        sums = ", ".join(f"total({c})" for c in (*LAST.values(), "cost") if c in db.columns["usage_ledger"])
        for row in db.conn.execute(f"SELECT session_id, count(*), {sums or '0'} FROM usage_ledger GROUP BY 1"):
            held = figures.get(str(row[0]))
            if held is not None:
                held.append(("ledger", *row[1:]))
    if orphans:
        detail = f"{orphans} message(s) of no session row: not read"
        problems.append(Problem(db.path, None, "message-without-session", detail, "notice"))
    stamps: dict[str, tuple[int, int]] = {}
    for session_id, entry in figures.items():
        tokens = any(token_count(entry[0].get(c)) for c in (*LAST.values(), *SUMS.values()))
        if len(entry) == 1 and not tokens:
            continue  # a session opened and never used (no message, no token)
        digest = hashlib.blake2b(repr(entry).encode(), digest_size=8).digest()
        stamps[session_id] = (sizes_of.get(session_id, 0), int.from_bytes(digest, "big") & _STAMP_MASK)
    return stamps


@dataclass(slots=True)
class _Rows:
    session: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    ledger: list[dict[str, Any]] = field(default_factory=list)


def _read_session(db: _Database, session_id: str) -> Batch:
    source = f"{db.path}#{session_id}"
    rows, said = read_session_rows(db, session_id, "Goose", _rows_of)
    batch = Batch()
    _SessionReader(source, session_id, rows, batch).read()
    batch.problems.extend(said)
    return batch


def _rows_of(db: _Database, session_id: str) -> _Rows:
    columns = db.columns["sessions"]
    row = db.conn.execute(f"SELECT {', '.join(['id', *columns])} FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        raise sqlite3.OperationalError("its session row is gone (deleted since it was listed)")
    rows = _Rows(dict(zip(columns, row[1:], strict=True)))
    wanted = db.columns["messages"]
    order = "created_timestamp, id" if "created_timestamp" in wanted else "id"
    query = f"SELECT {', '.join(['id', *wanted])} FROM messages WHERE session_id = ? ORDER BY {order}"
    for found in db.conn.execute(query, (session_id,)):
        rows.messages.append(dict(zip(["id", *wanted], found, strict=True)))
    ledger = db.columns["usage_ledger"]
    if ledger:
        query = f"SELECT {', '.join(ledger)} FROM usage_ledger WHERE session_id = ? ORDER BY rowid"
        for found in db.conn.execute(query, (session_id,)):
            rows.ledger.append(dict(zip(ledger, found, strict=True)))
    return rows


# --- one session --------------------------------------------------------------------------------


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _json(value: Any) -> Any:
    if not isinstance(value, str):
        return None
    try:
        return json_codec.loads(value)
    except json_codec.JSONDecodeError:
        return None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def model_name(model_config_json: Any) -> str | None:
    """The model of a session's model_config_json ({"model_name": ...})."""
    return _str(_object(_json(model_config_json)).get("model_name"))


def result_of(tool_result: Any) -> tuple[str, int | None, str]:
    """A toolResponse's toolResult as (status, exit code, text): {"status": "error", "error"};
    {"status": "success", "value": {"content": [...], "isError", "structuredContent"}} (an MCP
    CallToolResult); or an older session's {"status": "success", "value": [content, ...]}."""
    data = _object(tool_result)
    if data.get("status") == "error":
        return "error", None, str(data.get("error") or "error")
    value = data.get("value")
    content = value.get("content") if isinstance(value, dict) else value
    texts = [item["text"] for item in content or [] if isinstance(item, dict) and isinstance(item.get("text"), str)]
    text = "\n".join(texts)
    code = None
    if isinstance(value, dict):
        structured = _object(value.get("structuredContent"))
        found = structured.get("exit_code")
        code = found if isinstance(found, int) and not isinstance(found, bool) else None
        if value.get("isError") is True or (code is not None and code != 0) or structured.get("timed_out") is True:
            return "error", code, text
    return "ok", code, text


class _SessionReader:
    def __init__(self, source: str, session_id: str, rows: _Rows, batch: Batch) -> None:
        self.source = source
        self.sid = session_id
        self.rows = rows
        self.batch = batch
        self.row = rows.session
        self.cwd = _str(self.row.get("working_dir"))
        self.model = model_name(self.row.get("model_config_json"))
        self._redact = BatchRedactor(batch)
        self.calls: dict[str, tuple[str, str, dict[str, Any]]] = {}  # call id -> (tool, kind, arguments)
        self.first: str | None = None
        self.last: str | None = None
        self.unknown: dict[str, int] = {}

    def read(self) -> None:
        for position, message in enumerate(self.rows.messages):
            self.batch.records += 1
            try:
                self._message(message, position)
            except Exception as exc:  # a row of shapes not foreseen: reported, the rest read
                detail = f"message {message.get('id')} not understood ({type(exc).__name__}: {exc})"
                self.batch.problems.append(Problem(self.source, None, "malformed-record", detail[:300]))
        self._tokens()
        self._session()
        for what, count in sorted(self.unknown.items()):
            detail = f"{count} {what}: not read"
            self.batch.problems.append(Problem(self.source, None, "unknown-record-type", detail, "notice"))

    def _message(self, message: dict[str, Any], position: int) -> None:
        uuid = f"{self.sid}:{_str(message.get('message_id')) or f'#{position}'}"
        seq = position * 100
        ts = normalize_timestamp(_number(message.get("created_timestamp")))
        if ts is not None:
            self.first = min(self.first or ts, ts)
            self.last = max(self.last or ts, ts)
        content = _json(message.get("content_json"))
        if not isinstance(content, list):
            detail = f"message {message.get('id')}: its content_json is not a list of content blocks"
            self.batch.problems.append(Problem(self.source, None, "malformed-record", detail))
            return
        blocks = [block for block in content if isinstance(block, dict)]
        role = message.get("role")
        text = "\n".join(b["text"] for b in blocks if b.get("type") == "text" and isinstance(b.get("text"), str))
        for block in blocks:
            kind = block.get("type")
            if kind not in _CONTENT_KNOWN:
                name = f"content block(s) of type {str(kind)[:40]!r}"
                self.unknown[name] = self.unknown.get(name, 0) + 1
        if role == "user":
            if text.strip():
                visible = _object(_json(message.get("metadata_json"))).get("userVisible", True) is not False
                self._text(uuid, seq, ts, "user", "prompt" if visible else "instructions", text)
            for block in blocks:
                if block.get("type") == "toolResponse":
                    self._result(block, seq, ts)
        elif role == "assistant":
            if text.strip():
                self._text(uuid, seq, ts, "assistant", "assistant", text)
            requests = [b for b in blocks if b.get("type") in ("toolRequest", "frontendToolRequest")]
            for number, block in enumerate(requests, 1):
                self._call(block, uuid, seq + number, ts)
        else:
            name = f"message(s) of role {str(role)[:40]!r}"
            self.unknown[name] = self.unknown.get(name, 0) + 1

    def _text(self, uuid: str, seq: int, ts: str | None, role: str, kind: str, text: str) -> None:
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self.batch.messages.append(MessageRecord(self.sid, uuid, None, seq, ts, role, kind, body))

    def _call(self, block: dict[str, Any], uuid: str, seq: int, ts: str | None) -> None:
        call = _object(block.get("toolCall"))
        value = _object(call.get("value"))
        name = _str(value.get("name")) or "?"
        call_id = _str(block.get("id")) or f"{uuid}:{seq}"
        given = value.get("arguments")
        args: dict[str, Any] = given if isinstance(given, dict) else {}
        kind = kind_of(name, args)
        cleaned, input_json = tool_input(given if call.get("status") != "error" else call, self.batch)
        command = None
        target = None
        if kind == SHELL and isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
            command = cleaned["command"]
        if kind in (READ, EDIT, WRITE) and _str(args.get("path")):
            target = args["path"]
        self.calls[call_id] = (name, kind, args)
        self.batch.tool_calls.append(
            ToolCallRecord(call_id, self.sid, uuid, seq, ts, name, input_json, target, command, self.cwd, kind)
        )
        if call.get("status") == "error":  # the model's call could not be read: it never ran
            error = self._redact(str(call.get("error") or "error"), ERROR_TEXT_CHARS, "output")
            self.batch.tool_results.append(
                ToolResultRecord(call_id, seq, ts, ok=False, status="error", error_text=error)
            )

    def _result(self, block: dict[str, Any], seq: int, ts: str | None) -> None:
        call_id = _str(block.get("id"))
        if call_id is None or call_id not in self.calls:
            return  # the result of a call not read (its request lost to a compaction or a rewrite)
        status, exit_code, text = result_of(block.get("toolResult"))
        result = ToolResultRecord(call_id, seq, ts, ok=status == "ok", status=status, exit_code=exit_code)
        if status == "ok":
            if text.strip():
                result.result_text = self._redact(text.strip("\n"), RESULT_EXCERPT_CHARS, "output")
            self._diff(result, *self.calls[call_id])
        else:
            result.error_text = self._redact(text.strip("\n") or status, ERROR_TEXT_CHARS, "output")
        self.batch.tool_results.append(result)

    def _diff(self, result: ToolResultRecord, tool: str, kind: str, args: dict[str, Any]) -> None:
        """The applied diff of an edit: the text editor's str_replace (old_str, new_str), the
        newer edit tool's (before, after)."""
        if kind != EDIT:
            return
        bare = developer_tool(tool)
        pair = ("old_str", "new_str") if bare == "text_editor" else ("before", "after") if bare == "edit" else None
        if pair is None or not isinstance(args.get(pair[0]), str) or not isinstance(args.get(pair[1]), str):
            return
        diff, added, removed = diff_strings(args[pair[0]], args[pair[1]])
        if "@@" in diff:
            result.diff = self._redact(diff, ERROR_TEXT_CHARS, "code")
            result.lines_added, result.lines_removed = added, removed

    # --- tokens ---------------------------------------------------------------------------------

    def _tokens(self) -> None:
        totals = {k: token_count(self.row.get(SUMS[k])) or token_count(self.row.get(LAST[k])) for k in KINDS}
        ledger = self.rows.ledger
        counted = {k: sum(token_count(u.get(LAST[k])) for u in ledger) for k in KINDS}
        for number, usage in enumerate(ledger):
            tokens = {k: token_count(usage.get(LAST[k])) for k in KINDS}
            ts = normalize_timestamp(_number(usage.get("created_timestamp")))
            key = f"ledger:{usage.get('id', number)}"
            self._record(key, _str(usage.get("model")) or self.model, tokens, _number(usage.get("cost")), ts)
        if any(counted[k] > totals[k] for k in KINDS):
            return  # the ledger holds more than the session's sums: its rows alone
        rest = {k: totals[k] - counted[k] for k in KINDS}  # what the sums held before the ledger
        cost = _number(self.row.get("accumulated_cost"))
        if cost is not None:
            cost -= sum(_number(u.get("cost")) or 0 for u in ledger)
        if any(rest.values()):
            self._record("session", self.model, rest, cost, None)

    def _record(self, key: str, model: str | None, tokens: dict[str, int], cost: float | None, ts: str | None) -> None:
        cached = tokens["cache_read"] + tokens["cache_write"]
        message_id = f"{self.sid}#{key}"
        self.batch.usage[(message_id, "")] = TokenUsageRecord(
            message_id=message_id,
            request_id="",
            session_id=self.sid,
            model=model or self._ledger_model() or "unknown",
            ts=ts or self.last or normalize_timestamp(self.row.get("created_at")),
            input_tokens=max(tokens["input"] - cached, 0),  # Goose's input counts the cache
            output_tokens=tokens["output"],
            cache_creation_tokens=tokens["cache_write"],
            cache_read_tokens=tokens["cache_read"],
            cost_usd=cost if cost is not None and cost > 1e-12 else None,
        )

    def _ledger_model(self) -> str | None:
        return next((m for m in (_str(u.get("model")) for u in self.rows.ledger) if m), None)

    # --- the session ----------------------------------------------------------------------------

    def _session(self) -> None:
        parent = _str(self.row.get("parent_session_id"))
        kind = "subagent" if self.row.get("session_type") == "sub_agent" and parent else "main"
        title = _str(self.row.get("name")) or _str(self.row.get("description"))
        started = normalize_timestamp(self.row.get("created_at")) or self.first
        ended = self.last or normalize_timestamp(self.row.get("updated_at")) or started
        self.batch.sessions[self.sid] = SessionRecord(
            id=self.sid,
            agent=AGENT,
            kind=kind,
            parent_id=parent if kind == "subagent" else None,
            cwd=self.cwd,
            project=project_for_cwd(self.cwd) if self.cwd else None,
            title=self._redact(title, 500) if title else None,
            model=self.model or self._ledger_model(),
            started_at=started,
            ended_at=ended,
        )
