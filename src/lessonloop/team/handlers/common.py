"""What the handlers of `lessonloop team ...` share: the team this store joined, a connection to
its server, and their output (JSON, or lines of plain text)."""

from __future__ import annotations

import argparse
import sqlite3
from typing import Any

from lessonloop.cli.common import CommandError, console, emit_json
from lessonloop.team.server import TeamError, TeamServer
from lessonloop.team.store.state import TeamConfig, team_config


def joined_config(conn: sqlite3.Connection) -> TeamConfig:
    """The team this store joined (a CommandError when it joined none)."""
    config = team_config(conn)
    if config is None:
        raise CommandError("this store has joined no team: `lessonloop team init URL` or `lessonloop team join URL`")
    return config


def team_server(config: TeamConfig) -> TeamServer:
    """The team's server as this store's member (a CommandError without a token or a server)."""
    if not config.token:
        raise CommandError(str(config.token_problem))
    try:
        return TeamServer(config.url, config.member, config.token)
    except TeamError as exc:
        raise CommandError(str(exc)) from exc


def say(args: argparse.Namespace, data: dict[str, Any], lines: list[str]) -> int:
    """`data` as JSON with --json, else `lines` as plain text; exit status 0."""
    if args.json:
        emit_json(data)
    else:
        from rich.markup import escape

        out = console()
        for line in lines:  # plain text: a project's name or a server's message is never rich markup
            out.print(escape(line))
    return 0
