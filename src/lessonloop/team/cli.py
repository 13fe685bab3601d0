"""`lessonloop team ...`: a team store on PostgreSQL (docs/team.md): the parsers (their handlers:
handlers/join.py for init and join, sync.py for push, pull and sync, status.py, project.py,
invite.py, reject.py, forget.py, search.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import common_options, limit_option

if TYPE_CHECKING:
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
    team.set_defaults(handler="lessonloop.team.handlers.status:cmd_status", offline=False)
    sub = team.add_subparsers(dest="team_command", metavar="COMMAND", help="what to do (default: status)")

    init = sub.add_parser(
        "init",
        help="create or migrate the team schema in a database, and join it",
        description="Create or migrate the team schema in a database, and join it.",
    )
    init.add_argument("url", metavar="URL", help="the database, e.g. postgresql://host/dbname (password: ~/.pgpass)")
    init.add_argument("--as", dest="name", metavar="NAME", help="your member name (default: $USER)")
    common_options(init)
    init.set_defaults(handler="lessonloop.team.handlers.join:cmd_init")

    join = sub.add_parser(
        "join",
        help="join a team as a member a maintainer added",
        description="Join a team as a member a maintainer added.",
    )
    join.add_argument("url", metavar="URL", help="the team's database")
    join.add_argument("--as", dest="name", metavar="NAME", required=True, help="your member name")
    join.add_argument("--token", metavar="TOKEN", help=f"your token (default: ${TOKEN_ENV})")
    common_options(join)
    join.set_defaults(handler="lessonloop.team.handlers.join:cmd_join")

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
    push.set_defaults(handler="lessonloop.team.handlers.sync:cmd_push")

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
    pull.set_defaults(handler="lessonloop.team.handlers.sync:cmd_pull")

    sync = sub.add_parser("sync", help="push, then pull", description="Push, then pull.")
    sync.add_argument("--after-ingest", choices=("on", "off"), help="also sync in the background after each ingest")
    common_options(sync)
    sync.set_defaults(handler="lessonloop.team.handlers.sync:cmd_sync")

    status = sub.add_parser(
        "status",
        help="what is shared, what is pending, what was pulled, the last sync",
        description="What is shared, what is pending, what was pulled, the last sync.",
    )
    status.add_argument("--offline", action="store_true", help="do not ask the server")
    common_options(status)
    status.set_defaults(handler="lessonloop.team.handlers.status:cmd_status")

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
    project.set_defaults(handler="lessonloop.team.handlers.project:cmd_project")

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
    member.set_defaults(handler="lessonloop.team.handlers.invite:cmd_member")

    reject = sub.add_parser(
        "reject",
        help="reject a lesson for the whole team (maintainers)",
        description=(
            "Reject a lesson for the whole team (maintainers): every member's copy is rejected at their next "
            "pull, and the server keeps no undo. Name the team's item by its id (`team search` shows it; "
            "whole, or 8 characters or more of its start), or a local lesson with --lesson N. What is "
            "rejected is shown and asked first; --yes confirms (off a terminal, nothing is rejected without it)."
        ),
    )
    reject.add_argument(
        "item", metavar="ITEM", nargs="?", help="the team item's id (whole, or its first 8 characters or more)"
    )
    reject.add_argument("--lesson", type=int, metavar="N", help="the team item of this local lesson instead")
    reject.add_argument("--yes", action="store_true", help="reject without asking (needed off a terminal)")
    reject.add_argument("--reason", metavar="TEXT", help="why, for the team to read")
    common_options(reject)
    reject.set_defaults(handler="lessonloop.team.handlers.reject:cmd_reject")

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
    forget.set_defaults(handler="lessonloop.team.handlers.forget:cmd_forget")

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
    search.set_defaults(handler="lessonloop.team.handlers.search:cmd_search")
