"""`lessonloop ingest --git [REPO ...]` and `lessonloop git install|uninstall|status [REPO]`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from lessonloop.cli.common import (
    DB_HELP,
    JSON_HELP,
    CommandError,
    UsageError,
    emit_json,
    open_cli_store,
    shown,
    time_options,
    user_config,
)
from lessonloop.core.arg_types import positive

if TYPE_CHECKING:
    from lessonloop.history.git_ingest import GitIngestSummary

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]

_REPO_HELP = "the repository (a folder in it, or a worktree; default: the current folder)"


def register(commands: Commands) -> None:
    git = commands.add_parser(
        "git",
        help="git history: ingest it, the post-commit hook that records each new commit, the commits sessions made",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "lessonloop reads git history with `lessonloop git ingest` (docs/git.md). The post-commit\n"
            "hook does it after each commit, in the background: `install` adds it (an existing\n"
            "post-commit hook is kept and still runs first), `uninstall` removes it and puts the old\n"
            "hook back byte for byte, `status` (the default) shows it and what the store holds.\n"
            "The hook never commits. LESSONLOOP_CAPTURE=0 pauses it. `git commits` lists the commits tied\n"
            "to the sessions that made them."
        ),
    )
    git.add_argument("--db", metavar="PATH", help=DB_HELP)
    git.add_argument("--json", action="store_true", help=JSON_HELP)
    git.set_defaults(handler=cmd_git_status, repository=".")
    sub = git.add_subparsers(
        dest="git_command",
        metavar="SUBCOMMAND",
        title="subcommands",
        help="ingest, install, uninstall, status (the default) or commits",
    )

    install = sub.add_parser(
        "install",
        help="add the post-commit hook (chaining an existing one; core.hooksPath and worktrees honoured)",
        description=(
            "Add lessonloop's post-commit hook to a repository, where git looks for it (core.hooksPath, "
            "the common hooks folder of worktrees). An existing post-commit hook is renamed to "
            "post-commit.lessonloop-original and still runs first, with its exit status kept. Installing "
            "again rewrites lessonloop's hook only."
        ),
    )
    install.add_argument("repository", nargs="?", default=".", metavar="REPO", help=_REPO_HELP)
    install.add_argument(
        "--db", metavar="PATH", help="the store the hook writes to (default: $LESSONLOOP_DB or the default store)"
    )
    install.add_argument("--json", action="store_true", help=JSON_HELP)
    install.set_defaults(handler=cmd_git_install)

    uninstall = sub.add_parser(
        "uninstall",
        help="remove the hook; the previous post-commit hook back byte for byte",
        description=(
            "Remove lessonloop's post-commit hook and rename the hook it replaced back (bytes and mode "
            "as they were). A post-commit hook that is not lessonloop's is left alone."
        ),
    )
    uninstall.add_argument("repository", nargs="?", default=".", metavar="REPO", help=_REPO_HELP)
    uninstall.add_argument("--json", action="store_true", help=JSON_HELP)
    uninstall.set_defaults(handler=cmd_git_uninstall)

    status = sub.add_parser(
        "status",
        help="whether the hook is installed, and what the store holds of the repository",
        description="The hook (where, the hook it chains, its interpreter) and the repository's commits in the store.",
    )
    status.add_argument("repository", nargs="?", default=".", metavar="REPO", help=_REPO_HELP)
    status.add_argument("--db", metavar="PATH", help=DB_HELP)
    status.add_argument("--json", action="store_true", help=JSON_HELP)
    status.set_defaults(handler=cmd_git_status)

    _ingest_command(sub)
    _commits_command(sub)


def _ingest_command(commands: Commands) -> None:
    ingest = commands.add_parser(
        "ingest",
        help="read git history: commits, their files and hunks (only what is new)",
        description=(
            "Read the history of the repositories given (default: those of the projects the store "
            "knows), only the commits not read before, and tie commits to the sessions that made them "
            "(docs/git.md). `lessonloop ingest --git` is the same."
        ),
    )
    ingest.add_argument("paths", nargs="*", metavar="REPO", help="repositories (a folder in each)")
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")
    ingest.add_argument("--db", metavar="PATH", help=DB_HELP)
    ingest.add_argument("--json", action="store_true", help=JSON_HELP)
    ingest.set_defaults(handler=cmd_ingest_git, sarif=None, junit=None)


def _commits_command(commands: Commands) -> None:
    commits = commands.add_parser(
        "commits",
        help="commits tied to the sessions that made them, and those undone later",
        description=(
            'The commits linked to sessions (docs/git.md, "Links"), newest first: the evidence (the '
            "agent's own commit call naming the hash, Aider's commit line, or edits of the commit's files "
            "shortly before it), its strength, and the later commits that undid them."
        ),
    )
    commits.add_argument("--repo", metavar="PATH", help="one repository (a folder in it)")
    commits.add_argument("--session", metavar="ID", help="one session's commits (an id or a unique prefix)")
    commits.add_argument("-n", "--limit", type=positive, default=20, metavar="N", help="at most N commits (default 20)")
    time_options(commits, "commits made")
    commits.add_argument("--db", metavar="PATH", help=DB_HELP)
    commits.add_argument("--json", action="store_true", help=JSON_HELP)
    commits.set_defaults(handler=cmd_commits)


def cmd_git_install(args: argparse.Namespace) -> int:
    from lessonloop.capture.git.post_commit_hook import HookError, install
    from lessonloop.capture.git.repository import GitError

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
    from lessonloop.capture.git.post_commit_hook import uninstall
    from lessonloop.capture.git.repository import GitError

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
    from lessonloop.capture.git import post_commit_hook
    from lessonloop.capture.git.repository import GitError, open_repository
    from lessonloop.history.git_ingest import capture_paused
    from lessonloop.history.store import writer as git_writer

    try:
        hook = post_commit_hook.status(args.repository)
        root = open_repository(args.repository).root
    except GitError as exc:
        raise CommandError(str(exc)) from exc
    from lessonloop.history.store.link_reader import link_counts
    from lessonloop.store import resolve_db_path

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


def cmd_commits(args: argparse.Namespace) -> int:
    from lessonloop.capture.git.repository import GitError, open_repository
    from lessonloop.history.store.link_reader import commit_count, link_counts, repository_links, session_commits
    from lessonloop.store.sessions.ids import SessionNotFound, resolve_session

    root = None
    if args.repo:
        try:
            root = open_repository(args.repo).root
        except GitError as exc:
            raise CommandError(str(exc)) from exc
    with open_cli_store(args.db, reading=True) as conn:
        if args.session:
            try:
                links = session_commits(conn, resolve_session(conn, args.session))
            except SessionNotFound as exc:
                raise UsageError(str(exc)) from exc
            links = [k for k in links if root is None or k.repository == root]
        else:
            links = repository_links(conn, root)
        links = [
            k
            for k in links
            if (args.since is None or k.committed_at >= args.since)
            and (args.until is None or k.committed_at < args.until)
        ]
        counts = link_counts(conn, root)
        stored = commit_count(conn)
    by_commit: dict[tuple[str, str], list[Any]] = {}
    for link in reversed(links):  # newest first
        by_commit.setdefault((link.repository, link.hash), []).append(link)
    shown_commits = list(by_commit.items())[: max(0, args.limit)]
    if args.json:
        emit_json(
            {
                "counts": counts,
                "commits": [
                    {
                        "repository": repo,
                        "hash": hash_,
                        "committed_at": found[0].committed_at,
                        "subject": found[0].subject,
                        "sessions": [
                            {k: v for k, v in link.to_json().items() if k not in ("repository", "hash", "subject")}
                            for link in sorted(found, key=lambda k: -k.strength)
                        ],
                        "rolled_back_by": found[0].undone_by,
                    }
                    for (repo, hash_), found in shown_commits
                ],
            }
        )
        return 0
    if not shown_commits:
        if not stored:
            print("No commits stored yet: `lessonloop ingest --git REPO` reads a repository's history.")
        else:
            filters = ", ".join(
                f
                for f in (
                    f"--repo {args.repo!r}" if args.repo else "",
                    f"--session {args.session!r}" if args.session else "",
                    f"--since {args.since}" if args.since else "",
                    f"--until {args.until}" if args.until else "",
                )
                if f
            )
            print(
                f"No commit linked to a session{' matches ' + filters if filters else ''}; {stored} commits stored. "
                "Links come from sessions that commit, Aider's commit lines, or edits shortly before a commit "
                '(docs/git.md, "Links").'
            )
        return 0
    lines = []
    for (repo, hash_), found in shown_commits:
        first = found[0]
        lines.append(f"{hash_[:10]}  {first.committed_at[:16].replace('T', ' ')}  {first.subject[:80]}  ({repo})")
        for link in sorted(found, key=lambda k: -k.strength):
            lines.append(
                f"    {link.session_id}  {link.evidence.replace('_', ' ')}  strength {link.strength:.2f}"
                + (f"  {link.files} file(s) edited" if link.evidence == "edit_window" else "")
            )
        for undone in first.undone_by:
            lines.append(f"    rolled back by {undone['hash'][:10]} ({undone['evidence'].replace('_', ' ')})")
    by = ", ".join(f"{n} by {k.replace('_', ' ')}" for k, n in counts["by_evidence"].items())
    lines.append(
        f"{counts['linked_commits']} of {stored} commits linked ({by or 'none'}); "
        f"{counts['rolled_back_commits']} undone by a later commit."
    )
    print(shown("\n".join(lines)))
    return 0


def cmd_ingest_git(args: argparse.Namespace) -> int:
    """`ingest --git`: the given repositories (default: those of the projects the store knows)."""
    from lessonloop.history.jobs import GitIngestRequest, run_git_ingest_job

    if args.sarif or args.junit:
        raise CommandError("--git reads git history only; import --sarif and --junit files in an ingest without --git")
    config = user_config()
    progress = None
    if not args.no_progress and sys.stderr.isatty():
        from lessonloop.report.progress import CountProgress

        progress = CountProgress("git", "commits")
    request = GitIngestRequest(repositories=tuple(args.paths) or None, progress=progress)
    with open_cli_store(args.db) as conn:
        report = run_git_ingest_job(conn, request, config)
    if args.json:
        emit_json(report.to_json())
    else:
        print(shown(git_ingest_text(report.summary)))
        if report.links.text():
            print(report.links.text())
    return 1 if report.nothing_readable else 0


def git_ingest_text(summary: GitIngestSummary) -> str:
    lines: list[str] = []
    if not summary.repositories:
        lines.append("No git repository to read: give one (`lessonloop ingest --git REPO`), or ingest sessions first.")
    for r in summary.repositories:
        where = r.root or r.path
        if r.failed is not None and not r.commits_read:
            lines.append(f"{r.path}: not read: {r.failed}")
        elif r.skipped is not None:
            lines.append(f"{where}: skipped: {r.skipped}")
        elif r.up_to_date:
            lines.append(f"{where}: up to date")
        else:
            text = (
                f"{where}: {r.commits_read} commits read, {r.commits_stored} new ({r.merges} merges), "
                f"{r.files} file changes, {r.hunks} hunks"
            )
            if r.failed is not None:
                text += f"; stopped: {r.failed}"
            lines.append(text)
    if summary.not_repositories:
        lines.append(f"{len(summary.not_repositories)} known folder(s) are no git repository here (not read).")
    errors = [p for p in summary.problems if p.severity == "error"]
    notices = [p for p in summary.problems if p.severity != "error"]
    if summary.repositories:
        lines.append(
            f"{summary.commits_stored} new commit(s) stored; {len(summary.failed)} of {len(summary.repositories)} "
            f"repositories failed; {len(notices)} notice(s)."
        )
    for p in errors:
        lines.append(f"  error: {p.path}: {p.code}: {p.detail}")
    for p in notices:
        lines.append(f"  notice: {p.path}: {p.code}: {p.detail}")
    return "\n".join(lines)
