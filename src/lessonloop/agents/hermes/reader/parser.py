"""Hermes Agent's state.db -> normalized records: one unit per session row, read whole.

Tables (hermes_state.py; schema 22 in 0.19.0, read by the columns each table has, so older and
newer schemas too):
- `sessions`: id, source (`cli`, `tui`, `subagent`, a gateway's platform), model, parent_session_id,
  started_at / ended_at (epoch seconds, REAL), end_reason (`compression`, `branched`, ...), cwd,
  git_branch, title, model_config (JSON), and the session's token totals: input_tokens (without
  cached input), output_tokens (reasoning included), cache_read_tokens, cache_write_tokens,
  reasoning_tokens, estimated_cost_usd, actual_cost_usd, cost_status.
- `messages`: id (autoincrement: the order), session_id, role (user, assistant, tool, system),
  content (text; a list of parts is stored as "\\x00json:" + JSON), tool_calls (OpenAI's list:
  [{id, type: function, function: {name, arguments: "<JSON>"}}]), tool_call_id and tool_name (a
  tool's result), timestamp; since schema 16 `active` (0: taken back or compacted away) and since
  about 20 `compacted` (1: summarized away by an in-place compaction, still history).
- `session_model_usage` (newer schemas): the session's tokens per (model, provider, task), task ''
  the main loop (the same calls the session's totals count), another task an auxiliary call (title,
  compression, vision, ...) that the session's totals leave out.

What each becomes:
- a user message -> a prompt ("compaction_summary" when it is a compaction's summary);
  an assistant message -> "assistant", each of its tool_calls a call; a tool message -> the result
  of the call its tool_call_id names: failed when its JSON says so (the terminal's `exit_code` not
  0; an `error`; `success: false`; `status` "blocked": refused), else ok.
- tokens: per model from session_model_usage's main-loop rows, the rest of the session's totals
  (an older schema, a gateway's absolute totals) under the session's model, and each auxiliary
  task's row of its own; with no such table, the session's totals as one row. The cost is the one
  Hermes reported (actual, else estimated; none when Hermes knew no price).
- A /branch session copies its parent's conversation, and a compression's continuation starts
  with the summary and the tail it kept: what the child holds of its parent's messages at its
  start is not read again (nor is an in-place compaction's copy of the tail it kept). A
  sub-agent's session (source `subagent`) and a continuation hang under the first session of their
  line (parent_id); a branch is a session of its own.
- Messages taken back (`active` 0 and not compacted: /undo, /rewind) are not read, and what an
  earlier read stored of them is retracted.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from lessonloop.agents.hermes.reader import AGENT
from lessonloop.agents.hermes.reader.tools import kind_of
from lessonloop.capture.adapters import Unit
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
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
JSON_CONTENT = "\x00json:"  # hermes_state.SessionDB._CONTENT_JSON_PREFIX: a list of parts as JSON
SUMMARY_PREFIXES = ("[CONTEXT COMPACTION", "[CONTEXT SUMMARY]:")  # agent/context_compressor.py
TOKENS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
SESSION_COLUMNS = (
    "source", "model", "model_config", "parent_session_id", "started_at", "ended_at", "end_reason", "cwd",
    "git_branch", "title", *TOKENS, "estimated_cost_usd", "actual_cost_usd", "cost_status",
)  # fmt: skip
MESSAGE_COLUMNS = ("role", "content", "tool_calls", "tool_call_id", "tool_name", "timestamp", "active", "compacted")
USAGE_COLUMNS = (
    "model", "billing_provider", "billing_base_url", "billing_mode", "task", *TOKENS,
    "estimated_cost_usd", "actual_cost_usd", "cost_status", "last_seen",
)  # fmt: skip
_PATCH_FILE = re.compile(r"^\*\*\* (?:Update|Add|Delete) File: (.+?)\s*$", re.MULTILINE)


def units(paths: list[str], problems: list[Problem]) -> list[Unit]:
    found: list[Unit] = []
    for path in paths:
        found.extend(_database_units(path, problems))
    return found


# --- the database -------------------------------------------------------------------------------


class _Database(ReadOnlyDatabase):
    """A read-only connection to one database of Hermes Agent's (or to a copy of it with its WAL),
    shared by its units and closed after the last of them was read; a writer's lock held over
    _BUSY_SECONDS is reported, not read around; a text not UTF-8 is read with U+FFFD, counted."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "lessonloop-hermes-", timeout=_BUSY_SECONDS, locked_is_final=True, lenient_text=True)
        self.columns: dict[str, list[str]] = {}
        self.parents: dict[str, str | None] = {}
        self.ended: dict[str, str | None] = {}  # end_reason
        self.branches: set[str] = set()  # sessions made by /branch


