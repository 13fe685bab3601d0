"""A person's feedback on a session or on one chat: a rating 1..5 and a note (m020's `feedback`
table). Runs keep theirs in their own row (runs/store/retention.py); `lessonloop feedback` gives
all three with one command (cli/handlers/feedback.py), and the export carries it (docs/export.md).

A chat is one typed prompt of a main session and the turn it started, up to the next typed
prompt. It is named `SESSION#N`: the session's id (or a unique prefix) and the prompt's number in
the session, from 1, in the order of the session's timeline (time, then line). The export names
each chat the same way.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from lessonloop.core.timestamps import utc_now
from lessonloop.secrets.redaction import redact
from lessonloop.store.sessions.ids import SessionNotFound, resolve_session
from lessonloop.store.transaction import transaction

__all__ = [
    "ChatNotFound",
    "FeedbackError",
    "FeedbackRow",
    "_chat_prompts",
    "_resolve_chat",
    "_resolve_main_session",
    "feedback_by_target",
    "record_chat_feedback",
    "record_session_feedback",
]

KINDS = ("session", "chat")


class FeedbackError(ValueError):
    """Feedback that cannot be stored (on a run too: runs/store/retention.py); the message says why."""


class ChatNotFound(LookupError):
    """No chat matches the SESSION#N given; the message says why."""


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """The feedback stored on one session or chat, after a change."""

    kind: str  # session | chat
    session_id: str
    chat: int | None  # the chat's number in its session (kind chat)
    message_uuid: str  # the chat's typed prompt ('' for a session)
    rating: int | None
    note: str | None
    feedback_at: str

    @property
    def target(self) -> str:
        return self.session_id if self.chat is None else f"{self.session_id}#{self.chat}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.target,
            "session_id": self.session_id,
            "rating": self.rating,
            "note": self.note,
            "feedback_at": self.feedback_at,
        }


def _chat_prompts(conn: sqlite3.Connection, session_id: str) -> list[str]:
    """The uuids of a session's typed prompts, chat 1 first (the timeline's order: time, line)."""
    return [
        str(row[0])
        for row in conn.execute(
            "SELECT uuid FROM messages WHERE session_id = ? AND kind = 'prompt' ORDER BY coalesce(ts, ''), seq, uuid",
            (session_id,),
        )
    ]


def _resolve_main_session(conn: sqlite3.Connection, given: str) -> str:
    """The main session `given` names (an id or a unique prefix); SessionNotFound for none,
    several or a subagent (feedback is on the session it belongs to)."""
    session_id = resolve_session(conn, given)
    row = conn.execute("SELECT parent_id FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is not None and row[0]:
        raise SessionNotFound(f"{session_id} is a subagent; give its session {row[0]} instead")
    return session_id


def _resolve_chat(conn: sqlite3.Connection, given: str) -> tuple[str, int, str]:
    """(session id, chat number, prompt uuid) of the chat `given` names: SESSION#N."""
    session_part, sep, number_part = given.strip().rpartition("#")
    if not sep or not session_part:
        raise ChatNotFound(
            f"a chat is named SESSION#N (the session's id or prefix, and the prompt's number): {given!r}"
        )
    try:
        number = int(number_part)
    except ValueError:
        raise ChatNotFound(f"not a chat number: {number_part!r} in {given!r}") from None
    try:
        session_id = _resolve_main_session(conn, session_part)
    except SessionNotFound as exc:
        raise ChatNotFound(str(exc)) from exc
    prompts = _chat_prompts(conn, session_id)
    if not 1 <= number <= len(prompts):
        have = f"chats 1 to {len(prompts)}" if prompts else "no typed prompt"
        raise ChatNotFound(f"session {session_id} has {have}, not chat {number}")
    return session_id, number, prompts[number - 1]


def _checked(rating: int | None, note: str | None) -> tuple[int | None, str | None]:
    if note is not None:
        note = redact(note.strip(), "prose")[0] or None
    if rating is None and note is None:
        raise FeedbackError("give a rating (1-5) or a note")
    if rating is not None and (isinstance(rating, bool) or not 1 <= rating <= 5):
        raise FeedbackError(f"a rating is a whole number from 1 to 5, not {rating!r}")
    return rating, note


def _store(
    conn: sqlite3.Connection, kind: str, session_id: str, uuid: str, rating: int | None, note: str | None
) -> tuple[int | None, str | None, str]:
    now = utc_now()
    with transaction(conn):
        conn.execute(
            """INSERT INTO feedback (kind, session_id, message_uuid, rating, note, feedback_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (kind, session_id, message_uuid) DO UPDATE SET
                   rating = coalesce(excluded.rating, rating), note = coalesce(excluded.note, note),
                   feedback_at = excluded.feedback_at""",
            (kind, session_id, uuid, rating, note, now),
        )
        row = conn.execute(
            "SELECT rating, note, feedback_at FROM feedback WHERE kind = ? AND session_id = ? AND message_uuid = ?",
            (kind, session_id, uuid),
        ).fetchone()
    return row[0], row[1], str(row[2])


def record_session_feedback(
    conn: sqlite3.Connection, given: str, *, rating: int | None = None, note: str | None = None
) -> FeedbackRow:
    """Store a rating 1..5 and/or a note (redacted) on the main session `given` names. What is not
    given keeps its earlier value. SessionNotFound, FeedbackError."""
    rating, note = _checked(rating, note)
    session_id = _resolve_main_session(conn, given)
    stored = _store(conn, "session", session_id, "", rating, note)
    return FeedbackRow("session", session_id, None, "", *stored)


def record_chat_feedback(
    conn: sqlite3.Connection, given: str, *, rating: int | None = None, note: str | None = None
) -> FeedbackRow:
    """Store a rating 1..5 and/or a note (redacted) on the chat `given` names (SESSION#N). What is
    not given keeps its earlier value. ChatNotFound, FeedbackError."""
    rating, note = _checked(rating, note)
    session_id, number, uuid = _resolve_chat(conn, given)
    stored = _store(conn, "chat", session_id, uuid, rating, note)
    return FeedbackRow("chat", session_id, number, uuid, *stored)


def feedback_by_target(conn: sqlite3.Connection, kind: str) -> dict[tuple[str, str], tuple[int | None, str | None]]:
    """Every stored feedback of `kind`: (session id, prompt uuid or '') -> (rating, note)."""
    return {
        (str(session), str(uuid)): (rating, note)
        for session, uuid, rating, note in conn.execute(
            "SELECT session_id, message_uuid, rating, note FROM feedback WHERE kind = ?", (kind,)
        )
    }
