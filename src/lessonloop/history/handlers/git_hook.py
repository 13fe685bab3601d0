"""`lessonloop git install`, `git uninstall` and `git status` (the default): the post-commit hook that
records each new commit, added (chaining an existing one) or removed, and what the store holds of the
repository."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from lessonloop.capture.git import post_commit_hook
from lessonloop.capture.git.post_commit_hook import HookError, install, uninstall
from lessonloop.capture.git.repository import GitError, open_repository
from lessonloop.cli.common import CommandError, emit_json, open_cli_store
from lessonloop.history.git_ingest import capture_paused
from lessonloop.history.store import writer as git_writer
from lessonloop.history.store.link_reader import link_counts
from lessonloop.store import resolve_db_path


def cmd_git_install(args: argparse.Namespace) -> int:
    db = os.path.abspath(os.path.expanduser(args.db)) if args.db else None
    try:
        place, chained, already = install(args.repository, sys.executable, db)
    except (GitError, HookError) as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"cannot write the hook in {args.repository}: {exc.strerror or exc}") from exc
    if args.json:
        emit_json(
            {"hook": place.path, "chained": place.original if chained else None, "reinstalled": already, "db": db}
        )
        return 0
    print(f"{'Reinstalled' if already else 'Installed'} lessonloop's post-commit hook: {place.path}")
    if chained:
        print(f"The previous hook runs first: {place.original} (`lessonloop git uninstall` puts it back).")
    print("Each commit is now read into the store in the background; LESSONLOOP_CAPTURE=0 pauses it.")
    print(f"`lessonloop ingest --git {args.repository}` reads the history already there.")
    return 0


def cmd_git_uninstall(args: argparse.Namespace) -> int:
    try:
        place, removed, restored = uninstall(args.repository)
    except GitError as exc:
        raise CommandError(str(exc)) from exc
    except OSError as exc:
        raise CommandError(f"cannot remove the hook in {args.repository}: {exc.strerror or exc}") from exc
    if args.json:
        emit_json({"hook": place.path, "removed": removed, "restored": restored})
        return 0
    if not removed:
        print(f"lessonloop's post-commit hook is not installed in {place.path}; nothing changed.")
    elif restored:
        print(f"Removed lessonloop's post-commit hook; the previous hook is back: {place.path}")
    else:
        print(f"Removed lessonloop's post-commit hook: {place.path}")
    return 0


def cmd_git_status(args: argparse.Namespace) -> int:
    try:
        hook = post_commit_hook.status(args.repository)
        root = open_repository(args.repository).root
    except GitError as exc:
        raise CommandError(str(exc)) from exc

    counts = links = None
    if resolve_db_path(args.db).exists():  # no store yet: the hook's state alone (nothing stored)
        with open_cli_store(args.db, reading=True) as conn:
            counts = git_writer.repository_counts(conn, root)
            links = link_counts(conn, root) if counts is not None else None
    data: dict[str, Any] = {
        "repository": root,
        "hook": {
            "path": hook.path,
            "installed": hook.installed,
            "chained": hook.chained,
            "other_hook": hook.other_hook,
            "python": hook.python,
            "python_exists": hook.python_exists,
            "db": hook.db,
            "hooks_path_configured": hook.hooks_path_configured,
        },
        "capture_paused": capture_paused(),
        "store": None
        if counts is None
        else {
            "commits": counts.commits,
            "merges": counts.merges,
            "files": counts.files,
            "hunks": counts.hunks,
            "first": counts.first,
            "last": counts.last,
            "read_at": counts.read_at,
            "branches": sorted(counts.tips),
            "links": links,
        },
    }
    if args.json:
        emit_json(data)
        return 0
    print(f"Repository: {root}")
    if hook.installed:
        print(f"Hook: installed at {hook.path}")
        if hook.chained:
            print(f"  runs the previous hook first: {hook.chained}")
        state = "exists" if hook.python_exists else "MISSING: reinstall with `lessonloop git install`"
        print(f"  interpreter: {hook.python} ({state})")
        if hook.db:
            print(f"  store: {hook.db}")
    elif hook.other_hook:
        print(f"Hook: not installed; {hook.path} is another tool's post-commit hook (install chains it)")
    else:
        print(f"Hook: not installed (`lessonloop git install` adds it at {hook.path})")
    if hook.hooks_path_configured:
        print("  (core.hooksPath is set: that folder is used)")
    if data["capture_paused"]:
        print("Capture is paused here: LESSONLOOP_CAPTURE=0")
    if counts is None:
        print("Store: nothing read yet (`lessonloop ingest --git` reads the history)")
    else:
        print(
            f"Store: {counts.commits} commits ({counts.merges} merges), {counts.files} file changes, "
            f"{counts.hunks} hunks; {counts.first or '-'} .. {counts.last or '-'}; last read {counts.read_at or 'never'}"
        )
        if links is not None:
            by = ", ".join(f"{n} by {k.replace('_', ' ')}" for k, n in links["by_evidence"].items())
            print(
                f"Links: {links['linked_commits']} commits tied to sessions ({by or 'none'}); "
                f"{links['rolled_back_commits']} undone by a later commit (`lessonloop git commits` lists them)"
            )
    return 0