def _database_units(path: str, problems: list[Problem]) -> list[Unit]:
    return database_units(
        path, problems, agent="Hermes Agent", open_database=_Database, listing=_listing, read=_read_session
    )


def _listing(db: _Database, problems: list[Problem]) -> dict[str, tuple[int, int]]:
    _check_schema(db)
    return _session_stamps(db, problems)


def _check_schema(db: _Database) -> None:
    db.require({"sessions": {"id"}, "messages": {"id", "session_id", "role"}})
    db.columns["sessions"] = [c for c in SESSION_COLUMNS if c in db.table_columns("sessions")]
    db.columns["messages"] = [c for c in MESSAGE_COLUMNS if c in db.table_columns("messages")]
    usage = db.table_columns("session_model_usage")
    db.columns["session_model_usage"] = [c for c in USAGE_COLUMNS if c in usage] if "session_id" in usage else []


def _session_stamps(db: _Database, problems: list[Problem]) -> dict[str, tuple[int, int]]:
    """Per session with messages or tokens: (the bytes of its messages, a number made from its
    row's totals and end, its messages' count, last id and active and compacted counts, and its
    per-model usage): any new message, token or rewind changes it."""
    columns = db.columns["sessions"]
    lines = ("parent_session_id", "source", "model_config", "started_at", "ended_at", "end_reason")
    wanted = [c for c in (*lines, "title", "model", *TOKENS) if c in columns]
    figures: dict[str, list[Any]] = {}
    for row in db.conn.execute(f"SELECT id, {', '.join(['1', *wanted])} FROM sessions"):
        values = dict(zip(wanted, row[2:], strict=True))
        session_id = str(row[0])
        db.parents[session_id] = _str(values.get("parent_session_id"))
        db.ended[session_id] = _str(values.get("end_reason"))
        figures[session_id] = [values]
    for session_id, figured in figures.items():
        if _branched(figured[0], figures.get(db.parents[session_id] or "")):
            db.branches.add(session_id)
    flags = ", ".join(f"total({c})" if c in db.columns["messages"] else "0" for c in ("active", "compacted"))
    sizes = " + ".join(f"total(length({c}))" for c in ("content", "tool_calls") if c in db.columns["messages"]) or "0"
    sizes_of: dict[str, int] = {}
    orphans = 0
    for session_id, count, last, size, active, compacted in db.conn.execute(
        f"SELECT session_id, count(*), max(id), {sizes}, {flags} FROM messages GROUP BY session_id"
    ):
        held = figures.get(str(session_id))
        if held is None:
            orphans += int(count)
            continue
        held.append(("messages", count, last, int(size), active, compacted))
        sizes_of[str(session_id)] = int(size) + int(count)
    if db.columns["session_model_usage"]:
        sums = ", ".join(f"total({c})" for c in TOKENS if c in db.columns["session_model_usage"])
        for row in db.conn.execute(f"SELECT session_id, count(*), {sums or '0'} FROM session_model_usage GROUP BY 1"):
            held = figures.get(str(row[0]))
            if held is not None:
                held.append(("usage", *row[1:]))
    if orphans:
        problems.append(
            Problem(
                db.path, None, "message-without-session", f"{orphans} message(s) of no session row: not read", "notice"
            )
        )
    stamps: dict[str, tuple[int, int]] = {}
    for session_id, entry in figures.items():
        tokens = any(token_count(entry[0].get(c)) for c in TOKENS)
        if len(entry) == 1 and not tokens:
            continue  # a session opened and never used (no message, no token)
        digest = hashlib.blake2b(repr(entry).encode(), digest_size=8).digest()
        stamps[session_id] = (sizes_of.get(session_id, 0), int.from_bytes(digest, "big") & _STAMP_MASK)
    return stamps


