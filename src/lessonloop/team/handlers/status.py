"""`lessonloop team` and `team status`: what is shared, pending and pulled, the last sync, and
the server's totals and members (unless --offline)."""

from __future__ import annotations

import argparse

from rich.markup import escape

from lessonloop.cli.common import console, emit_json, open_cli_store
from lessonloop.team.status import team_status


def cmd_status(args: argparse.Namespace) -> int:
    with open_cli_store(args.db, reading=True) as conn:
        data = team_status(conn, offline=args.offline)
    if args.json:
        emit_json(data)
        return 0
    out = console()
    if not data["joined"]:
        out.print("This store has joined no team: `lessonloop team init URL` or `lessonloop team join URL`.")
        return 0
    out.print(escape(f"Team: {data['url']} as {data['member']} ({data['role'] or 'role unknown'})"))
    shared, pending, pulled = data["shared"], data["pending"], data["pulled"]
    out.print(f"Shared: {shared['lessons']} lesson(s), {shared['commands']} command summary(ies)")
    out.print(f"Pending: {pending['changed']} change(s) not queued yet, {pending['outbox']} in the outbox")
    for project, count in data["not_shared"].items():
        out.print(escape(f"Not shared: {count} lesson(s) of {project} (no remote URL: `lessonloop team project`)"))
    out.print(
        f"Pulled: {pulled['team_lessons']} team lesson(s), {pulled['own_lessons_shared']} of yours the team has too, "
        f"{pulled['commands']} command summary(ies), {pulled['rejected']} rejected by a maintainer"
    )
    out.print(
        f"Last push: {data['last_push_at'] or 'never'}; last pull: {data['last_pull_at'] or 'never'} "
        f"(cursor {data['cursor']}); sync after ingest: {'on' if data['sync_after_ingest'] else 'off'}"
    )
    server = data.get("server")
    if server is None:
        return 0
    if "error" in server:
        out.print(escape(f"Server: not reached ({server['error']})"))
        return 0
    members = ", ".join(f"{m['name']} ({m['role']})" for m in server.get("members", []))
    out.print(
        f"Server: {server.get('lessons', 0)} lesson(s), {server.get('commands', 0)} command(s) in "
        f"{server.get('projects', 0)} project(s), {server.get('rejected', 0)} rejected; yours: {server.get('own', 0)}"
    )
    out.print(escape(f"Members: {members}"))
    out.print("Vectors: pgvector" if server.get("vectors") else f"Vectors: none ({server.get('vectors_note')})")
    return 0
