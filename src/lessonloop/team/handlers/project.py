"""`lessonloop team project`: the repository (normalized remote URL) a local project's lessons
travel under, set or listed."""

from __future__ import annotations

import argparse

from lessonloop.cli.common import CommandError, open_cli_store
from lessonloop.team.handlers.common import say
from lessonloop.team.remote_urls import RemoteError, normalize_remote
from lessonloop.team.store.state import project_urls, set_project


def cmd_project(args: argparse.Namespace) -> int:
    with open_cli_store(args.db) as conn:
        if args.project is not None:
            if args.remote is None:
                raise CommandError("give the project's remote URL: `lessonloop team project PROJECT URL`")
            try:
                key = normalize_remote(args.remote)
            except RemoteError as exc:
                raise CommandError(str(exc)) from exc
            set_project(conn, args.project, key, args.remote)
        rows = project_urls(conn)
    data = {"projects": [{"project": p, "remote": r, "url": u} for p, r, u in rows]}
    lines = [f"{p} -> {r}" for p, r, _u in rows] or ["No project has a remote yet."]
    return say(args, data, lines)