@dataclass(slots=True)
class _Rows:
    """One session's rows: its session row, its messages, its per-model usage, and the messages of
    the session it continues or branched from (their signatures), when it copies them."""

    session: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    usage: list[dict[str, Any]] = field(default_factory=list)
    copied_from: set[tuple[Any, ...]] | None = None
    root: str | None = None  # the first session of its line, for a continuation or a sub-agent
    branch: bool = False


def _read_session(db: _Database, session_id: str) -> Batch:
    source = f"{db.path}#{session_id}"
    rows, said = read_session_rows(db, session_id, "Hermes Agent", _rows_of)
    batch = Batch()
    if rows is None:
        batch.problems.append(Problem(source, None, "session-gone", "deleted since it was listed", "notice"))
        return batch
    batch.problems.extend(said)
    try:
        _SessionReader(source, session_id, rows, batch).read()
    except Exception as exc:  # a shape not foreseen: reported, never raised
        detail = f"session not understood ({type(exc).__name__}: {exc})"
        batch.problems.append(Problem(source, None, "malformed-record", detail[:300]))
    return batch


def _rows_of(db: _Database, session_id: str) -> _Rows | None:
    columns = db.columns["sessions"]
    row = db.conn.execute(f"SELECT {', '.join(['id', *columns])} FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        return None
    rows = _Rows(dict(zip(columns, row[1:], strict=True)))
    rows.messages = _messages(db, session_id)
    usage = db.columns["session_model_usage"]
    if usage:
        for found in db.conn.execute(
            f"SELECT {', '.join(usage)} FROM session_model_usage WHERE session_id = ? ORDER BY rowid", (session_id,)
        ):
            rows.usage.append(dict(zip(usage, found, strict=True)))
    parent = _str(rows.session.get("parent_session_id"))
    if parent is None or parent not in db.parents:
        return rows  # no parent, or one no longer in the database: a session of its own
    rows.branch = session_id in db.branches
    if rows.branch or db.ended.get(parent) in ("compression", "orphaned_compression"):
        rows.copied_from = {_signature(message) for message in _messages(db, parent)}
    if not rows.branch:
        rows.root = _root(db, parent)
    return rows


def _messages(db: _Database, session_id: str) -> list[dict[str, Any]]:
    columns = db.columns["messages"]
    return [
        dict(zip(["id", *columns], found, strict=True))
        for found in db.conn.execute(
            f"SELECT {', '.join(['id', *columns])} FROM messages WHERE session_id = ? ORDER BY id", (session_id,)
        )
    ]


def _root(db: _Database, parent: str) -> str:
    """The first session of a line of continuations and sub-agents (a branch starts a line)."""
    seen = {parent}
    current = parent
    while True:
        up = db.parents.get(current)
        if up is None or up in seen or up not in db.parents:
            return current
        if current in db.branches:
            return current  # `current` was branched from `up`: its line starts with it
        seen.add(up)
        current = up


def _branched(values: dict[str, Any], parent: list[Any] | None) -> bool:
    """Whether a session was made by /branch: its model_config says so (`_branched_from`), or, as
    Hermes's own listing tells older ones, its parent ended "branched" before it started."""
    if parent is None or values.get("source") == "subagent":
        return False
    if "_branched_from" in _json_object(values.get("model_config")):
        return True
    up = parent[0]
    started, ended = _number(values.get("started_at")), _number(up.get("ended_at"))
    return up.get("end_reason") == "branched" and started is not None and ended is not None and started >= ended


def _signature(message: dict[str, Any]) -> tuple[Any, ...]:
    return (message.get("role"), message.get("content"), message.get("tool_calls"), message.get("tool_call_id"))


# --- one session --------------------------------------------------------------------------------


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _json_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, str) or not value.lstrip().startswith("{"):
        return {}
    try:
        found = json_codec.loads(value)
    except json_codec.JSONDecodeError:
        return {}
    return found if isinstance(found, dict) else {}


