"""`lessonloop show`: one session's timeline, or the entries around a search hit (--at)."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import UsageError, console, emit_json, open_cli_store
from lessonloop.pipeline.texts_later import store_session_texts
from lessonloop.report.queries import item_index, place_of, session_timeline
from lessonloop.store.sessions.ids import SessionNotFound, resolve_session


def cmd_show(args: argparse.Namespace) -> int:
    at: int | None = None
    # new files are read for their figures first; the texts this session shows are stored next,
    # its own files' alone (pipeline/texts_later.py): never every pending file's
    with open_cli_store(
        args.db, reading=True, refresh=not getattr(args, "no_refresh", False), figures_only=True
    ) as conn:
        try:
            session_id = resolve_session(conn, args.session_id)
            store_session_texts(conn, session_id)
            key: str | None = None
            if args.at is not None:
                place = place_of(conn, session_id, args.at)
                if place is None:
                    raise UsageError(
                        f"--at {args.at!r}: no tool call, message or linked commit of session {session_id} "
                        "or its subagents has this id (`lessonloop search --json` gives each hit's `at`)"
                    )
                session_id, key = place
            timeline = session_timeline(conn, session_id)
            at = item_index(timeline, key)
        except SessionNotFound as exc:
            raise UsageError(str(exc)) from exc
    if args.json:
        data = timeline.to_json()
        if args.at is not None:
            data["at"] = {"session": session_id, "index": at}
        emit_json(data)
    else:
        from lessonloop.report.render import render_timeline

        render_timeline(console(), timeline, show_all=args.all, at=at)
    return 0
