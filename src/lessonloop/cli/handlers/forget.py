"""`lessonloop forget session|project|everything`: delete what was captured, for good, after a
confirmation typed on a terminal or --yes (never without either: off a terminal, what would be
deleted is shown and nothing goes), or count it (--dry-run); what was deleted, per table. A
project is named exactly (cli/forget_commands.exact_project_or_repository)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from lessonloop.cli.common import CommandError, UsageError, emit_json, open_cli_store
from lessonloop.cli.confirmation import answered_yes, asked
from lessonloop.cli.forget_commands import exact_project_or_repository
from lessonloop.settings.config import config_path
from lessonloop.store import resolve_db_path
from lessonloop.store.forgetting import (
    ForgetError,
    forget_everything,
    forget_sessions,
    project_rows,
    project_sessions,
    store_files,
)
from lessonloop.store.forgetting import resolve_session as resolve_forget_session
from lessonloop.store.projects.names import InexactProject

if TYPE_CHECKING:
    from lessonloop.store.forgetting import ForgetResult


MAX_LISTED = 10  # session ids printed before "... and N more"


def cmd_forget(args: argparse.Namespace) -> int:
    if args.forget_target == "everything":
        return _everything(args)
    target = args.forget_target
    if not resolve_db_path(args.db).is_file():
        raise CommandError(f"there is no store at {resolve_db_path(args.db)}: nothing to forget")
    with open_cli_store(args.db) as conn:
        name: str | None = None
        try:
            if target == "session":
                ids = [resolve_forget_session(conn, args.session_id)]
            else:
                try:
                    name = exact_project_or_repository(conn, args.project)
                except InexactProject as exc:
                    raise UsageError(f"nothing was deleted: {exc}") from exc
                ids = project_sessions(conn, name)
                if not ids and not project_rows(conn, name):
                    raise CommandError(f"no stored session, run or repository belongs to the project {name}")
        except ForgetError as exc:
            raise CommandError(str(exc)) from exc
        plan = forget_sessions(conn, ids, dry_run=True, project=name)
        if args.dry_run:
            _print_result(args, target, name, plan)
            return 0
        if not args.yes and not asked(
            _result_text(target, name, plan, preview=True),
            f"nothing was deleted: `forget {target}` deletes for good and asks first, but standard input "
            "is not a terminal; add --yes to confirm",
            f"Forget {_sessions_phrase(plan)} for good? This cannot be undone. [y/N] ",
        ):
            print("Nothing was deleted.", file=sys.stderr)
            return 1
        result = forget_sessions(conn, ids, project=name)
    _print_result(args, target, name, result)
    return 0


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


def _result_text(target: str, project: str | None, result: ForgetResult, *, preview: bool = False) -> str:
    """What was (or would be) deleted; `preview`: shown before asking (no "Dry run" line)."""
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
        if not preview:
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
        if not answered_yes("Delete everything lessonloop stored? This cannot be undone. [y/N] "):
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
