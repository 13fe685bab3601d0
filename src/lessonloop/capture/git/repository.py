"""A git repository as the reader sees it: where it is, its branches' tips, whether it is shallow.

Every git command runs as a real subprocess with a clean environment: the variables git sets for
its hooks (GIT_DIR, GIT_INDEX_FILE, ...) are removed, so a command started by the post-commit
hook reads the repository it names and nothing else, and optional locks are off
(GIT_OPTIONAL_LOCKS=0): reading never takes the index lock a commit in progress may need.
Nothing here writes to a repository.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Variables that point git at another repository, index or object store than the one named.
_LOCATION_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_PREFIX",
    "GIT_NAMESPACE",
    "GIT_CEILING_DIRECTORIES",
    "GIT_EXEC_PATH",
)


class GitError(Exception):
    """A repository that cannot be read, with the cause in plain words (`repository` named)."""

    def __init__(self, repository: str, code: str, detail: str) -> None:
        super().__init__(f"{repository}: {detail}")
        self.repository = repository
        self.code = code
        self.detail = detail


def git_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment git commands run in: `base` (default os.environ) without the location
    variables, with optional locks off, no pager, no prompt, and the C locale's messages."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in _LOCATION_VARIABLES}
    env.update(GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", LC_ALL="C", LANG="C")
    return env


def git_command(folder: str, *args: str) -> list[str]:
    """`git -C folder ARGS` without the user's pager, colours or external diff drivers."""
    return [
        "git",
        "-C",
        folder,
        "-c",
        "core.quotepath=off",
        "-c",
        "color.ui=never",
        "-c",
        "log.showSignature=false",
        *args,
    ]


def run_git(repository: str, folder: str, args: Sequence[str], *, stdin: str | None = None) -> str:
    """The output of one git command in `folder`; GitError naming `repository` and the cause."""
    try:
        done = subprocess.run(
            git_command(folder, *args),
            input=stdin.encode() if stdin is not None else None,
            capture_output=True,
            env=git_environment(),
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitError(repository, "git-missing", "git is not installed (no `git` command on PATH)") from exc
    except OSError as exc:
        raise GitError(repository, "git-failed", f"git could not be started: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        raise GitError(repository, "git-failed", git_failure(args[0], done.stderr))
    return done.stdout.decode("utf-8", "replace")


def git_failure(command: str, stderr: bytes) -> str:
    """A failed git command's message: its first informative line."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    reason = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[0] if lines else "")
    return f"`git {command}` failed: {reason or 'no message'}"


@dataclass(slots=True)
class Repository:
    """A repository to read: its main working tree (`root`, the project's folder; a bare
    repository's git folder), its common git folder (shared by its worktrees: the repository's
    identity), its local branches' tips, and HEAD."""

    root: str
    common_dir: str
    shallow: bool
    tips: dict[str, str] = field(default_factory=dict)  # refs/heads/NAME -> commit
    head_ref: str | None = None  # the branch HEAD is on (refs/heads/NAME), None when detached
    head: str | None = None  # HEAD's commit (None in a repository without commits)

    @property
    def read_tips(self) -> dict[str, str]:
        """The revisions a read starts from: every branch, and a detached HEAD (a clone of a
        bundle, a rebase in progress) as "HEAD"."""
        tips = dict(self.tips)
        if self.head_ref is None and self.head is not None and self.head not in tips.values():
            tips["HEAD"] = self.head
        return tips

    @property
    def main_ref(self) -> str | None:
        """The branch whose history a commit on several branches is put on: HEAD's branch, else
        main or master, else a detached HEAD."""
        if self.head_ref is not None and self.head_ref in self.tips:
            return self.head_ref
        for name in ("refs/heads/main", "refs/heads/master"):
            if name in self.tips:
                return name
        return "HEAD" if "HEAD" in self.read_tips else None


def open_repository(path: str) -> Repository:
    """The repository at `path` (its root, a folder inside it, a worktree, or a bare repository);
    GitError for a missing folder, a folder that is no repository, or git missing."""
    shown = path
    folder = os.path.abspath(os.path.expanduser(path))
    if not os.path.exists(folder):
        raise GitError(shown, "missing-folder", "no such folder")
    if not os.path.isdir(folder):
        raise GitError(shown, "not-a-folder", "not a folder")
    try:
        out = run_git(
            shown,
            folder,
            [
                "rev-parse",
                "--path-format=absolute",
                "--is-bare-repository",
                "--is-shallow-repository",
                "--git-common-dir",
                "--show-toplevel",
            ],
        )
    except GitError as exc:
        if "not a git repository" in exc.detail:
            raise GitError(shown, "not-a-repository", "not a git repository") from exc
        raise
    lines = out.splitlines()
    bare, shallow, common = lines[0] == "true", lines[1] == "true", os.path.realpath(lines[2])
    if bare:
        root = common
    elif os.path.basename(common) == ".git":
        root = os.path.dirname(common)  # the main working tree, also for a linked worktree
    else:
        root = os.path.realpath(lines[3]) if len(lines) > 3 else common  # a worktree of a bare repository
    repo = Repository(root=root, common_dir=common, shallow=shallow)
    refs = run_git(shown, folder, ["for-each-ref", "--format=%(objectname) %(objecttype) %(refname)", "refs/heads/"])
    for line in refs.splitlines():
        sha, kind, name = line.split(" ", 2)
        if kind == "commit":
            repo.tips[name] = sha
    try:
        head_name = run_git(shown, folder, ["symbolic-ref", "-q", "HEAD"]).strip()
    except GitError:
        head_name = ""  # detached
    repo.head_ref = head_name if head_name.startswith("refs/heads/") else None
    try:
        repo.head = run_git(shown, folder, ["rev-parse", "--verify", "-q", "HEAD^{commit}"]).strip() or None
    except GitError:
        repo.head = None  # no commit yet
    return repo


def existing_commits(repository: str, folder: str, hashes: Sequence[str]) -> set[str]:
    """Which of `hashes` are commits the repository still has (a rewritten branch's old tip may
    be gone): one `git cat-file --batch-check`."""
    if not hashes:
        return set()
    out = run_git(
        repository, folder, ["cat-file", "--batch-check=%(objectname) %(objecttype)"], stdin="\n".join(hashes) + "\n"
    )
    found: set[str] = set()
    for line in out.splitlines():
        parts = line.split(" ")
        if len(parts) == 2 and parts[1] == "commit":
            found.add(parts[0])
    return found


def first_parent_chain(repository: str, folder: str, tip: str, exclude: Sequence[str]) -> set[str]:
    """The commits of `tip`'s first-parent history not reachable from `exclude`."""
    revs = "\n".join([tip, *(f"^{sha}" for sha in exclude)]) + "\n"
    out = run_git(repository, folder, ["rev-list", "--first-parent", "--stdin"], stdin=revs)
    return set(out.split())
