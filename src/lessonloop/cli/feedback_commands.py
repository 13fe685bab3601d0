"""`lessonloop feedback [run|session|chat] ID`: one command for a person's judgement of a run of
`lessonloop run`, a session or one chat: a rating 1..5 and a note, and for runs a verdict
(stopped too early, waited too long). Without a kind the ID is a run's (as before sessions and
chats could be rated). docs/runner.md (runs) and docs/export.md (sessions, chats) explain them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import (
    DB_HELP,
    JSON_HELP,
    CommandError,
    UsageError,
    emit_json,
    existing_store,
    open_cli_store,
    rating,
    shown,
)

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

    from lessonloop.store.sessions.feedback import FeedbackRow

OWN_KINDS = ("session", "chat")  # the others are a wing's (core/wings.py's FEEDBACK: run)
DEFAULT_KIND = "run"  # without a kind, the ID is a run's (as before sessions and chats could be rated)


def register(commands: Commands) -> None:
    """Add `feedback` to the command line."""
    feedback = commands.add_parser(
        "feedback",
        help="rate a run, a session or a chat (1-5) with a note; for a run, whether it should have waited or stopped",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Record your judgement of a run of `lessonloop run`, a session or one chat (a typed\n"
            "prompt and the turn it started): a rating from 1 (bad) to 5 (good) and a note; for a\n"
            "run also whether it stopped too early (--should-have-waited) or waited too long\n"
            "(--should-have-stopped). What you do not give keeps its earlier value.\n\n"
            "  lessonloop feedback 12 --rating 2 --should-have-waited --note 'slow CI runner'\n"
            "  lessonloop feedback run 12 --rating 4\n"
            "  lessonloop feedback session 3f2a --rating 5 --note 'clean fix, tests first'\n"
            "  lessonloop feedback chat 3f2a#2 --rating 1 --note 'edited the wrong file'\n\n"
            "A run's feedback steers the runner's suggestions (docs/runner.md); a session's and a\n"
            "chat's travel into `lessonloop dataset export`, which can keep only the well rated ones\n"
            "(--min-rating) and weights each record by its rating (docs/export.md). A chat is\n"
            "SESSION#N: the session's id or a unique prefix, and the prompt's number in it (the\n"
            "export's `id`)."
        ),
    )
    feedback.add_argument("kind", nargs="?", metavar="KIND", help="run (the default), session or chat: what ID names")
    feedback.add_argument(
        "target",
        metavar="ID",
        help="a run's id (12 or #12, as `lessonloop runs` lists it), a session's id or prefix, or a chat SESSION#N",
    )
    feedback.add_argument("--rating", type=rating, metavar="1-5", help="how well it went, 1 (bad) to 5 (good)")
    verdict = feedback.add_mutually_exclusive_group()
    verdict.add_argument(
        "--should-have-waited",
        dest="verdict",
        action="store_const",
        const="should_have_waited",
        help="runs only: it was stopped too early, the command would have succeeded",
    )
    verdict.add_argument(
        "--should-have-stopped",
        dest="verdict",
        action="store_const",
        const="should_have_stopped",
        help="runs only: it waited too long, it should have been stopped sooner",
    )
    feedback.add_argument("--note", metavar="TEXT", help="a free note (secrets in it are redacted)")
    feedback.add_argument("--db", metavar="PATH", help=DB_HELP)
    feedback.add_argument("--json", action="store_true", help=JSON_HELP)
    feedback.set_defaults(handler=cmd_feedback)


def cmd_feedback(args: argparse.Namespace) -> int:
    from lessonloop.core.wings import declared, resolve

    wing_kinds = {kind: target for _wing, kinds in declared("FEEDBACK") for kind, target in kinds.items()}
    kind = (args.kind or DEFAULT_KIND).lower()
    if kind not in OWN_KINDS and kind not in wing_kinds:
        raise CommandError(f"feedback is given on a run, a session or a chat, not {args.kind!r}")
    if kind in wing_kinds:  # a run's (the runs wing: runs/feedback_cli.py)
        status: int = resolve(wing_kinds[kind])(args)
        return status
    if args.verdict is not None:
        raise CommandError("--should-have-waited and --should-have-stopped are for runs only")
    if args.rating is None and args.note is None:
        raise CommandError("nothing to record: give --rating 1-5 or --note")
    if not existing_store(args.db):
        raise CommandError(f"no {kind} {args.target!r}: there is no store yet")
    from lessonloop.store.sessions.feedback import (
        ChatNotFound,
        FeedbackError,
        record_chat_feedback,
        record_session_feedback,
    )
    from lessonloop.store.sessions.ids import SessionNotFound

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
