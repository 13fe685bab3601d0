"""`lessonloop hooks status` (and `hooks` alone): where each agent's hooks are installed, whether
the entry point works, the store the hooks use, their failure log, spool and ingest queue."""

from __future__ import annotations

import argparse
import os
from typing import Any

from lessonloop.apply.hooks import entry_check, failures, spool
from lessonloop.apply.hooks.install import plan
from lessonloop.cli.common import console, emit_json
from lessonloop.core.agent_specs import hook_agents
from lessonloop.pipeline.live_ingest import MAX_ATTEMPTS, queued
from lessonloop.store.location import db_path_text


def cmd_status(args: argparse.Namespace) -> int:
    root = plan.resolve_root(getattr(args, "project_dir", None))
    agents = [
        plan.agent_status(agent, root) for agent in ([args.agent] if getattr(args, "agent", None) else hook_agents())
    ]
    db = os.path.abspath(os.path.expanduser(args.db)) if getattr(args, "db", None) else db_path_text()
    count, last = failures.read_failures(db, limit=5)
    data: dict[str, Any] = {
        "agents": agents,
        "scopes": agents[0]["scopes"],  # the first agent's (Claude Code's without --agent), as before other agents
        "entry_point": entry_check.check_entry(timeout=10.0, db=db),
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
    waiting = queued(db)
    return {
        "waiting": len(waiting),
        "retrying": sorted(path for path, attempts in waiting.items() if attempts),
        "max_attempts": MAX_ATTEMPTS,
    }


def _print_status(data: dict[str, Any]) -> None:
    from rich.markup import escape

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
    _print_server(entry.get("server"))
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


def _print_server(server: Any) -> None:
    """The hook server's line (hook_server.py): running, stopped or off."""
    from rich.markup import escape

    if not isinstance(server, dict):
        return
    out = console()
    if server.get("state") == "running":
        through = "; this check went through it" if server.get("answered") else ""
        out.print(
            f"Hook server: [green]running[/] (pid {server.get('pid')}, {server.get('calls')} call(s) taken{through}) "
            f"at {escape(str(server.get('socket')))}"
        )
    elif server.get("state") == "stopped":
        out.print("Hook server: not running (the next hook call starts it; that call runs in its own process)")
        if server.get("last_failure"):
            out.print(f"  [red]its last start failed:[/] {escape(str(server['last_failure']))}")
    else:
        out.print(f"Hook server: off ({escape(str(server.get('why')))}): every hook call runs in its own process")
