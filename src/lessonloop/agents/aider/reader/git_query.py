"""git, asked about the repository an Aider history is in (for ownership.py and named_commits.py).

git is asked with a short timeout, without the caller's GIT_DIR and the like (they would make
`git -C FOLDER` look at another repository than FOLDER's), never prompting.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping

GIT_TIMEOUT = 10.0  # seconds per git call
# What makes `git -C FOLDER` look at another repository than FOLDER's.
_REDIRECTING = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE")


class GitMissing(Exception):
    """git could not be run."""


def run_git(
    folder: str, environ: Mapping[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`git -C folder ARGS` (with `stdin` as its input); raises GitMissing when git cannot be run."""
    env = {key: value for key, value in environ.items() if key not in _REDIRECTING}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    try:
        return subprocess.run(
            ["git", "-C", folder, *args],
            input=stdin,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=GIT_TIMEOUT,
            check=False,
            env=env,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitMissing(str(exc)) from exc
