"""`lessonloop team forget`: every contribution of this member removed from the team's server
(with --yes; without, what would go)."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import CommandError, open_cli_store
from lessonloop.team.handlers.common import joined_config, say, team_server
from lessonloop.team.server import TeamError
from lessonloop.team.store.state import forget_shared, shared_items


def cmd_forget(args: argparse.Namespace) -> int:
    with open_cli_store(args.db) as conn:
        config = joined_config(conn)
        shared = len(shared_items(conn))
        if not args.yes:
            return say(
                args,
                {"would_forget": shared, "done": False},
                [
                    f"This removes every contribution of {config.member} from the team's server "
                    f"({shared} item(s) pushed from this store). Run again with --yes."
                ],
            )
        try:
            with team_server(config) as server:
                removed = server.forget()
        except TeamError as exc:
            raise CommandError(str(exc)) from exc
        forget_shared(conn)
    return say(
        args,
        {"forgotten": removed, "done": True},
        [f"Removed {removed} contribution(s) of {config.member} from the team."],
    )
