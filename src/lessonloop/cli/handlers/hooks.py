"""`lessonloop hooks install` and `hooks uninstall`: lessonloop's hooks merged into each agent's hook
file, or taken out again (the original file back when nothing else changed it); --dry-run as a diff."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from lessonloop.apply.hooks.install import files, plan
from lessonloop.apply.hooks.install.files import HookFileError
from lessonloop.cli.common import CommandError, emit_json
from lessonloop.core.agent_specs import default_spec, hook_agents

if TYPE_CHECKING:
    from lessonloop.apply.hooks.install.files import Change


def cmd_install(args: argparse.Namespace) -> int:
    options = tuple(
        flag for flag, on in (("--warn-only", args.warn_only), ("--block", args.block), ("--ask", args.ask)) if on
    )
    if args.project_dir and args.scope != "user" and not os.path.isdir(os.path.expanduser(args.project_dir)):
        raise CommandError(f"no such folder: {args.project_dir} (--project-dir names the project's folder)")
    found = [] if args.agent else [(agent, how) for agent in hook_agents() if (how := plan.found(agent))]
    agents = [args.agent] if args.agent else [agent for agent, _how in found] or [default_spec().folder]
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
            changes.append(
                plan.plan_install(agent, scope, root, options, status_line=args.statusline and spec.status_line)
            )
    except HookFileError as exc:
        raise CommandError(str(exc)) from exc
    if args.statusline and not any(plan.spec(change.agent).status_line for change in changes if change.agent):
        having = [plan.spec(agent) for agent in hook_agents() if plan.spec(agent).status_line]
        named = ", ".join(f"{setup.label} (--agent {setup.name})" for setup in having) or "none"
        skipped.append(f"--statusline: none of these agents has a status line command (those with one: {named})")
    header = _found_header(found, bool(args.agent))
    return _finish(args, changes, "install", header, [*skipped, _before_a_call(options)], found, options)


def _before_a_call(options: tuple[str, ...]) -> str:
    """What the installed PreToolUse does about a call a lesson covers, in words."""
    if "--warn-only" in options:
        said = ["a lesson only warns (--warn-only)"]
    else:
        said = [
            "a lesson of yours that failed in two sessions or more stops it once, the lesson as the reason the "
            "model reads before anything ran (the same call sent again runs; --warn-only: warnings only)"
        ]
    if "--block" in options:
        said.append("one at least 95% confident denies it every time (--block)")
    if "--ask" in options:
        said.append("one at 75% asks you (--ask)")
    return "Before a call: " + "; ".join(said) + "."


def _no_scope(label: str, scope: str, scopes: tuple[str, ...]) -> str:
    setups = [plan.spec(agent) for agent in hook_agents()]
    having = [setup.label for setup in setups if scope in setup.scopes]
    whose = f"{' and '.join(having)}'s" if having else "no agent's"
    return f"{label} has no {scope} scope (it has {', '.join(scopes)}); the {scope} scope is {whose}"


def _found_header(found: list[tuple[str, str]], asked: bool) -> list[str]:
    """What `hooks install` without --agent says first: the agents it found, and how."""
    if asked:
        return []
    if not found:
        looked = ", ".join(plan.spec(agent).label for agent in hook_agents())
        return [
            f"No agent found on this machine (looked for {looked}: a folder in your home, a command on PATH); "
            f"installing {plan.spec(default_spec().folder).label}'s hooks, as `hooks install` always did. "
            "--agent names another agent."
        ]
    return ["Found on this machine: " + "; ".join(f"{plan.spec(agent).label} ({how})" for agent, how in found) + "."]


def cmd_uninstall(args: argparse.Namespace) -> int:
    root = plan.resolve_root(args.project_dir)
    changes: list[Change] = []
    try:
        where = {agent: plan.installed_scopes(agent, root) for agent in ([args.agent] if args.agent else hook_agents())}
        agents = (
            [args.agent]
            if args.agent
            else [a for a, scopes in where.items() if scopes and (args.scope or scopes[0]) in scopes]
        )
        agents = agents or [default_spec().folder]
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
    options: tuple[str, ...] = (),
) -> int:
    """Apply the changes (unless --dry-run) and say what they did."""
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
        data["skipped"] = [line for line in skipped if not line.startswith("Before a call: ")]
        if action == "install":
            data["before_a_call"] = (
                "warn" if "--warn-only" in options else "stop once",
                *(["block"] if "--block" in options else []),
                *(["ask"] if "--ask" in options else []),
            )
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
