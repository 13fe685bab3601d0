"""Chats for the export: each typed prompt of a main session with the turn it started, up to the
next typed prompt: the assistant's text, the files its calls read or searched and edited or
wrote, the tools used, the tokens spent and the feedback given (docs/export.md).

A session's items are ordered as its timeline is (time, then line), and its chats numbered as
`lessonloop feedback chat SESSION#N` numbers them (store/sessions/feedback.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

from lessonloop.core import json_codec
from lessonloop.report import chat_queries as queries
from lessonloop.report.record_filter import ExportFilter, weight
from lessonloop.store.sessions.feedback import feedback_by_target

_READS = frozenset({"read", "search"})
_WRITES = frozenset({"edit", "write"})


@dataclass(slots=True)
class _Turn:
    uuid: str
    ts: str | None
    prompt: str
    response: list[str] = field(default_factory=list)
    read: set[str] = field(default_factory=set)
    modified: set[str] = field(default_factory=set)
    tools: list[str] = field(default_factory=list)
    calls: int = 0
    errors: int = 0
    tokens: list[int] | None = None


def chat_rows(conn: sqlite3.Connection, keep: ExportFilter) -> list[dict[str, Any]]:
    """The chats `keep` keeps, oldest first (time, session, number)."""
    chat_feedback = feedback_by_target(conn, "chat")
    session_feedback = feedback_by_target(conn, "session")
    rows: list[dict[str, Any]] = []
    for session_id, agent, model, project, started_at in queries.chat_sessions(conn, keep.project):
        turns = _turns(conn, session_id, project)
        session_rating, _ = session_feedback.get((session_id, ""), (None, None))
        for number, turn in enumerate(turns, start=1):
            timestamp = turn.ts or started_at
            rating, note = chat_feedback.get((session_id, turn.uuid), (None, None))
            source = "chat" if rating is not None else None  # where the rating comes from
            if rating is None and session_rating is not None:
                rating, source = session_rating, "session"
            if not keep.keeps(project, timestamp, rating):
                continue
            tokens = None
            if turn.tokens is not None:
                tokens = dict(zip(("input", "output", "cache_creation", "cache_read"), turn.tokens, strict=True))
            rows.append(
                {
                    "id": f"{session_id}#{number}",
                    "session_id": session_id,
                    "chat": number,
                    "timestamp": timestamp,
                    "agent": agent,
                    "model": model,
                    "project": project,
                    "prompt": turn.prompt,
                    "response": "\n\n".join(turn.response),
                    "files_referenced": sorted(turn.read),
                    "files_modified": sorted(turn.modified),
                    "tools_used": turn.tools,
                    "tool_calls": turn.calls,
                    "tool_errors": turn.errors,
                    "tokens": tokens,
                    "feedback": {"rating": rating, "note": note, "source": source},
                    "weight": weight(rating),
                }
            )
    rows.sort(key=lambda row: (row["timestamp"] or "", row["session_id"], row["chat"]))
    return rows


def _turns(conn: sqlite3.Connection, session_id: str, project: str | None) -> list[_Turn]:
    """A main session's chats: its items in timeline order, cut at each typed prompt."""
    items: list[tuple[str, int, int, str, tuple[Any, ...]]] = []
    for uuid, ts, seq, kind, text in queries.session_texts(conn, session_id):
        items.append((ts or "", seq, 0 if kind == "prompt" else 1, str(uuid), (kind, ts, text)))
    for call_id, ts, seq, tool, kind, target, paths_json, ok in queries.session_calls(conn, session_id):
        items.append((ts or "", seq, 2, str(call_id), ("call", tool, kind, target, paths_json, ok)))
    items.sort(key=lambda item: item[:4])
    turns: list[_Turn] = []
    for _ts, _seq, _rank, key, data in items:
        if data[0] == "prompt":
            turns.append(_Turn(key, data[1], data[2] or ""))
        elif not turns:
            continue  # before the first typed prompt: no chat holds it
        elif data[0] == "assistant":
            if data[2]:
                turns[-1].response.append(data[2])
        else:
            _add_call(turns[-1], data, project)
    _add_tokens(conn, session_id, turns)
    return turns


def _add_call(turn: _Turn, data: tuple[Any, ...], project: str | None) -> None:
    _, tool, kind, target, paths_json, ok = data
    turn.calls += 1
    turn.errors += ok == 0
    if tool not in turn.tools:
        turn.tools.append(tool)
    paths = [target] if target else []
    if paths_json:
        try:
            listed = json_codec.loads(paths_json)
        except ValueError:
            listed = []
        if isinstance(listed, list):
            paths.extend(path for path in listed if isinstance(path, str) and path)
    into = turn.read if kind in _READS else turn.modified if kind in _WRITES else None
    if into is not None:
        into.update(_relative(path, project) for path in paths)


def _relative(path: str, project: str | None) -> str:
    """A path inside the project relative to it (as a repository names its files); others as stored."""
    if project and path.startswith(project.rstrip("/") + "/"):
        return path[len(project.rstrip("/")) + 1 :]
    return path


def _add_tokens(conn: sqlite3.Connection, session_id: str, turns: list[_Turn]) -> None:
    """Each chat's tokens: the usage recorded from its prompt's time to the next prompt's. An agent
    that does not time its usage (Aider) gives it to a session of one chat only; other chats
    have no figure (None)."""
    usage = queries.session_usage(conn, session_id)
    if not usage or not turns:
        return
    if len(turns) == 1:
        turns[0].tokens = [sum(row[i] for row in usage) for i in range(1, 5)]
        return
    if any(row[0] is None for row in usage) or any(turn.ts is None for turn in turns):
        return
    for turn in turns:
        turn.tokens = [0, 0, 0, 0]
    starts = [turn.ts or "" for turn in turns]
    index = 0
    for ts, *counts in usage:
        if ts < starts[0]:
            continue
        while index + 1 < len(starts) and ts >= starts[index + 1]:
            index += 1
        tokens = turns[index].tokens
        assert tokens is not None
        for i, count in enumerate(counts):
            tokens[i] += count
