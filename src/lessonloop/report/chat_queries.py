"""The chats' reads of the store (report/chats.py shapes them): the main sessions, and each one's
typed prompts, assistant texts, calls and usage."""

from __future__ import annotations

import sqlite3
from typing import Any

_CHAT_SESSIONS = """
    SELECT s.id, s.agent,
           coalesce(s.model, (SELECT u.model FROM token_usage u WHERE u.session_id = s.id
                              GROUP BY u.model ORDER BY sum(u.output_tokens) DESC, u.model LIMIT 1)),
           s.project, s.started_at
    FROM sessions s WHERE s.parent_id IS NULL AND s.placeholder = 0 {where} ORDER BY s.id"""


def chat_sessions(conn: sqlite3.Connection, project: str | None) -> list[tuple[Any, ...]]:
    """(id, agent, model, project, started_at) of each main session that is not a placeholder (of
    `project` when given), by id; the model, when the session names none, the one that wrote most."""
    where, params = ("AND s.project = ?", [project]) if project is not None else ("", [])
    return conn.execute(_CHAT_SESSIONS.format(where=where), params).fetchall()


def session_texts(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(uuid, ts, seq, kind, text) of a session's typed prompts and assistant texts."""
    return conn.execute(
        "SELECT uuid, ts, seq, kind, text FROM messages WHERE session_id = ? AND kind IN ('prompt', 'assistant')",
        (session_id,),
    ).fetchall()


def session_calls(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(id, ts, seq, tool, kind, target_path, paths_json, ok) of a session's tool calls."""
    return conn.execute(
        "SELECT id, ts, seq, tool, kind, target_path, paths_json, ok FROM tool_calls WHERE session_id = ?",
        (session_id,),
    ).fetchall()


def session_usage(conn: sqlite3.Connection, session_id: str) -> list[tuple[Any, ...]]:
    """(ts, input, output, cache creation, cache read tokens) of a session's usage, in time order."""
    return conn.execute(
        """SELECT ts, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens
           FROM token_usage WHERE session_id = ? ORDER BY coalesce(ts, ''), message_id, request_id""",
        (session_id,),
    ).fetchall()
