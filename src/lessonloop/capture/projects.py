"""Which project a working directory belongs to: its git repository's root.

Worktrees and sub-folders of one repository are one project, so a worktree resolves to the
root of the main working tree. Found by reading `.git` directly: no subprocess per folder.
"""

from __future__ import annotations

import os
from functools import lru_cache


@lru_cache(maxsize=4096)
def project_for_cwd(cwd: str) -> str:
    """The project a session in `cwd` belongs to: the git root when `cwd` exists, else `cwd`."""
    if not cwd:
        return cwd
    root = git_root(cwd)
    return root if root is not None else os.path.normpath(cwd)


def git_root(folder: str) -> str | None:
    """The root of the main working tree of the repository containing `folder`, or None."""
    try:
        current = os.path.realpath(folder)
    except (OSError, ValueError):
        return None
    if not os.path.isdir(current):
        return None
    while True:
        dot_git = os.path.join(current, ".git")
        if os.path.isdir(dot_git):
            return current
        if os.path.isfile(dot_git):
            main = _main_root_of_linked_tree(dot_git)
            return main if main is not None else current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _main_root_of_linked_tree(dot_git_file: str) -> str | None:
    """For a worktree or submodule `.git` file ("gitdir: X"), the main working tree's root.

    A worktree's gitdir holds a `commondir` file pointing at the main `.git`; a submodule's
    does not, and the submodule is its own project (None here: its own folder is the root).
    """
    try:
        with open(dot_git_file, encoding="utf-8", errors="replace") as handle:
            first = handle.readline().strip()
    except OSError:
        return None
    if not first.startswith("gitdir:"):
        return None
    gitdir = first[len("gitdir:") :].strip()
    if not os.path.isabs(gitdir):
        gitdir = os.path.join(os.path.dirname(dot_git_file), gitdir)
    commondir_file = os.path.join(gitdir, "commondir")
    try:
        with open(commondir_file, encoding="utf-8", errors="replace") as handle:
            common = handle.readline().strip()
    except OSError:
        return None
    if not os.path.isabs(common):
        common = os.path.join(gitdir, common)
    common = os.path.realpath(common)
    if os.path.basename(common) != ".git":
        return None  # a bare repository's worktree: no main working tree to name
    return os.path.dirname(common)
