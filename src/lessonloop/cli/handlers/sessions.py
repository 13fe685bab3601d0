"""`lessonloop sessions`: the sessions stored, a screenful of the most recent by default."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import console, emit_json, known_agent, more_hint, open_cli_store
from lessonloop.cli.empty_results import no_sessions_text, session_filters
from lessonloop.cli.session_commands import SESSIONS_SHOWN
from lessonloop.report.queries import list_sessions
from lessonloop.store.sessions.ids import short_ids


def cmd_sessions(args: argparse.Namespace) -> int:
    # the list needs no text but the prompts and titles a figures-first capture keeps: it never
    # waits for the texts of new files (capture/withheld_texts.py)
    with open_cli_store(
        args.db, reading=True, refresh=not getattr(args, "no_refresh", False), figures_only=True
    ) as conn:
        rows = list_sessions(
            conn,
            args.project,
            args.limit,
            known_agent(conn, args.agent),
            since=args.since,
            until=args.until,
            include_empty=args.include_empty,
        )
        left_out = 0
        if not args.json and args.limit is None and not args.all and len(rows) > SESSIONS_SHOWN:
            left_out = len(rows) - SESSIONS_SHOWN  # a screenful by default: the most recent
            rows = rows[-SESSIONS_SHOWN:]
        empty = None if rows or args.json else no_sessions_text(conn, session_filters(args), "sessions")
        shown = {} if args.json else short_ids(conn, [row.id for row in rows])
    if args.json:
        emit_json([row.to_json() for row in rows])
    elif empty is not None:
        print(empty)
    else:
        from lessonloop.report.render import render_sessions

        render_sessions(console(), rows, shown)
        if left_out:
            print(more_hint(left_out, "older session", "-n N shows the N most recent"))
    return 0
