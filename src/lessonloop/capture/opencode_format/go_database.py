"""The database of the older OpenCode written in Go (opencode-ai/opencode, 2025; continued by
Charm as Crush): `.opencode/opencode.db` in a project (Crush: `.crush/crush.db`). Read strictly
read-only, one unit per session, each turned into the records the OpenCode of opencode.ai gives
(parser.RawSession), so that one reader makes the records of both.

Schema (its goose migrations, internal/db/migrations: 20250424200609_initial.sql, then
20250515105448_add_summary_message_id.sql; Crush adds provider and is_summary_message):
- sessions (id, parent_session_id, title, message_count, prompt_tokens, completion_tokens, cost,
  updated_at, created_at[, summary_message_id]);
- messages (id, session_id, role user|assistant|tool|system, parts: a JSON list of
  {"type", "data"}, model, created_at, updated_at, finished_at);
- files (id, session_id, path, content, version, ...): file history, not read.
Times are Unix seconds (milliseconds in later versions: told apart by size).

Parts (internal/message/content.go): text {text}, reasoning {thinking}, image_url, binary,
tool_call {id, name, input: the arguments as JSON text, type, finished}, tool_result
{tool_call_id, name, content, metadata: JSON text (edit and write: the applied diff; bash: start
and end times), is_error} (in a message of role tool after the call),
finish {reason: end_turn | max_tokens | tool_use | canceled | error | permission_denied, time}.
A bash result's last line (before the "<cwd>DIR</cwd>" line later versions add) is "Exit code N"
when the command exited non-zero (a failed call: the only line read for it, as a command's own
output may hold such a line), and "Command was aborted before completion" when a timeout or a
cancel stopped it: bash returns both as plain results, not is_error, and the second stays a
completed call, as the database has it. A call the person refused is "Permission denied", one
cancelled before it ran "Tool execution canceled by user" (both is_error; the second is an
interrupt). Failed calls are therefore is_error or a non-zero exit.

Tokens: each response overwrites the session's prompt_tokens and completion_tokens with its own
(the context in use, not a total: internal/llm/agent TrackUsage), and per message there are none:
no token counts are stored for these sessions (their cost, which is added up, is not read either).
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Callable
from typing import Any, Protocol

from lessonloop.capture.adapters import Unit
from lessonloop.capture.opencode_format import foreign_files
from lessonloop.capture.opencode_format.parser import RawSession
from lessonloop.capture.readonly_sqlite import session_units
from lessonloop.core import json_codec
from lessonloop.core.records import Batch, Problem

_EXIT = re.compile(r"^Exit code (-?\d+)\s*$")
_CWD = re.compile(r"^<cwd>.*</cwd>\s*$")
_ABORTED = "Command was aborted before completion"  # bash stopped (timeout, cancel): not an error result
_STAMP_MASK = (1 << 62) - 1


class _Snapshot(Protocol):
    path: str
    conn: sqlite3.Connection
    remaining: int

    def done(self) -> None: ...


def is_go_database(conn: sqlite3.Connection) -> bool:
    """Whether the database has the Go OpenCode's tables (sessions and messages with the columns read)."""
    return not foreign_files.go_missing(conn)


def project_folder(path: str) -> str | None:
    """The project a Go OpenCode database belongs to: the folder holding its `.opencode` (or
    Crush's `.crush`) folder; None for a file elsewhere (its folder is not known)."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.basename(folder) in (".opencode", ".crush"):
        return os.path.dirname(folder)
    return None


def units(snapshot: _Snapshot, problems: list[Problem], to_batch: Callable[[RawSession], Batch]) -> list[Unit]:
    """One unit per session of the Go OpenCode database `snapshot` has open."""
    stamps = _stamps(snapshot.conn)
    if not stamps:
        snapshot.remaining = 0
        snapshot.done()
        return []
    snapshot.remaining = len(stamps)
    return session_units(
        snapshot.path, stamps, lambda session_id: to_batch(_raw_session(snapshot, session_id)), snapshot.done
    )


def _stamps(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    figures: dict[str, list[Any]] = {
        str(sid): [updated] for sid, updated in conn.execute("SELECT id, updated_at FROM sessions ORDER BY id")
    }
    rows = conn.execute(
        "SELECT session_id, count(*), max(coalesce(updated_at, created_at)), total(length(parts)) FROM messages GROUP BY session_id"
    )
    for session_id, count, updated, size in rows:
        entry = figures.get(str(session_id))
        if entry is not None:
            entry.extend((count, updated, int(size)))
    stamps = {}
    for session_id, entry in figures.items():
        digest = hashlib.blake2b(repr(entry).encode(), digest_size=8).digest()
        stamps[session_id] = (int(entry[3]) if len(entry) > 3 else 0, int.from_bytes(digest, "big") & _STAMP_MASK)
    return stamps


def _ms(value: Any) -> int | None:
    """A Go OpenCode time (Unix seconds, or milliseconds in later versions) in milliseconds."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    return int(value if value > 1e11 else value * 1000)


