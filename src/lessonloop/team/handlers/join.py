"""`lessonloop team init` (create or migrate the team schema in a database, and join it as its
first member) and `team join` (join as a member a maintainer added): this store's team settings
and token."""

from __future__ import annotations

import argparse
import os
import sys

from lessonloop.cli.common import CommandError, open_cli_store
from lessonloop.core.timestamps import utc_now
from lessonloop.team.handlers.common import say
from lessonloop.team.server import TeamError, TeamServer, init_schema, shown_url
from lessonloop.team.store.state import save_config
from lessonloop.team.store.tokens import TOKEN_ENV, TokenFileError, tokens_path


def cmd_init(args: argparse.Namespace) -> int:
    name = args.name or os.environ.get("USER") or "maintainer"
    with open_cli_store(args.db) as conn:
        try:
            result = init_schema(args.url, name)
        except TeamError as exc:
            raise CommandError(str(exc)) from exc
        if result.token is not None:
            try:
                save_config(conn, args.url, name, result.token, "maintain", utc_now())
            except TokenFileError as exc:
                raise CommandError(
                    f"{exc}; your token, shown once, is {result.token}: join with it once the file can be "
                    f"written (`lessonloop team join URL --as {name} --token TOKEN`)"
                ) from exc
    data = {
        "url": shown_url(args.url),
        "created": result.created,
        "vectors": result.vectors,
        "vectors_note": result.vector_note or None,
        "member": result.first_member,
    }
    lines = [
        f"Team schema {'created' if result.created else 'up to date'} at {shown_url(args.url)}.",
        "pgvector: yes" if result.vectors else f"pgvector: no ({result.vector_note})",
    ]
    if result.first_member:
        lines.append(f"You are its first member, {result.first_member} (maintain); this store has joined.")
    else:
        lines.append("It has members already: join with `lessonloop team join URL --as NAME --token TOKEN`.")
    say(args, data, lines)
    if result.token is not None and not args.json:
        sys.stdout.write(f"Your token (shown once; kept in {tokens_path()}, readable by you only): {result.token}\n")
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    token = args.token or os.environ.get(TOKEN_ENV)
    if not token:
        raise CommandError(f"give your token with --token or ${TOKEN_ENV} (a maintainer makes one: `team invite NAME`)")
    try:
        with TeamServer(args.url, args.name, token) as server:
            role = server.role()
    except TeamError as exc:
        raise CommandError(str(exc)) from exc
    with open_cli_store(args.db) as conn:
        try:
            save_config(conn, args.url, args.name, token, role, utc_now())
        except TokenFileError as exc:
            raise CommandError(str(exc)) from exc
    return say(
        args,
        {"url": shown_url(args.url), "member": args.name, "role": role},
        [f"Joined the team at {shown_url(args.url)} as {args.name} ({role})."],
    )
