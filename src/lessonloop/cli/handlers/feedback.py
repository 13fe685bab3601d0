"""`lessonloop feedback [run|session|chat] ID`: a person's rating and note on a session or a chat
(store/sessions/feedback.py); a run's feedback, with its verdict, is the runs wing's (core/wing.py's
feedback), handed over here."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import CommandError, UsageError, emit_json, existing_store, open_cli_store, shown
from lessonloop.core.wings import wings
from lessonloop.store.sessions.feedback import (
    ChatNotFound,
    FeedbackError,
    record_chat_feedback,
    record_session_feedback,
)
from lessonloop.store.sessions.ids import SessionNotFound

if TYPE_CHECKING:
    from lessonloop.store.sessions.feedback import FeedbackRow

OWN_KINDS = ("session", "chat")  # the others are a wing's (core/wing.py's feedback: run)
DEFAULT_KIND = "run"  # without a kind, the ID is a run's (as before sessions and chats could be rated)


def cmd_feedback(args: argparse.Namespace) -> int:
    wing_kinds = {kind: wing for wing in wings() for kind in wing.FEEDBACK_KINDS}
    kind = (args.kind or DEFAULT_KIND).lower()
    if kind not in OWN_KINDS and kind not in wing_kinds:
        raise CommandError(f"feedback is given on a run, a session or a chat, not {args.kind!r}")
    if kind in wing_kinds:  # a run's (the runs wing: runs/handlers/feedback.py)
        return wing_kinds[kind].feedback(kind, args)
    if args.verdict is not None:
        raise CommandError("--should-have-waited and --should-have-stopped are for runs only")
    if args.rating is None and args.note is None:
        raise CommandError("nothing to record: give --rating 1-5 or --note")
    if not existing_store(args.db):
        raise CommandError(f"no {kind} {args.target!r}: there is no store yet")
    record = record_session_feedback if kind == "session" else record_chat_feedback
    with open_cli_store(args.db) as conn:
        try:
            row = record(conn, args.target, rating=args.rating, note=args.note)
        except (ChatNotFound, SessionNotFound) as exc:
            raise UsageError(str(exc)) from exc  # an id naming nothing
        except FeedbackError as exc:
            raise CommandError(str(exc)) from exc
    if args.json:
        emit_json(row.to_json())
    else:
        print(shown(_row_text(row)))
    return 0


def _row_text(row: FeedbackRow) -> str:
    parts = []
    if row.rating is not None:
        parts.append(f"rating {row.rating}/5")
    if row.note:
        parts.append(f"note: {row.note}")
    name = "Session" if row.kind == "session" else "Chat"
    return f"{name} {row.target}: {', '.join(parts)}."