def _raw_session(snapshot: _Snapshot, session_id: str) -> RawSession:
    source = f"{snapshot.path}#{session_id}"
    conn = snapshot.conn
    row = conn.execute(
        "SELECT parent_session_id, title, created_at, updated_at FROM sessions WHERE id = ?", (session_id,)
    ).fetchone()
    if row is None:
        return RawSession(
            source,
            {"id": session_id},
            problems=[Problem(source, None, "session-gone", "deleted since it was listed", "notice")],
        )
    parent, title, created, updated = row
    info: dict[str, Any] = {
        "id": session_id,
        "parentID": parent if isinstance(parent, str) and parent else None,
        "directory": project_folder(snapshot.path),
        "title": title if isinstance(title, str) else None,
        "time": {"created": _ms(created), "updated": _ms(updated)},
    }
    raw = RawSession(source, info)
    messages: list[tuple[str, str, Any, list[dict[str, Any]], int | None]] = []
    results: dict[str, dict[str, Any]] = {}
    query = "SELECT id, role, model, parts, created_at FROM messages WHERE session_id = ? ORDER BY created_at, rowid"
    last_ms = -1
    for message_id, role, model, data, created_at in conn.execute(query, (session_id,)):
        # Times of whole seconds: messages of one second keep the table's order, a millisecond apart.
        at = _ms(created_at)
        if at is not None:
            at = last_ms = max(at, last_ms + 1)
        parts = _parts(f"{source} message {message_id}", data, raw.problems)
        if role == "tool":
            for part in parts:
                result = part["data"]
                call_id = result.get("tool_call_id")
                if part["type"] == "tool_result" and isinstance(call_id, str):
                    results[call_id] = result
            continue
        messages.append((str(message_id), str(role), model, parts, at))
    for message_id, role, model, parts, at in messages:
        if role not in ("user", "assistant"):
            continue  # system messages: the Go OpenCode's own
        message: dict[str, Any] = {"id": message_id, "role": role, "time": {"created": at}}
        if role == "assistant" and isinstance(model, str) and model:
            message["modelID"] = model
        converted: list[dict[str, Any]] = []
        for index, part in enumerate(parts):
            kind, data = part["type"], part["data"]
            part_id = f"{message_id}:{index:05d}"
            if kind == "text" and isinstance(data.get("text"), str):
                converted.append({"id": part_id, "type": "text", "text": data["text"]})
            elif kind == "tool_call" and role == "assistant":
                converted.append(_tool_part(part_id, data, results))
            elif kind == "finish" and data.get("reason") == "canceled":
                message["error"] = {"name": "MessageAbortedError", "data": {"message": "canceled"}}
        raw.messages.append((message, converted))
    return raw


def _parts(label: str, data: Any, problems: list[Problem]) -> list[dict[str, Any]]:
    """A message's parts: [{"type", "data": {...}}]; a column that is no such list is a problem."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    try:
        value = json_codec.loads(text) if isinstance(text, str) else None
    except (json_codec.JSONDecodeError, ValueError):
        value = None
    if not isinstance(value, list):
        problems.append(Problem(label, None, "malformed-record", "parts is not a JSON list of parts: skipped"))
        return []
    return [
        {"type": item["type"], "data": item["data"]}
        for item in value
        if isinstance(item, dict) and isinstance(item.get("type"), str) and isinstance(item.get("data"), dict)
    ]


def _tool_part(part_id: str, call: dict[str, Any], results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A Go tool call and its result as the tool part of the OpenCode of opencode.ai."""
    call_id = call.get("id") if isinstance(call.get("id"), str) and call.get("id") else part_id
    name = call.get("name") if isinstance(call.get("name"), str) else "unknown"
    raw_input = call.get("input")
    try:
        arguments = json_codec.loads(raw_input) if isinstance(raw_input, str) and raw_input.strip() else {}
    except (json_codec.JSONDecodeError, ValueError):
        arguments = {"input": raw_input}
    if not isinstance(arguments, dict):
        arguments = {"input": arguments}
    state: dict[str, Any] = {"status": "running", "input": arguments}
    result = results.get(str(call_id))
    if result is not None:
        found = result.get("content")
        content = found if isinstance(found, str) else ""
        metadata = _metadata(result.get("metadata"))
        start, end = metadata.get("start_time"), metadata.get("end_time")
        if all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            state["time"] = {"start": start, "end": end}  # bash reports when it ran (Unix ms)
        last = _last_line(content)
        code = _EXIT.match(last)  # bash appends it after stderr, as the last line but its <cwd>
        if code is not None:
            metadata["exit"] = int(code.group(1))
        if result.get("is_error") is True:
            if last.strip() == _ABORTED or "canceled by user" in content.lower():
                metadata["interrupted"] = True
            text = "permission denied by user" if content.strip() == "Permission denied" else content
            state.update(status="error", error=text or "error", metadata=metadata)
        else:
            state.update(status="completed", output=content, metadata=metadata)
    return {"id": part_id, "type": "tool", "tool": name, "callID": call_id, "state": state}


def _last_line(content: str) -> str:
    """A bash result's last line before the `<cwd>DIR</cwd>` line later versions append."""
    body, _, last = content.rstrip().rpartition("\n")
    if _CWD.match(last):
        last = body.rstrip().rpartition("\n")[2]
    return last


def _metadata(value: Any) -> dict[str, Any]:
    """A tool result's metadata (JSON text: edit and write report {"diff", "additions",
    "removals"}, bash {"start_time", "end_time"}); {} when it is none."""
    if not isinstance(value, str) or not value.strip():
        return {}
    try:
        found = json_codec.loads(value)
    except (json_codec.JSONDecodeError, ValueError):
        return {}
    return {k: v for k, v in found.items() if k not in ("exit", "interrupted")} if isinstance(found, dict) else {}
