"""Whether an Aider history in a project folder is this person's.

Aider writes `.aider.chat.history.md` in the folder it ran in and, by default, adds `.aider*` to
the repository's .gitignore: a history of one's own is not committed. A history that is committed
was written by whoever committed it; in a cloned repository that is someone else, and its
`#### ` lines are their prompts, not this person's: read as the person's corrections, they became
lessons given to the person's agents (issue 25). So discovery reads a committed history only when
the person committed it (their git user.email or user.name is an author of a commit touching it).

git is asked with a short timeout; no git, not a repository, or git failing: the history is taken
as the person's (it is untracked, the common case).
"""

from __future__ import annotations

import os
import subprocess

GIT_TIMEOUT = 10.0  # seconds per git call


def _git(folder: str, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            ["git", "-C", folder, *args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=GIT_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return None


def committed_by_another(path: str) -> str | None:
    """The author who committed the history at `path` when it is tracked by git and this person
    (git's user.email / user.name there) never committed it; None when it is the person's."""
    folder, name = os.path.split(os.path.abspath(path))
    tracked = _git(folder, "ls-files", "--error-unmatch", "--", name)
    if tracked is None or tracked.returncode != 0:
        return None  # untracked (aider's default), or no git / no repository
    log = _git(folder, "log", "--format=%ae%x00%an", "--", name)
    if log is None or log.returncode != 0:
        return None
    authors = [tuple(line.split("\0", 1)) for line in log.stdout.splitlines() if "\0" in line]
    if not authors:
        return None  # staged, never committed: the person added it
    mine = {
        value.strip().lower()
        for key in ("user.email", "user.name")
        if (found := _git(folder, "config", key)) is not None and found.returncode == 0
        for value in [found.stdout]
        if value.strip()
    }
    if any(email.lower() in mine or author.lower() in mine for email, author in authors):
        return None
    email, author = authors[0]
    return f"{author} <{email}>"
