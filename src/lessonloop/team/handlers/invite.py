"""`lessonloop team invite`: a member added, or given a new token and role, on the server
(maintainers); their token printed once."""

from __future__ import annotations

import argparse
import sys

from lessonloop.cli.common import CommandError, open_cli_store
from lessonloop.core import json_codec
from lessonloop.team.handlers.common import joined_config, team_server
from lessonloop.team.server import TeamError


def cmd_member(args: argparse.Namespace) -> int:
    with open_cli_store(args.db) as conn:
        config = joined_config(conn)
    try:
        with team_server(config) as server:
            token = server.add_member(args.name, args.role)
    except TeamError as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        # The token is the one text not redacted: it is what the new member needs.
        sys.stdout.write(json_codec.dumps({"member": args.name, "role": args.role, "token": token}, indent=True))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(
            f"Member {args.name} ({args.role}). Their token, shown once:\n{token}\n"
            f"They join with: lessonloop team join URL --as {args.name} --token TOKEN\n"
        )
    return 0
