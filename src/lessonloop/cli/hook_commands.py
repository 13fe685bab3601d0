"""`lessonloop hooks install|uninstall|status`: lessonloop's hooks in each agent's hook file
(Claude Code, Codex CLI, Gemini CLI, Cursor, Copilot CLI); `hook EVENT`, the command they run."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from lessonloop.cli.common import DB_HELP, JSON_HELP, CommandError, emit_json, listed_help

if TYPE_CHECKING:
    from lessonloop.apply.hooks.install.files import Change

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

_SCOPE_HELP = (
    "Claude Code: local (default: <DIR>/.claude/settings.local.json, yours only, not committed), project "
    "(<DIR>/.claude/settings.json) or user (~/.claude/settings.json). The other agents: project (default: "
    "<DIR>/.codex/hooks.json, <DIR>/.gemini/settings.json, <DIR>/.cursor/hooks.json, "
    "<DIR>/.github/hooks/lessonloop.json) or user (~/.codex/, ~/.gemini/, ~/.cursor/, ~/.copilot/hooks/: "
    "every project). A project's file is usually committed: its hook command names this machine's Python"
)
_UNINSTALL_SCOPE_HELP = (
    "the scope to remove them from (default: wherever lessonloop's hooks are: local, project, then user)"
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


_AGENT_HELP = (
    "the agent: claude (Claude Code), codex (Codex CLI), gemini (Gemini CLI), cursor (Cursor) or copilot "
    "(Copilot CLI); default: every agent found on this machine (its folder in your home or its command on "
    "PATH), Claude Code when none is"
)
_UNINSTALL_AGENT_HELP = (
    "the agent (default: every agent whose files hold lessonloop's hooks, Claude Code when none does)"
)
_STATUS_AGENT_HELP = "the agent (default: every agent)"


def _hooks_command(commands: Commands) -> None:
    from lessonloop.apply.hooks.agents import AGENTS

    hooks = commands.add_parser(
        "hooks",
        help="install, uninstall or check lessonloop's hooks in Claude Code, Codex, Gemini CLI, Cursor, Copilot CLI",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "lessonloop's hooks give the lessons back to the agent while it works.\n"
            "`install` merges them into each agent's hook file, `uninstall` takes them out\n"
            "again (the original file back byte for byte when nothing else changed it),\n"
            "`status` (the default) shows where they are installed and whether they work."
        ),
    )
    hooks.add_argument("--agent", choices=AGENTS, help=_STATUS_AGENT_HELP)  # `hooks` alone is `hooks status`
    hooks.add_argument("--project-dir", metavar="DIR", help=_DIR_HELP)
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
        help="merge lessonloop's hooks into each agent's hook file (idempotent)",
        description=(
            "Add lessonloop's hook for every event it handles to an agent's hook file: Claude Code's settings "
            "(default scope local), Codex CLI's hooks.json, Gemini CLI's settings.json, Cursor's hooks.json, "
            "Copilot CLI's hooks folder (default scope project). Without --agent: every agent found on this "
            "machine, each named (Claude Code alone when none is found, as before). Other tools' hooks and "
            "every other setting are kept, in their order; lessonloop's own entries are replaced where they "
            "are, so installing again changes nothing. A file's original bytes are kept in "
            "<file>.lessonloop-backup for `uninstall`."
        ),
    )
    install.add_argument("--agent", choices=AGENTS, help=_AGENT_HELP)
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
            "Remove lessonloop's hooks from an agent's hook file. When nothing else changed the file since "
            "install, its original bytes come back exactly (a file install created is deleted, with the folders "
            "it created); otherwise only lessonloop's entries are removed and your changes are kept."
        ),
    )
    uninstall.add_argument("--agent", choices=AGENTS, help=_UNINSTALL_AGENT_HELP)
    _file_options(uninstall, uninstall=True)
    uninstall.set_defaults(handler=cmd_uninstall)

    status = sub.add_parser(
        "status",
        help="where the hooks are installed, whether they work, the hooks' failure log",
        description=(
            "For each agent (whether it was found on this machine) and each of its scopes: the hook file, "
            "lessonloop's events and options, whether their interpreter exists, other tools' hooks; then "
            "whether the hook entry point works, the store it uses, and the last failures the hooks logged. "
            "Exit status 0."
        ),
    )
    status.add_argument("--agent", choices=AGENTS, help=_STATUS_AGENT_HELP)
    status.add_argument("--project-dir", metavar="DIR", help=_DIR_HELP)
    status.add_argument("--db", metavar="PATH", help=_STATUS_DB_HELP)
    status.add_argument("--json", action="store_true", help=JSON_HELP)
    status.set_defaults(handler=cmd_status)
    _hook_command(sub, "run")


def _file_options(parser: argparse.ArgumentParser, *, uninstall: bool = False) -> None:
    parser.add_argument(
        "--scope",
        choices=("project", "local", "user"),
        default=None,
        help=_UNINSTALL_SCOPE_HELP if uninstall else _SCOPE_HELP,
    )
    parser.add_argument("--project-dir", metavar="DIR", help=_DIR_HELP)
    parser.add_argument("--dry-run", action="store_true", help="print the change as a diff; write nothing")
    parser.add_argument("--json", action="store_true", help="print what was (or would be) done as JSON")


def cmd_install(args: argparse.Namespace) -> int:
    from lessonloop.apply.hooks.agents import AGENTS
    from lessonloop.apply.hooks.install import plan
    from lessonloop.apply.hooks.install.files import HookFileError

    options = tuple(flag for flag, on in (("--block", args.block), ("--ask", args.ask)) if on)
    if args.project_dir and args.scope != "user" and not os.path.isdir(os.path.expanduser(args.project_dir)):
        raise CommandError(f"no such folder: {args.project_dir} (--project-dir names the project's folder)")
    found = [] if args.agent else [(agent, how) for agent in AGENTS if (how := plan.found(agent))]
    agents = [args.agent] if args.agent else [agent for agent, _how in found] or ["claude"]
    root = plan.resolve_root(args.project_dir)
    changes: list[Change] = []
    skipped: list[str] = []
    try:
        for agent in agents:
            spec = plan.spec(agent)
            scope = args.scope or spec.default_scope
            if scope not in spec.scopes:
                if args.agent:
                    raise CommandError(_no_scope(spec.label, scope, spec.scopes))
                skipped.append(f"{spec.label}: not installed ({_no_scope(spec.label, scope, spec.scopes)})")
                continue
            changes.append(plan.plan_install(agent, scope, root, options))
    except HookFileError as exc:
        raise CommandError(str(exc)) from exc
    header = _found_header(found, bool(args.agent))
    return _finish(args, changes, "install", header, skipped, found)


def _no_scope(label: str, scope: str, scopes: tuple[str, ...]) -> str:
    return f"{label} has no {scope} scope (it has {', '.join(scopes)}); the local scope is Claude Code's settings.local.json"


def _found_header(found: list[tuple[str, str]], asked: bool) -> list[str]:
    """What `hooks install` without --agent says first: the agents it found, and how."""
    from lessonloop.apply.hooks.agents import AGENTS
    from lessonloop.apply.hooks.install import plan

    if asked:
        return []
    if not found:
        looked = ", ".join(plan.spec(agent).label for agent in AGENTS)
        return [
            f"No agent found on this machine (looked for {looked}: a folder in your home, a command on PATH); "
            "installing Claude Code's hooks, as `hooks install` always did. --agent names another agent."
        ]
    return ["Found on this machine: " + "; ".join(f"{plan.spec(agent).label} ({how})" for agent, how in found) + "."]


def cmd_uninstall(args: argparse.Namespace) -> int:
    from lessonloop.apply.hooks.agents import AGENTS
    from lessonloop.apply.hooks.install import plan
    from lessonloop.apply.hooks.install.files import HookFileError

    root = plan.resolve_root(args.project_dir)
    changes: list[Change] = []
    try:
        where = {agent: plan.installed_scopes(agent, root) for agent in ([args.agent] if args.agent else AGENTS)}
        agents = (
            [args.agent]
            if args.agent
            else [a for a, scopes in where.items() if scopes and (args.scope or scopes[0]) in scopes]
        )
        agents = agents or ["claude"]
        for agent in agents:
            spec = plan.spec(agent)
            scope = args.scope or (where.get(agent) or [spec.default_scope])[0]
            if scope not in spec.scopes:
                raise CommandError(_no_scope(spec.label, scope, spec.scopes))
            changes.append(plan.plan_uninstall(agent, scope, root))
    except HookFileError as exc:
        raise CommandError(str(exc)) from exc
    return _finish(args, changes, "uninstall", [], [], [])


def _change_json(change: Change, dry_run: bool) -> dict[str, Any]:
    from lessonloop.apply.hooks.install import plan

    data: dict[str, Any] = {
        "agent": change.agent,
        "label": plan.spec(change.agent).label,
        "file": change.path,
        "scope": change.scope,
        "changed": change.changed,
        "events": change.events,
        "backup": change.backup_path if change.backup_after else None,
        "restored": change.restored,
        "dry_run": dry_run,
        "notes": change.notes,
    }
    if dry_run:
        data["diff"] = change.diff()
    return data


def _finish(
    args: argparse.Namespace,
    changes: list[Change],
    action: str,
    header: list[str],
    skipped: list[str],
    found: list[tuple[str, str]],
) -> int:
    """Apply the changes (unless --dry-run) and say what they did."""
    from lessonloop.apply.hooks.install import files, plan

    if not args.dry_run:
        try:
            for change in changes:
                files.apply(change)
        except files.HookFileError as exc:
            raise CommandError(str(exc)) from exc
    if args.json:
        every = [_change_json(change, args.dry_run) for change in changes]
        # The first change's fields at the top (Claude Code's when it is among them): what scripts
        # written for one agent read; `changes` holds every file's.
        data: dict[str, Any] = {**(every[0] if every else {}), "changes": every}
        data["found"] = [{"agent": agent, "label": plan.spec(agent).label, "how": how} for agent, how in found]
        data["skipped"] = skipped
        emit_json(data)
        return 0
    for line in header:
        print(line)
    for change in changes:
        _say(change, action, args.dry_run)
    for line in skipped:
        print(line)
    return 0


def _say(change: Change, action: str, dry_run: bool) -> None:
    from lessonloop.apply.hooks.install import plan

    label = plan.spec(change.agent).label
    if dry_run:
        sys.stdout.write(change.diff() or f"No change to {change.path}.\n")
        print("(dry run: nothing was written)")
    elif not change.changed:
        done = "already installed" if action == "install" else "not installed"
        print(f"lessonloop's {label} hooks are {done} in {change.path}; nothing changed.")
    elif action == "install":
        print(
            f"Installed lessonloop's {label} hooks ({', '.join(change.events)}) in {change.path} ({change.scope} scope)."
        )
        if change.before is None:
            print("The file was created (none existed); `lessonloop hooks uninstall` deletes it again.")
        else:
            print(f"The original is kept in {change.backup_path}; `lessonloop hooks uninstall` puts it back.")
    elif change.restored:
        how = "deleted (install had created it)" if change.after is None else "restored byte for byte"
        print(f"Removed lessonloop's {label} hooks: {change.path} {how}.")
    else:
        print(f"Removed lessonloop's {label} hooks from {change.path}.")
    for note in change.notes:
        print(f"Note: {note}")


def cmd_status(args: argparse.Namespace) -> int:
    from lessonloop.apply.hooks import failures, settings, spool
    from lessonloop.apply.hooks.agents import AGENTS
    from lessonloop.apply.hooks.install import plan
    from lessonloop.store.location import db_path_text

    root = plan.resolve_root(getattr(args, "project_dir", None))
    agents = [plan.agent_status(agent, root) for agent in ([args.agent] if getattr(args, "agent", None) else AGENTS)]
    db = os.path.abspath(os.path.expanduser(args.db)) if getattr(args, "db", None) else db_path_text()
    count, last = failures.read_failures(db, limit=5)
    data: dict[str, Any] = {
        "agents": agents,
        "scopes": agents[0]["scopes"],  # the first agent's (Claude Code's without --agent), as before other agents
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

    from lessonloop.cli.common import console

    out = console()
    problems: list[str] = []
    for agent in data["agents"]:
        _print_agent(agent, problems, several=len(data["agents"]) > 1)
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


def _print_agent(agent: dict[str, Any], problems: list[str], several: bool) -> None:
    """One agent of `hooks status`: how it was found, a table of its scopes' files."""
    from rich.markup import escape
    from rich.table import Table

    from lessonloop.cli.common import console

    out = console()
    files = [scope for scope in agent["scopes"] if scope["exists"] or scope["error"] or scope["other_files"]]
    found = f"found: {agent['found']}" if agent["found"] else "not found on this machine"
    if several and not files:
        out.print(f"[bold]{escape(agent['label'])}[/] ({escape(found)}): [dim]no hook file[/]")
        return
    out.print(f"[bold]{escape(agent['label'])}[/] ({escape(found)})")
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in ("SCOPE", "FILE", "LESSONLOOP HOOKS", "OTHER HOOKS"):
        table.add_column(name, no_wrap=name != "LESSONLOOP HOOKS")
    for scope in agent["scopes"]:
        rows = [scope, *scope["other_files"]]
        for at, row in enumerate(rows):
            table.add_row(
                scope["scope"] if at == 0 else "",
                escape(row["file"]),
                _state(row, agent, problems),
                str(row["other_hooks"]),
            )
        problems += [f"{scope['file']}: {note}" for note in scope["notes"]]
    out.print(table)


def _state(row: dict[str, Any], agent: dict[str, Any], problems: list[str]) -> str:
    """A file's LESSONLOOP HOOKS cell; what is wrong with it goes to `problems`."""
    from rich.markup import escape

    if row["error"]:
        problems.append(row["error"])
        return "[red]unreadable[/]"
    if not row["exists"]:
        return "[dim]no file[/]"
    if not row["events"]:
        return "[dim]not installed[/]"
    for hook in row["events"]:
        if not hook["python_ok"]:
            problems.append(
                f"{row['file']}: {hook['event']} runs {hook['python']}, which does not exist or is not executable"
            )
        if hook["agent"] != agent["agent"]:
            problems.append(
                f"{row['file']}: {hook['event']} runs as {hook['agent']}'s hook (--agent), not {agent['agent']}'s: "
                f"`lessonloop hooks install --agent {agent['agent']}` writes the right one"
            )
    return ", ".join(escape(" ".join([h["event"], *h["options"]])) for h in row["events"])


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
