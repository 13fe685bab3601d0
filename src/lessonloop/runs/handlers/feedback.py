"""`lessonloop feedback [run] ID`: a run's rating 1..5, whether it stopped too early or waited too
long, and a note (the core's feedback command hands a run's to this: core/wing.py's feedback)."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import CommandError, UsageError, emit_json, existing_store, open_cli_store, run_id, shown
from lessonloop.runs.handlers.runs import feedback_words
from lessonloop.runs.store.retention import FeedbackError, RunNotFound, record_feedback


def run_feedback(args: argparse.Namespace) -> int:
    """`lessonloop feedback [run] ID`: a run's rating, verdict and note (core/wing.py's feedback:
    the core's feedback command hands a run's to this)."""
    try:
        number = run_id(args.target)
    except argparse.ArgumentTypeError as exc:
        hint = " (a session or a chat: `lessonloop feedback session ID` or `feedback chat SESSION#N`)"
        raise CommandError(f"{exc}{hint}") from None
    if args.rating is None and args.verdict is None and args.note is None:
        raise CommandError(
            "nothing to record: give --rating 1-5, --should-have-waited or --should-have-stopped, or --note"
        )
    if not existing_store(args.db):
        raise CommandError(f"no run has the id {number}: there is no store yet")
    with open_cli_store(args.db) as conn:
        try:
            row = record_feedback(conn, number, rating=args.rating, verdict=args.verdict, note=args.note)
        except RunNotFound as exc:
            raise UsageError(str(exc)) from exc  # an id naming nothing
        except FeedbackError as exc:
            raise CommandError(str(exc)) from exc
    if args.json:
        emit_json(row.to_json())
        return 0
    print(shown(f"Run {row.id} ({row.command_norm}): {feedback_words(row)}."))
    return 0
