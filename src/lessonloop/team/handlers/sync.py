"""`lessonloop team push`, `team pull` and `team sync` (push, then pull): the lessons and run
telemetry that changed, in idempotent batches, and the team's changes since the last pull."""

from __future__ import annotations

import argparse
import sqlite3
from contextlib import suppress

from lessonloop.apply.embeddings import EmbeddingError
from lessonloop.apply.vector_recall import resolve_embedder
from lessonloop.cli.background_notes import note_sharing_while_behind
from lessonloop.cli.common import CommandError, open_cli_store
from lessonloop.store.location import resolve_db_path_text
from lessonloop.team.handlers.common import joined_config, say, team_server
from lessonloop.team.server import TeamError
from lessonloop.team.store.state import set_sync_after_ingest
from lessonloop.team.sync import PUSH_BATCH, pull, push


def cmd_push(args: argparse.Namespace) -> int:
    with open_cli_store(args.db) as conn:
        config = joined_config(conn)
        note_sharing_while_behind(conn, resolve_db_path_text(args.db))  # it does not wait: it says so
        _embed_lessons(conn)
        try:
            with team_server(config) as server:
                result = push(conn, server, batch_size=args.batch_size or PUSH_BATCH)
        except TeamError as exc:
            raise CommandError(str(exc)) from exc
    lines = [
        f"Pushed {result.batches} batch(es): {result.items} item(s) changed on the server"
        + (f", {result.resent} batch(es) it had already (an earlier push was cut off)" if result.resent else "")
        + "."
    ]
    lines += [
        f"Not shared: {count} lesson(s) of {project} (no remote URL: `lessonloop team project {project!r} URL`)"
        for project, count in sorted(result.unshared.items())
    ]
    return say(args, result.to_json(), lines)


def _embed_lessons(conn: sqlite3.Connection) -> None:
    """The lessons to share given vectors first, as recall gives them (apply/vector_recall.py:
    when the embedding model is installed and enabled and lessons were learned), so that the team
    can search them by meaning; a model that fails to load shares them without."""
    with suppress(EmbeddingError):
        resolve_embedder(conn, "auto")


def cmd_pull(args: argparse.Namespace) -> int:
    with open_cli_store(args.db) as conn:
        config = joined_config(conn)
        try:
            with team_server(config) as server:
                result = pull(conn, server)
        except TeamError as exc:
            raise CommandError(str(exc)) from exc
    lines = [
        f"Pulled {result.items} item(s): {result.new} new team lesson(s), {result.updated} updated, "
        f"{result.removed} removed, {result.rejected} rejected by a maintainer; cursor at {result.cursor}."
    ]
    lines += [f"Skipped {what}" for what in result.skipped]
    return say(args, result.to_json(), lines)


def cmd_sync(args: argparse.Namespace) -> int:
    with open_cli_store(args.db) as conn:
        config = joined_config(conn)
        if args.after_ingest:
            set_sync_after_ingest(conn, args.after_ingest == "on")
        _embed_lessons(conn)
        try:
            with team_server(config) as server:
                pushed = push(conn, server)
                pulled = pull(conn, server)
        except TeamError as exc:
            raise CommandError(str(exc)) from exc
    lines = [
        f"Pushed {pushed.items} item(s) in {pushed.batches} batch(es); pulled {pulled.items} "
        f"({pulled.new} new team lesson(s)); cursor at {pulled.cursor}."
    ]
    lines += [f"Skipped {what}" for what in pulled.skipped]
    if args.after_ingest:
        lines.append(f"Sync after ingest: {args.after_ingest}.")
    return say(args, {"push": pushed.to_json(), "pull": pulled.to_json()}, lines)
