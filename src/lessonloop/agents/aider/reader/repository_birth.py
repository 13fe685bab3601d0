"""When a git repository was made on this machine, and when a file in it was last written.

Both are read from the file system's change time (ctime): the kernel sets it whenever a file's
inode changes (created, written, renamed, its mode changed) and no program can set it back: `cp -p`,
`tar`, `unzip` and `rsync -a` copy a file's modification time (mtime), never its ctime, which is the
moment the copy was made here. So:

- the repository was made here no earlier than the oldest ctime among the files `git init` (or
  `git clone`, `git worktree add`) writes in its git folder and seldom writes again (`description`,
  `info/exclude`, `hooks/`, `refs/tags/`, ...; the oldest of them is the `git init`);
- a file whose ctime is older than that has not been written since the repository was made here:
  it was in the folder before (a template copied in, then `git init`).

On Windows `st_ctime` is the file's creation time: there a repository's files give the same
answer, and a file's last write is its mtime (which an archive can set; Windows is not a platform
lessonloop is tested on).
"""

from __future__ import annotations

import os

# Files and folders git makes in a new git folder (a worktree's: commondir, gitdir), the ones it
# seldom touches again first; the oldest change time among those present is the `git init`.
_MADE_WITH_THE_REPOSITORY = (
    "description",
    "info/exclude",
    "branches",
    "hooks",
    "refs/tags",
    "commondir",
    "gitdir",
    "info",
    "refs/heads",
    "refs",
    "objects/info",
    "objects/pack",
    "HEAD",
    "config",
    "",
)


def made_here_ns(git_dir: str) -> int | None:
    """When the git folder `git_dir` was made on this machine (nanoseconds since the epoch): the
    oldest change time of its own files; None when none of them can be read."""
    times: list[int] = []
    for name in _MADE_WITH_THE_REPOSITORY:
        try:
            times.append(os.stat(os.path.join(git_dir, name)).st_ctime_ns)
        except OSError:
            continue
    return min(times) if times else None


def last_written_ns(path: str) -> int | None:
    """When the file at `path` was last written here (its ctime; its mtime on Windows); None when
    it cannot be read."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_mtime_ns if os.name == "nt" else found.st_ctime_ns
