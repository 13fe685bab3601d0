"""`lessonloop forget`: delete a session, a project's sessions, or the whole store, for good.

(`lessonloop lessons forget` deletes one lesson; this deletes what was captured.)
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP, CommandError, emit_json, open_cli_store

if TYPE_CHECKING:
    from lessonloop.store.forgetting import ForgetResult

MAX_LISTED = 10  # session ids printed before "... and N more"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    forget = commands.add_parser(
        "forget",
        help="delete a session, a project's sessions or the whole store for good (privacy)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Delete what was captured, for good:\n\n"
            "  forget session ID      one session (an id or a unique prefix) and its subagents\n"
            "  forget project NAME    every session of a project (a folder or part of its path),\n"
            "                         the runs `lessonloop run` recorded in it, and the git\n"
            "                         history of the repositories in its folder\n"
            "  forget everything      the whole store, its -wal/-shm, the hooks' failure log and spool\n\n"
            "A session goes with every row tied to it: messages, tool calls, token usage, analysis,\n"
            "matched findings, the hooks' records, and the lesson evidence it gave; learned lessons\n"
            "left without evidence are deleted (only their signature is kept, so they are not\n"
            "learned again). Ingest never stores a forgotten session again. Deleted pages are\n"
            "overwritten and the store is compacted (VACUUM), so the texts do not linger in the file.\n"
            "The configuration is kept. `lessons forget ID` deletes a single lesson.\n\n"
            "On a terminal you are asked to confirm unless --yes; `everything` always needs --yes\n"
            "or that confirmation. --dry-run counts what would be deleted, per table."
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
    project.add_argument("project", metavar="NAME", help="the project: a folder, or part of its path")
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
        parser.set_defaults(handler=cmd_forget)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted, per table")
    # Given before WHAT (`forget --json session ID`), --db and --json are kept: cli.command_parser.
    parser.add_argument("--db", metavar="PATH", help=DB_HELP)
    parser.add_argument("--json", action="store_true", help=JSON_HELP)


def cmd_forget(args: argparse.Namespace) -> int:
    if args.forget_target == "everything":
        return _everything(args)
    from lessonloop.store import resolve_db_path
    from lessonloop.store.forgetting import ForgetError, forget_sessions, project_rows, project_sessions
    from lessonloop.store.forgetting import resolve_session as resolve_forget_session

    target = args.forget_target
    if not resolve_db_path(args.db).is_file():
        raise CommandError(f"there is no store at {resolve_db_path(args.db)}: nothing to forget")
    with open_cli_store(args.db) as conn:
        name: str | None = None
        try:
            if target == "session":
                ids = [resolve_forget_session(conn, args.session_id)]
            else:
                name = project_or_repository(conn, args.project)
                ids = project_sessions(conn, name)
                if not ids and not project_rows(conn, name):
                    raise CommandError(f"no stored session, run or repository belongs to the project {name}")
        except ForgetError as exc:
            raise CommandError(str(exc)) from exc
        plan = forget_sessions(conn, ids, dry_run=True, project=name)
        if args.dry_run:
            _print_result(args, target, name, plan)
            return 0
        if not args.yes and sys.stdin.isatty():
            sys.stderr.write(_result_text(target, name, plan) + "\n")
            if not _confirm(f"Forget {_sessions_phrase(plan)} for good? This cannot be undone. [y/N] "):
                print("Nothing was deleted.", file=sys.stderr)
                return 1
        result = forget_sessions(conn, ids, project=name)
    _print_result(args, target, name, result)
    return 0


def project_or_repository(conn: sqlite3.Connection, given: str) -> str:
    """The project `given` names: a stored project of sessions, lessons or runs, or a repository
    read by `ingest --git` (store/projects/names.py's rule over all of them)."""
    from lessonloop.cli.common import project_named
    from lessonloop.store.projects.names import project_folders

    name = project_named(conn, given, project_folders(conn))
    assert name is not None
    return name


def _confirm(prompt: str) -> bool:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _sessions_phrase(result: ForgetResult) -> str:
    count = len(result.sessions)
    text = f"{count} session{'s' if count != 1 else ''}"
    subagents = result.contexts - count
    if subagents > 0:
        text += f" (+{subagents} subagent context{'s' if subagents != 1 else ''})"
    runs = result.deleted.get("runs", 0)
    if runs:
        text += f" and {runs} run{'s' if runs != 1 else ''} of `lessonloop run`"
    repositories = result.deleted.get("git_repositories", 0)
    if repositories:
        commits = result.deleted.get("git_commits", 0)
        text += f", and the git history of {repositories} repositor{'ies' if repositories != 1 else 'y'}"
        text += f" ({commits} commit{'s' if commits != 1 else ''})"
    return text


def _print_result(args: argparse.Namespace, target: str, project: str | None, result: ForgetResult) -> None:
    if args.json:
        emit_json({"target": target, "project": project, **result.to_json()})
    else:
        print(_result_text(target, project, result))


def _result_text(target: str, project: str | None, result: ForgetResult) -> str:
    verb = "Would forget" if result.dry_run else "Forgot"
    where = f" of the project {project}" if project else ""
    lines = [f"{verb} {_sessions_phrase(result)}{where}:"]
    shown = result.sessions[:MAX_LISTED]
    lines.extend(f"  {session_id}" for session_id in shown)
    if len(result.sessions) > len(shown):
        lines.append(f"  ... and {len(result.sessions) - len(shown)} more")
    rows = {table: n for table, n in result.deleted.items() if n}
    lines.append("")
    if rows:
        width = max(len(table) for table in rows)
        lines.append("Rows " + ("that would be deleted:" if result.dry_run else "deleted:"))
        lines.extend(f"  {table:<{width}}  {n:>8,}" for table, n in rows.items())
    else:
        lines.append("No stored rows " + ("would be" if result.dry_run else "were") + " deleted.")
    if result.lessons_forgotten:
        lines.append(
            f"{result.lessons_forgotten} learned lesson(s) had no other evidence and "
            + ("would be" if result.dry_run else "were")
            + " deleted (only their signatures are kept, so they are not learned again)."
        )
    if result.source_files_marked:
        lines.append(
            f"{result.source_files_marked} transcript file(s) held only these sessions: "
            "kept in the list of files read, and their sessions are never stored again."
        )
    if result.dry_run:
        lines.append("Dry run: nothing was deleted.")
    else:
        lines.append("Ingest will not store these sessions again, even when their transcripts are read again.")
        if result.vacuumed and result.wal_emptied:
            lines.append("The store was compacted (VACUUM) and its write-ahead log emptied.")
        else:
            lines.append(
                "Warning: another process kept the store busy, so it was not fully compacted: old copies of "
                "the deleted pages may stay in its write-ahead log until SQLite's next checkpoint "
                "(docs/privacy.md says how to finish it)."
            )
    return "\n".join(lines)


def _everything(args: argparse.Namespace) -> int:
    from lessonloop.settings.config import config_path
    from lessonloop.store import resolve_db_path
    from lessonloop.store.forgetting import ForgetError, forget_everything, store_files

    db = resolve_db_path(args.db)
    try:
        files = store_files(db)
    except ForgetError as exc:
        raise CommandError(str(exc)) from exc
    kept = config_path()
    if args.dry_run or not files:
        if args.json:
            emit_json(
                {
                    "target": "everything",
                    "dry_run": args.dry_run,
                    "store": str(db),
                    "deleted": [],
                    "would_delete": [{"path": p, "bytes": n} for p, n in files],
                    "kept": [kept],
                }
            )
        elif not files:
            print(f"Nothing to delete: there is no store at {db}.")
        else:
            print("Would delete:")
            print("\n".join(f"  {path} ({size:,} bytes)" for path, size in files))
            print(f"The configuration {kept} would be kept.\nDry run: nothing was deleted.")
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            raise CommandError(
                f"`forget everything` deletes the whole store {db} and cannot be undone: add --yes to confirm"
            )
        sys.stderr.write("This deletes:\n" + "\n".join(f"  {path}" for path, _ in files) + "\n")
        if not _confirm("Delete everything lessonloop stored? This cannot be undone. [y/N] "):
            print("Nothing was deleted.", file=sys.stderr)
            return 1
    try:
        deleted = forget_everything(db)
    except ForgetError as exc:
        raise CommandError(str(exc)) from exc
    if args.json:
        emit_json(
            {
                "target": "everything",
                "dry_run": False,
                "store": str(db),
                "deleted": [{"path": p, "bytes": n} for p, n in deleted],
                "would_delete": [],
                "kept": [kept],
            }
        )
    else:
        print("Deleted:")
        print("\n".join(f"  {path} ({size:,} bytes)" for path, size in deleted))
        print(f"Kept the configuration {kept}.")
    return 0
