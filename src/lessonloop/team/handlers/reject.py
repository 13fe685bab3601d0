"""`lessonloop team reject`: a lesson rejected for the whole team (maintainers), named by a local
lesson id or a team item id, then pulled."""

from __future__ import annotations

import argparse
import sqlite3

from lessonloop.cli.common import CommandError, open_cli_store
from lessonloop.team.handlers.common import joined_config, say, team_server
from lessonloop.team.server import TeamError
from lessonloop.team.store.state import item_of_lesson, items_starting
from lessonloop.team.sync import own_item_ids, pull


def cmd_reject(args: argparse.Namespace) -> int:
    with open_cli_store(args.db) as conn:
        config = joined_config(conn)
        item = _item_of(conn, args.lesson)
        try:
            with team_server(config) as server:
                if not server.reject(item, args.reason):
                    raise CommandError(f"the team has no item {item}: push it first (`lessonloop team push`)")
                pull(conn, server)
        except TeamError as exc:
            raise CommandError(str(exc)) from exc
    return say(args, {"item": item, "rejected": True}, [f"Rejected {item} for the whole team."])


def _item_of(conn: sqlite3.Connection, given: str) -> str:
    """The team item of a local lesson id, or a team item id given whole or by its start."""
    if given.isdigit():
        lesson_id = int(given)
        item = item_of_lesson(conn, lesson_id)
        if item is not None:
            return item
        for identity, own_id in own_item_ids(conn).items():
            if own_id == lesson_id:
                return identity
        raise CommandError(f"lesson {lesson_id} is not on the team (no such lesson, or its project has no remote)")
    items = items_starting(conn, given)
    if len(items) == 1:
        return items[0]
    if len(items) > 1:
        raise CommandError(f"{given!r} starts {len(items)} team items: give more of it")
    return given
