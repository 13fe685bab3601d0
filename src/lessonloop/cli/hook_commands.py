"""`lessonloop hooks install|uninstall|status`: lessonloop's Claude Code hooks in a settings file."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from lessonloop.cli.common import DB_HELP, JSON_HELP, CommandError, emit_json, listed_help

if TYPE_CHECKING:
    from lessonloop.apply.hooks.settings import Change

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

_SCOPE_HELP = (
    "local: <DIR>/.claude/settings.local.json (default: yours only, not committed), project: "
    "<DIR>/.claude/settings.json (committed and shared: the hook command names this machine's Python, so "
    "teammates need lessonloop at the same path), user: ~/.claude/settings.json (every project)"
)
_UNINSTALL_SCOPE_HELP = (
    "the settings file to remove them from: local, project or user (default: wherever lessonloop's hooks "
    "are, local then project then user)"
)
# Why install's default is the local file: the hook command names this machine's interpreter by
# absolute path (Claude Code's PATH may not hold the virtual environment), which a teammate's
# clone of a committed .claude/settings.json would not have (and hooks fail open: silently).
_PROJECT_SCOPE_NOTE = (
    "the project's .claude/settings.json is usually committed; its hook command names this machine's "
    "Python ({python}), so a teammate's hooks work only with lessonloop installed at that same path "
    "(elsewhere they do nothing, silently). `--scope local` keeps them yours."
)
_STATUS_DB_HELP = "the store to check (default: the one the installed hooks use, $LESSONLOOP_DB or the XDG data folder)"
_DIR_HELP = "the project folder (default: the git top-level of the current folder, else the current folder)"


def register(commands: Commands) -> None:
    """Add `hooks` with its subcommands (`hooks run EVENT` among them) and `hook EVENT`, the
    command the installed hooks run: left out of the command list, it is for Claude Code."""
    _hook_command(commands, "hook", listed=False)
    _hooks_command(commands)


def _hook_command(commands: Commands, name: str, *, listed: bool = True) -> None:
    hook = commands.add_parser(
        name,
        **listed_help("run one Claude Code hook: the event's JSON on stdin (what the installed hooks run)", listed),
        description=(
            "Handle one Claude Code hook event: the hook's JSON on stdin, the answer (if any) as JSON on "
            "stdout (so there is no --json). EVENT is SessionStart, UserPromptSubmit, PreToolUse, "
            "PostToolUse, PostToolUseFailure, Stop or SessionEnd; without it the payload's hook_event_name "
            "decides. Always exits 0: any failure means no decision, and is logged next to the store, where "
            "`lessonloop hooks status` shows it. The installed hooks use $LESSONLOOP_DB or the default store; "
            "--db is for trying a hook by hand on another one."
        ),  # `lessonloop hook` itself is served before this parser is even built: see __main__.py
    )
    hook.add_argument("event", nargs="?", metavar="EVENT", help="the hook event, as Claude Code names it")
    hook.add_argument("--block", action="store_true", help="PreToolUse: deny a call at confidence >= 0.95")
    hook.add_argument("--ask", action="store_true", help="PreToolUse: ask the person at confidence >= 0.75")
    hook.add_argument("--db", metavar="PATH", help=DB_HELP)
    hook.set_defaults(handler=cmd_hook)


def _hooks_command(commands: Commands) -> None:
    hooks = commands.add_parser(
        "hooks",
        help="install, uninstall or check lessonloop's Claude Code hooks",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "lessonloop's Claude Code hooks give the lessons back to the agent while it works.\n"
            "`install` merges them into a settings file, `uninstall` takes them out again (the\n"
            "original file back byte for byte when nothing else changed it), `status` (the\n"
            "default) shows where they are installed and whether they work."
        ),
    )
    hooks.add_argument("--project-dir", metavar="DIR", help=_DIR_HELP)  # `hooks` alone is `hooks status`
    hooks.add_argument("--db", metavar="PATH", help=_STATUS_DB_HELP)
    hooks.add_argument("--json", action="store_true", help=JSON_HELP)
    hooks.set_defaults(handler=cmd_status)
    sub = hooks.add_subparsers(
        dest="hooks_command",
        metavar="SUBCOMMAND",
        title="subcommands",
        help="install, uninstall, status (the default) or run",
    )

    install = sub.add_parser(
        "install",
        help="merge lessonloop's hooks into a Claude Code settings file (idempotent)",
        description=(
            "Add lessonloop's hook for every event it handles to a Claude Code settings file. Other "
            "tools' hooks and every other setting are kept, in their order; lessonloop's own entries are "
            "replaced where they are, so installing again changes nothing. The file's original bytes are "
            "kept in <file>.lessonloop-backup for `uninstall`."
        ),
    )
    _file_options(install)
    install.add_argument(
        "--block", action="store_true", help="PreToolUse denies a call when a lesson is at least 95%% confident"
    )
    install.add_argument(
        "--ask", action="store_true", help="PreToolUse asks you about a call when a lesson is at least 75%% confident"
    )
    install.set_defaults(handler=cmd_install)

    uninstall = sub.add_parser(
        "uninstall",
        help="remove lessonloop's hooks; the original file back when nothing else changed it",
        description=(
            "Remove lessonloop's hooks from a Claude Code settings file. When nothing else changed the "
            "file since install, its original bytes come back exactly (a file install created is "
            "deleted); otherwise only lessonloop's entries are removed and your changes are kept."
        ),
    )
    _file_options(uninstall, uninstall=True)
    uninstall.set_defaults(handler=cmd_uninstall)

    status = sub.add_parser(
        "status",
        help="where the hooks are installed, whether they work, the hooks' failure log",
        description=(
            "For each settings file (user, project, local): lessonloop's events and options, whether "
            "their interpreter exists, other tools' hooks; then whether the hook entry point works, "
            "the store it uses, and the last failures the hooks logged. Exit status 0."
        ),
    )
    status.add_argument("--project-dir", metavar="DIR", help=_DIR_HELP)
    status.add_argument("--db", metavar="PATH", help=_STATUS_DB_HELP)
    status.add_argument("--json", action="store_true", help=JSON_HELP)
    status.set_defaults(handler=cmd_status)
    _hook_command(sub, "run")


def _file_options(parser: argparse.ArgumentParser, *, uninstall: bool = False) -> None:
    if uninstall:
        parser.add_argument("--scope", choices=("project", "local", "user"), default=None, help=_UNINSTALL_SCOPE_HELP)
    else:
        parser.add_argument("--scope", choices=("project", "local", "user"), default="local", help=_SCOPE_HELP)
    parser.add_argument("--project-dir", metavar="DIR", help=_DIR_HELP)
    parser.add_argument("--dry-run", action="store_true", help="print the change as a diff; write nothing")
    parser.add_argument("--json", action="store_true", help="print what was (or would be) done as JSON")


def cmd_install(args: argparse.Namespace) -> int:
    from lessonloop.apply.hooks import settings

    options = tuple(flag for flag, on in (("--block", args.block), ("--ask", args.ask)) if on)
    if args.project_dir and args.scope != "user" and not os.path.isdir(os.path.expanduser(args.project_dir)):
        raise CommandError(f"no such folder: {args.project_dir} (--project-dir names the project's folder)")
    path = settings.settings_path(args.scope, args.project_dir)
    try:
        change = settings.plan_install(path, args.scope, {"PreToolUse": options})
    except settings.SettingsError as exc:
        raise CommandError(str(exc)) from exc
    if args.scope == "project":
        change.notes.append(_PROJECT_SCOPE_NOTE.format(python=sys.executable))
    return _finish(args, change, "install")


def cmd_uninstall(args: argparse.Namespace) -> int:
    from lessonloop.apply.hooks import settings

    scope = args.scope or _installed_scope(args.project_dir)
    path = settings.settings_path(scope, args.project_dir)
    try:
        change = settings.plan_uninstall(path, scope)
    except settings.SettingsError as exc:
        raise CommandError(str(exc)) from exc
    return _finish(args, change, "uninstall")


def _installed_scope(project_dir: str | None) -> str:
    """The first settings file holding lessonloop's hooks, or that cannot be read (its error is then
    said), of local, project and user; local when none does."""
    from lessonloop.apply.hooks import settings

    for scope in ("local", "project", "user"):
        status = settings.scope_status(scope, settings.settings_path(scope, project_dir))
        if status["events"] or status["error"]:
            return scope
    return "local"


def _finish(args: argparse.Namespace, change: Change, action: str) -> int:
    """Apply the change (unless --dry-run) and say what it did."""
    from lessonloop.apply.hooks import settings

    if not args.dry_run:
        try:
            settings.apply(change)
        except settings.SettingsError as exc:
            raise CommandError(str(exc)) from exc
    if args.json:
        data: dict[str, Any] = {
            "file": change.path,
            "scope": change.scope,
            "changed": change.changed,
            "events": change.events,
            "backup": change.backup_path if change.backup_after else None,
            "restored": change.restored,
            "dry_run": args.dry_run,
            "notes": change.notes,
        }
        if args.dry_run:
            data["diff"] = change.diff()
        emit_json(data)
        return 0
    if args.dry_run:
        sys.stdout.write(change.diff() or f"No change to {change.path}.\n")
        print("(dry run: nothing was written)")
    elif not change.changed:
        done = "already installed" if action == "install" else "not installed"
        print(f"lessonloop's hooks are {done} in {change.path}; nothing changed.")
    elif action == "install":
        print(f"Installed lessonloop's hooks ({', '.join(change.events)}) in {change.path} ({change.scope} scope).")
        if change.before is None:
            print("The file was created (none existed); `lessonloop hooks uninstall` deletes it again.")
        else:
            print(f"The original is kept in {change.backup_path}; `lessonloop hooks uninstall` puts it back.")
    elif change.restored:
        how = "deleted (install had created it)" if change.after is None else "restored byte for byte"
        print(f"Removed lessonloop's hooks: {change.path} {how}.")
    else:
        print(f"Removed lessonloop's hooks from {change.path}.")
    for note in change.notes:
        print(f"Note: {note}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from lessonloop.apply.hooks import failures, settings, spool
    from lessonloop.store.location import db_path_text

    scopes = [
        settings.scope_status(scope, settings.settings_path(scope, args.project_dir))
        for scope in ("user", "project", "local")
    ]
    db = os.path.abspath(os.path.expanduser(args.db)) if getattr(args, "db", None) else db_path_text()
    count, last = failures.read_failures(db, limit=5)
    data: dict[str, Any] = {
        "scopes": scopes,
        "entry_point": settings.check_entry(timeout=10.0, db=db),
        "db": db,
        "failure_log": {"file": failures.log_path(db), "files": failures.logs_of(db), "count": count, "last": last},
        "spool": {"folder": spool.folder(db), "waiting": len(spool.pending(db))},
        "ingest_queue": _ingest_queue(db),
    }
    if args.json:
        emit_json(data)
    else:
        _print_status(data)
    return 0


def _ingest_queue(db: str) -> dict[str, Any]:
    """The transcripts the Stop hooks queued that the background worker has not ingested yet;
    `retrying`: those it tried and failed (they are dropped after MAX_ATTEMPTS, with a failure logged)."""
    from lessonloop.pipeline.live_ingest import MAX_ATTEMPTS, queued

    waiting = queued(db)
    return {
        "waiting": len(waiting),
        "retrying": sorted(path for path, attempts in waiting.items() if attempts),
        "max_attempts": MAX_ATTEMPTS,
    }


def _print_status(data: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from lessonloop.cli.common import console

    out = console()
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("SCOPE", "FILE", "LESSONLOOP HOOKS", "OTHER HOOKS"):
        table.add_column(name, no_wrap=name != "LESSONLOOP HOOKS")
    problems: list[str] = []
    for scope in data["scopes"]:
        if scope["error"]:
            state = "[red]unreadable[/]"
            problems.append(scope["error"])
        elif not scope["exists"]:
            state = "[dim]no file[/]"
        elif not scope["events"]:
            state = "[dim]not installed[/]"
        else:
            state = ", ".join(escape(" ".join([h["event"], *h["options"]])) for h in scope["events"])
            problems += [
                f"{scope['file']}: {h['event']} runs {h['python']}, which does not exist or is not executable"
                for h in scope["events"]
                if not h["python_ok"]
            ]
        table.add_row(scope["scope"], escape(scope["file"]), state, str(scope["other_hooks"]))
    out.print(table)
    for problem in problems:
        out.print(f"[red]Problem:[/] {escape(problem)}")
    entry = data["entry_point"]
    if entry["ok"]:
        out.print(f"Entry point: [green]works[/] ({entry['lessons']} lessons in {escape(str(entry['db']))})")
    else:
        out.print(f"Entry point: [red]not working[/]: {escape(str(entry['problem']))}")
        out.print(f"[dim]  checked with: {escape(entry['command'])}[/]")
    out.print(f"Store: {escape(data['db'])}")
    log = data["failure_log"]
    out.print(f"Failure log: {escape(', '.join(log['files']))}: {log['count']} failure(s)")
    for failure in log["last"]:
        when, event, error = failure.get("ts") or "?", failure.get("event") or "-", failure.get("error") or ""
        out.print(f"  {escape(str(when))}  {escape(str(event))}  {escape(str(error))}")
    waiting = data["spool"]["waiting"]
    if waiting:
        out.print(
            f"Spool: {waiting} hook event(s) in {escape(data['spool']['folder'])} waiting for the store's write "
            "lock (the next hook or ingest stores them)"
        )
    queue = data["ingest_queue"]
    if queue["waiting"]:
        out.print(
            f"Ingest queue: {queue['waiting']} transcript(s) the Stop hook queued, not ingested yet "
            f"({len(queue['retrying'])} after a failure; dropped after {queue['max_attempts']} attempts)"
        )
        for path in queue["retrying"]:
            out.print(f"  {escape(path)}")


def cmd_hook(args: argparse.Namespace) -> int:
    """`lessonloop hook` reached through the parser (normally __main__ serves it first)."""
    import os

    from lessonloop.apply.hooks.entry import main as hook_main
    from lessonloop.store.location import ENV_DB

    options = [flag for flag, on in (("--block", args.block), ("--ask", args.ask)) if on]
    if not args.db:
        return hook_main([*([args.event] if args.event else []), *options])
    before = os.environ.get(ENV_DB)
    # The hook (and the Stop hook's background worker) find the store by $LESSONLOOP_DB.
    os.environ[ENV_DB] = os.path.abspath(os.path.expanduser(args.db))
    try:
        return hook_main([*([args.event] if args.event else []), *options])
    finally:
        if before is None:
            os.environ.pop(ENV_DB, None)
        else:
            os.environ[ENV_DB] = before
