"""The parsers of `lessonloop git install|uninstall|status [REPO]`, `git ingest [REPO ...]` (as
`lessonloop ingest --git`) and `git commits` (their handlers: handlers/git_hook.py, git_ingest.py,
git_commits.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from lessonloop.cli.common import DB_HELP, JSON_HELP, time_options
from lessonloop.core.arg_types import positive

if TYPE_CHECKING:
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
    git.set_defaults(handler="lessonloop.history.handlers.git_hook:cmd_git_status", repository=".")
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
    install.set_defaults(handler="lessonloop.history.handlers.git_hook:cmd_git_install")

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
    uninstall.set_defaults(handler="lessonloop.history.handlers.git_hook:cmd_git_uninstall")

    status = sub.add_parser(
        "status",
        help="whether the hook is installed, and what the store holds of the repository",
        description="The hook (where, the hook it chains, its interpreter) and the repository's commits in the store.",
    )
    status.add_argument("repository", nargs="?", default=".", metavar="REPO", help=_REPO_HELP)
    status.add_argument("--db", metavar="PATH", help=DB_HELP)
    status.add_argument("--json", action="store_true", help=JSON_HELP)
    status.set_defaults(handler="lessonloop.history.handlers.git_hook:cmd_git_status")

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
    ingest.set_defaults(handler="lessonloop.history.handlers.git_ingest:cmd_ingest_git", sarif=None, junit=None)


def _commits_command(commands: Commands) -> None:
    commits = commands.add_parser(
        "commits",
        help="commits tied to the sessions that made them, and those undone later",
        description=(
            'The commits linked to sessions (docs/git.md, "Links"), newest first: the evidence (the '
            "agent's own commit call naming the hash, the agent's own record of a commit it made, or edits of the commit's files "
            "shortly before it), its strength, and the later commits that undid them."
        ),
    )
    commits.add_argument("--repo", metavar="PATH", help="one repository (a folder in it)")
    commits.add_argument("--session", metavar="ID", help="one session's commits (an id or a unique prefix)")
    commits.add_argument("-n", "--limit", type=positive, default=20, metavar="N", help="at most N commits (default 20)")
    time_options(commits, "commits made")
    commits.add_argument("--db", metavar="PATH", help=DB_HELP)
    commits.add_argument("--json", action="store_true", help=JSON_HELP)
    commits.set_defaults(handler="lessonloop.history.handlers.git_commits:cmd_commits")