def content_text(value: Any) -> str:
    """A message's content as text: a list of parts (stored as JSON after its prefix) by its texts."""
    if not isinstance(value, str):
        return ""
    if not value.startswith(JSON_CONTENT):
        return value
    try:
        parts = json_codec.loads(value[len(JSON_CONTENT) :])
    except json_codec.JSONDecodeError:
        return value[len(JSON_CONTENT) :]
    if isinstance(parts, str):
        return parts
    if isinstance(parts, dict):
        parts = [parts]
    if not isinstance(parts, list):
        return ""
    return "\n".join(p["text"] for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str))


def outcome(content: str) -> tuple[str, int | None, str]:
    """A tool result's status (ok, error, rejected), exit code and the text to keep, from its
    content: the terminal's {"output", "exit_code", "error"}, other tools' {"success"} or
    {"error"} (tools/registry.py's tool_error), a dispatcher's "Error executing <tool>: ..."."""
    data = _json_object(content)
    if not data:
        failed = content.startswith(("Error executing ", "Error: "))
        return ("error" if failed else "ok"), None, content
    output = data.get("output") if isinstance(data.get("output"), str) else None
    error = data.get("error")
    error_text = error if isinstance(error, str) and error.strip() else None
    if data.get("status") in ("blocked", "pending_approval"):
        return "rejected", None, error_text or str(data.get("description") or data.get("status"))
    code = data.get("exit_code")
    if isinstance(code, int) and not isinstance(code, bool) and "output" in data:
        if code == 0 and error_text is None:
            return "ok", 0, output or ""
        if code == 0:
            return "error", 0, "\n".join(t for t in (output, error_text) if t)
        text = "\n".join(t for t in (output, error_text) if t) or f"exit code {code}"
        return "error", (code if code != -1 else None), text
    if error_text is not None or error is True:
        return "error", None, error_text or content
    if data.get("success") is False:
        return "error", None, str(data.get("message") or content)
    return "ok", None, output if output is not None else content


