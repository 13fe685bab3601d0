"""`lessonloop team reject`: a lesson rejected for the whole team (maintainers), then pulled.

The team's item is named by its id on the server (as `team search` shows it: whole, or its first
MIN_PREFIX characters or more, known here), or by a local lesson with `--lesson N`: a bare number
is never taken for one (issue 82: `team reject 1` rejected another item for everyone). What is
rejected is shown and asked on a terminal; off one, nothing is rejected without --yes. The
server keeps no undo."""

from __future__ import annotations

import argparse
import sqlite3
import sys

from lessonloop.cli.common import CommandError, UsageError, open_cli_store
from lessonloop.cli.confirmation import asked
from lessonloop.secrets.redaction import redact_shown
from lessonloop.team.handlers.common import joined_config, say, team_server
from lessonloop.team.server import TeamError
from lessonloop.team.store.state import item_described, item_of_lesson, items_starting
from lessonloop.team.sync import own_item_ids, pull

MIN_PREFIX = 8  # characters of an item's id that may name it (team search shows 12)
_HEX = frozenset("0123456789abcdef")


def cmd_reject(args: argparse.Namespace) -> int:
    if args.lesson is not None and args.item:
        raise UsageError("give the team item's id or --lesson N, not both")
    with open_cli_store(args.db) as conn:
        config = joined_config(conn)
        item = _lesson_item(conn, args.lesson) if args.lesson is not None else _item_of(conn, args.item)
        if not args.yes and not _confirmed(item, item_described(conn, item)):
            print("Nothing was rejected.", file=sys.stderr)
            return 1
        try:
            with team_server(config) as server:
                if not server.reject(item, args.reason):
                    raise CommandError(f"the team has no item {item}: push it first (`lessonloop team push`)")
                pull(conn, server)
        except TeamError as exc:
            raise CommandError(str(exc)) from exc
    return say(args, {"item": item, "rejected": True}, [f"Rejected {item} for the whole team."])


def _lesson_item(conn: sqlite3.Connection, lesson_id: int) -> str:
    """The team item a local lesson was shared or pulled as."""
    item = item_of_lesson(conn, lesson_id)
    if item is not None:
        return item
    for identity, own_id in own_item_ids(conn).items():
        if own_id == lesson_id:
            return identity
    raise CommandError(f"lesson {lesson_id} is not on the team (no such lesson, or its project has no remote)")


def _item_of(conn: sqlite3.Connection, given: str | None) -> str:
    """A team item id given whole, or by a start of MIN_PREFIX characters or more known here."""
    if not given:
        raise UsageError("name the team item to reject: its id (`lessonloop team search` shows it), or --lesson N")
    text = given.strip().lower()
    if text.isdigit() and len(text) < MIN_PREFIX:
        raise UsageError(
            f"{given!r} is not a team item's id; for the local lesson {text}, give --lesson {text} "
            "(`lessonloop team search` shows the team's ids)"
        )
    if not text or not set(text) <= _HEX or len(text) < MIN_PREFIX:
        raise UsageError(
            f"{given!r} is not a team item's id: give its hexadecimal id, at least {MIN_PREFIX} characters "
            "(`lessonloop team search` shows them), or --lesson N for a local lesson"
        )
    items = items_starting(conn, text)
    if len(items) == 1:
        return items[0]
    if len(items) > 1:
        raise UsageError(f"{given!r} starts {len(items)} team items: give more of it")
    if len(text) != 32:
        raise UsageError(f"no team item known here starts with {given!r}: give its whole id, or pull first")
    return text


def _confirmed(item: str, known: dict[str, object] | None) -> bool:
    """What is about to be rejected for everyone, asked on a terminal (off one: CommandError)."""
    lines = [f"Reject team item {item} for the whole team (every member's copy; the server has no undo):"]
    if known is None:
        lines.append("  (not pulled here: pull first to see what it is)")
    else:
        if known["title"]:
            lines.append(f"  {known['title']}")
        if known["lesson_id"] is not None:
            lines.append(f"  local lesson {known['lesson_id']}")
        lines.append(f"  {known['kind']}: {known['signature']}")
        if known["project"]:
            lines.append(f"  project: {known['project']}")
    return asked(
        "\n".join(redact_shown(line)[0] for line in lines),
        "nothing was rejected: `team reject` acts for the whole team and asks first, but standard input is "
        "not a terminal; add --yes to confirm",
        "Reject it for everyone? [y/N] ",
    )
