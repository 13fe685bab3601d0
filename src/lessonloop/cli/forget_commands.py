"""The parser of `lessonloop forget`: delete a session, a project's sessions, or the whole store,
for good (its handler: handlers/forget.py); the project a name gives, repositories included
(project_or_repository, which `dataset quality` uses too; `forget project` takes a name exactly:
exact_project_or_repository).

(`lessonloop lessons forget` deletes one lesson; this deletes what was captured.)
"""

from __future__ import annotations

import argparse
import sqlite3

from lessonloop.cli.common import DB_HELP, JSON_HELP, project_named
from lessonloop.store.projects.names import exact_project, project_folders, stored_projects


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    forget = commands.add_parser(
        "forget",
        help="delete a session, a project's sessions or the whole store for good (privacy)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Delete what was captured, for good:\n\n"
            "  forget session ID      one session (an id or a unique prefix) and its subagents\n"
            "  forget project NAME    every session of a project (its full stored name, or its last\n"
            "                         folder when no other project ends with it), the runs\n"
            "                         `lessonloop run` recorded in it, and the git history of\n"
            "                         the repositories in its folder\n"
            "  forget everything      the whole store, its -wal/-shm, the hooks' failure log and spool\n\n"
            "A session goes with every row tied to it: messages, tool calls, token usage, analysis,\n"
            "matched findings, the hooks' records, and the lesson evidence it gave; learned lessons\n"
            "left without evidence are deleted (only their signature is kept, so they are not\n"
            "learned again). Ingest never stores a forgotten session again. Deleted pages are\n"
            "overwritten and the store is compacted (VACUUM), so the texts do not linger in the file.\n"
            "The configuration is kept. `lessons forget ID` deletes a single lesson.\n\n"
            "Nothing is deleted without a confirmation typed on a terminal or --yes: off a terminal\n"
            "(scripts), what would be deleted is shown and nothing goes unless --yes is given.\n"
            "A project name that is only part of a name deletes nothing and lists the projects it\n"
            "matches (exit status 2). --dry-run counts what would be deleted, per table."
        ),
    )
    forget.add_argument("--db", metavar="PATH", help=DB_HELP)
    forget.add_argument("--json", action="store_true", help=JSON_HELP)
    targets = forget.add_subparsers(
        dest="forget_target", metavar="WHAT", title="what to forget", help="session ID, project NAME or everything"
    )
    session = targets.add_parser(
        "session",
        help="one session and its subagents",
        description="Forget one session (and its subagents) with every row tied to it.",
    )
    session.add_argument("session_id", metavar="ID", help="the session's id or a unique prefix of it")
    _options(session)
    project = targets.add_parser(
        "project",
        help="every session of a project",
        description=(
            "Forget every session of a project with every row tied to them, the runs "
            "`lessonloop run` recorded in the project (their matches, patterns and findings), and "
            "the git history read by `ingest --git` of the repositories whose root is the project's "
            "folder or inside it (commits, files, hunks, links, rollbacks, file prediction models)."
        ),
    )
    project.add_argument(
        "project",
        metavar="NAME",
        help="the project's full stored name (as `sessions --json` shows it), or its last folder when no "
        "other project ends with it; part of a name deletes nothing and lists the matches",
    )
    _options(project)
    everything = targets.add_parser(
        "everything",
        help="the whole store (the configuration is kept)",
        description=(
            "Delete the store file, its -wal, -shm and -journal files, the hooks' failure log and the hook "
            "events waiting in their spool (hook-spool/). "
            "The configuration file is kept. Needs --yes, or a confirmation on a terminal."
        ),
    )
    _options(everything)

    def usage(_args: argparse.Namespace) -> int:
        forget.print_help()
        return 2

    forget.set_defaults(handler=usage)
    for parser in (session, project, everything):
        parser.set_defaults(handler="lessonloop.cli.handlers.forget:cmd_forget")


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted, per table")
    # Given before WHAT (`forget --json session ID`), --db and --json are kept: cli.command_parser.
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def project_or_repository(conn: sqlite3.Connection, given: str) -> str:
    """The project `given` names: a stored project of sessions, lessons or runs, or a repository
    read by `ingest --git` (store/projects/names.py's rule over all of them)."""
    name = project_named(conn, given, project_folders(conn))
    assert name is not None
    return name


def exact_project_or_repository(conn: sqlite3.Connection, given: str) -> str:
    """The project `given` names exactly (store/projects/names.exact_project): a stored project of
    sessions, lessons or runs, or a repository read by `ingest --git`; InexactProject otherwise."""
    return exact_project(given, [*stored_projects(conn), *project_folders(conn)])