class _SessionReader:
    def __init__(self, source: str, session_id: str, rows: _Rows, batch: Batch) -> None:
        self.source = source
        self.sid = session_id
        self.rows = rows
        self.batch = batch
        self.row = rows.session
        self.cwd = _str(self.row.get("cwd"))
        self._redact = BatchRedactor(batch)
        self.calls: dict[str, tuple[str, str, str | None]] = {}  # call id -> (tool, kind, command)
        self.first: str | None = None
        self.last: str | None = None
        self.unknown_roles: dict[str, int] = {}

    def read(self) -> None:
        for message in self._messages_read():
            self.batch.records += 1
            try:
                self._message(message)
            except Exception as exc:  # a row of shapes not foreseen: reported, the rest read
                detail = f"message {message.get('id')} not understood ({type(exc).__name__}: {exc})"
                self.batch.problems.append(Problem(self.source, None, "malformed-record", detail[:300]))
        self._tokens()
        self._session()
        for role, count in sorted(self.unknown_roles.items()):
            detail = f"{count} message(s) of role {role!r}: not read"
            self.batch.problems.append(Problem(self.source, None, "unknown-record-type", detail, "notice"))

    def _messages_read(self) -> list[dict[str, Any]]:
        """The messages that are this session's own: not taken back, not a copy of its parent's
        (a branch's or a continuation's start) nor of those an in-place compaction summarized."""
        kept = []
        copied = self.rows.copied_from
        in_copy = copied is not None  # a child's start: its parent's messages, the summary among them
        archived: set[tuple[Any, ...]] = set()
        for message in self.rows.messages:
            active = message.get("active", 1)
            if message.get("compacted") == 1:
                archived.add(_signature(message))
                copied, in_copy = archived, True  # the live rows after it begin with the compacted set
                kept.append(message)
                continue
            if active == 0:
                self.batch.retracted.add(self._uuid(message))  # /undo, /rewind: taken back
                continue
            if in_copy:
                if copied is not None and _signature(message) in copied:
                    continue  # a copy (a branch copies its parent's summary too)
                if self._summary(message):
                    kept.append(message)
                    continue
                in_copy = False
            kept.append(message)
        return kept

    def _uuid(self, message: dict[str, Any]) -> str:
        return f"{self.sid}:{message.get('id')}"

    @staticmethod
    def _summary(message: dict[str, Any]) -> bool:
        return content_text(message.get("content")).lstrip().startswith(SUMMARY_PREFIXES)

    def _message(self, message: dict[str, Any]) -> None:
        role = message.get("role")
        uuid = self._uuid(message)
        number = message.get("id")
        seq = (int(number) if isinstance(number, int) else 0) * 100
        ts = normalize_timestamp(_number(message.get("timestamp")))
        if ts is not None:
            self.first = min(self.first or ts, ts)
            self.last = max(self.last or ts, ts)
        text = content_text(message.get("content"))
        if role == "user":
            if text.strip():
                kind = "compaction_summary" if self._summary(message) else "prompt"
                self._text(uuid, seq, ts, "user", kind, text)
        elif role == "assistant":
            if text.strip():
                self._text(uuid, seq, ts, "assistant", "assistant", text)
            calls = _calls(message.get("tool_calls"))
            for position, call in enumerate(calls, 1):
                self._call(call, uuid, seq + position, ts)
        elif role == "tool":
            self._result(message, text, seq, ts)
        elif role != "system":  # the system prompt is the session's (sessions.system_prompt): not read
            name = str(role)[:40]
            self.unknown_roles[name] = self.unknown_roles.get(name, 0) + 1

    def _text(self, uuid: str, seq: int, ts: str | None, role: str, kind: str, text: str) -> None:
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self.batch.messages.append(MessageRecord(self.sid, uuid, None, seq, ts, role, kind, body))

    def _call(self, call: dict[str, Any], uuid: str, seq: int, ts: str | None) -> None:
        given = call.get("function")
        function: dict[str, Any] = given if isinstance(given, dict) else {}
        name = _str(function.get("name")) or _str(call.get("name")) or "?"
        call_id = _str(call.get("id")) or _str(call.get("call_id")) or f"{uuid}:{seq}"
        arguments = function.get("arguments")
        args: Any = arguments
        if isinstance(arguments, str):
            try:
                args = json_codec.loads(arguments) if arguments.strip() else {}
            except json_codec.JSONDecodeError:
                args = arguments
        kind = kind_of(name)
        cleaned, input_json = tool_input(args, self.batch)
        command = None
        if kind == SHELL and isinstance(cleaned, dict) and isinstance(cleaned.get("command"), str):
            command = cleaned["command"]
        cwd = self.cwd
        paths: tuple[str, ...] = ()
        target = None
        if isinstance(args, dict):
            if kind == SHELL and _str(args.get("workdir")):
                cwd = args["workdir"]
            if kind in (READ, EDIT, WRITE) and _str(args.get("path")):
                target = args["path"]
            if kind == EDIT and isinstance(args.get("patch"), str):
                paths = tuple(dict.fromkeys(_PATCH_FILE.findall(args["patch"])))
                target = target or (paths[0] if paths else None)
                paths = paths if len(paths) > 1 else ()
        self.calls[call_id] = (name, kind, command)
        self.batch.tool_calls.append(
            ToolCallRecord(call_id, self.sid, uuid, seq, ts, name, input_json, target, command, cwd, kind, paths)
        )

    def _result(self, message: dict[str, Any], text: str, seq: int, ts: str | None) -> None:
        call_id = _str(message.get("tool_call_id"))
        if call_id is None or call_id not in self.calls:
            return  # the result of a call not read (a copy skipped, or a row lost)
        status, exit_code, kept = outcome(text)
        result = ToolResultRecord(call_id, seq, ts, ok=status == "ok", status=status, exit_code=exit_code)
        if status == "ok":
            if kept.strip():
                result.result_text = self._redact(kept.strip("\n"), RESULT_EXCERPT_CHARS, "output")
            data = _json_object(text)
            diff = data.get("diff")
            if self.calls[call_id][1] == EDIT and isinstance(diff, str) and "@@" in diff:
                result.diff = self._redact(diff, ERROR_TEXT_CHARS, "code")
                lines = diff.splitlines()
                result.lines_added = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
                result.lines_removed = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
        else:
            result.error_text = self._redact(kept.strip("\n") or status, ERROR_TEXT_CHARS, "output")
        self.batch.tool_results.append(result)

    # --- tokens ---------------------------------------------------------------------------------

    def _tokens(self) -> None:
        model = _str(self.row.get("model"))
        totals = {c: token_count(self.row.get(c)) for c in TOKENS}
        main = [u for u in self.rows.usage if not _str(u.get("task"))]
        counted = {c: sum(token_count(u.get(c)) for u in main) for c in TOKENS}
        if main and all(counted[c] <= totals[c] for c in TOKENS):
            for usage in main:
                self._usage_row(usage)
            rest = {c: totals[c] - counted[c] for c in TOKENS}
            cost = self._cost(self.row, minus=main)
        else:  # no per-model rows, or fewer tokens in the session's totals than in them (absolute totals)
            rest = totals
            cost = self._cost(self.row)
        if any(rest.values()) or (cost or 0) > 0:
            self._record("session", model or self._first_model() or "unknown", rest, cost, None)
        for usage in self.rows.usage:
            if _str(usage.get("task")):
                self._usage_row(usage)

    def _first_model(self) -> str | None:
        return next((m for m in (_str(u.get("model")) for u in self.rows.usage) if m and m != "unknown"), None)

    def _usage_row(self, usage: dict[str, Any]) -> None:
        key = ":".join(str(usage.get(c) or "") for c in ("model", "billing_provider", "billing_base_url", "task"))
        tokens = {c: token_count(usage.get(c)) for c in TOKENS}
        ts = normalize_timestamp(_number(usage.get("last_seen")))
        self._record(f"model:{key}", _str(usage.get("model")) or "unknown", tokens, self._cost(usage), ts)

    @staticmethod
    def _cost(row: dict[str, Any], minus: list[dict[str, Any]] | None = None) -> float | None:
        """The cost Hermes reported: actual, else estimated; None where it knew no price (0 with
        cost_status "unknown"), 0 where the use was included (a subscription)."""
        actual = _number(row.get("actual_cost_usd"))
        estimated = _number(row.get("estimated_cost_usd"))
        if minus is not None:
            actual = None if actual is None else actual - sum(_number(u.get("actual_cost_usd")) or 0 for u in minus)
            if estimated is not None:
                estimated -= sum(_number(u.get("estimated_cost_usd")) or 0 for u in minus)
        if actual is not None and actual > 1e-12:
            return actual
        if estimated is not None and estimated > 1e-12:
            return estimated
        return 0.0 if row.get("cost_status") == "included" and minus is None else None

    def _record(self, key: str, model: str, tokens: dict[str, int], cost: float | None, ts: str | None) -> None:
        output = tokens["output_tokens"]
        message_id = f"{self.sid}#{key}"
        self.batch.usage[(message_id, "")] = TokenUsageRecord(
            message_id=message_id,
            request_id="",
            session_id=self.sid,
            model=model,
            ts=ts or self.last or normalize_timestamp(_number(self.row.get("started_at"))),
            input_tokens=tokens["input_tokens"],
            output_tokens=output,
            cache_creation_tokens=tokens["cache_write_tokens"],
            cache_read_tokens=tokens["cache_read_tokens"],
            reasoning_tokens=min(tokens["reasoning_tokens"], output),
            cost_usd=cost,
        )

    # --- the session ----------------------------------------------------------------------------

    def _session(self) -> None:
        source = _str(self.row.get("source"))
        parent = self.rows.root
        kind = "subagent" if parent is not None and (source == "subagent" or self.rows.copied_from is None) else "main"
        title = _str(self.row.get("title"))
        started = normalize_timestamp(_number(self.row.get("started_at"))) or self.first
        ended = normalize_timestamp(_number(self.row.get("ended_at"))) or self.last or started
        self.batch.sessions[self.sid] = SessionRecord(
            id=self.sid,
            agent=AGENT,
            kind=kind,
            parent_id=parent,
            cwd=self.cwd,
            project=project_for_cwd(self.cwd) if self.cwd else None,
            git_branch=_str(self.row.get("git_branch")),
            title=self._redact(title, 500) if title else None,
            model=_str(self.row.get("model")) or self._first_model(),
            started_at=started,
            ended_at=ended,
        )


def _calls(value: Any) -> list[dict[str, Any]]:
    """An assistant message's tool_calls (a JSON list), its calls."""
    if isinstance(value, str) and value.strip():
        try:
            value = json_codec.loads(value)
        except json_codec.JSONDecodeError:
            return []
    return [call for call in value if isinstance(call, dict)] if isinstance(value, list) else []
