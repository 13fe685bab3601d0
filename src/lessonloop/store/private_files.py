"""The store's files are the person's own (issue 25, item 6): transcripts, prompts, tool output.

A store lessonloop creates is made mode 0600 before SQLite opens it, and so are its `-wal` and
`-shm` files (SQLite gives them the mode of the database file); a folder lessonloop creates for it
(the default `~/.local/share/lessonloop/`, or the folders of a new `--db` path) is made 0700. A store
that already exists and belongs to this user is tightened to 0600 when it is opened (with its `-wal`
and `-shm`): a store made by an older lessonloop was 0644, readable by every local user. A store of
another user (a team's shared file, a copy given read access on purpose) and folders lessonloop did
not create are left as they are.
"""

from __future__ import annotations

import os
import stat

FILE_MODE = 0o600
FOLDER_MODE = 0o700
_COMPANIONS = ("", "-wal", "-shm")


def make_folders(folder: str) -> None:
    """Create `folder` and its missing parents, each 0700 (the folders that exist stay as they are).
    OSError when one cannot be made."""
    missing: list[str] = []
    here = os.path.abspath(folder)
    while not os.path.isdir(here):
        missing.append(here)
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    for path in reversed(missing):
        try:
            os.mkdir(path, FOLDER_MODE)
        except FileExistsError:
            if not os.path.isdir(path):
                raise
        else:
            os.chmod(path, FOLDER_MODE)  # the umask may have taken bits away; never adds any


def create_private(path: str) -> bool:
    """Create the store file `path`, empty and 0600, when there is none (an empty file is a new
    SQLite database). True when it was created here; False when it exists, or cannot be made (a
    folder it cannot be made in: SQLite's own error, when it opens the path, says so)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except OSError:
        return False
    os.close(fd)
    return True


def tighten(path: str) -> list[str]:
    """Make the store `path` and its -wal and -shm files 0600 when they are this user's and others
    may read or write them; returns the files changed. Errors (a read-only file system) are
    ignored: the store is used as it is."""
    changed: list[str] = []
    uid = os.geteuid()
    for suffix in _COMPANIONS:
        name = path + suffix
        try:
            info = os.stat(name)
            if info.st_uid != uid or not stat.S_ISREG(info.st_mode) or not info.st_mode & 0o077:
                continue
            os.chmod(name, stat.S_IMODE(info.st_mode) & 0o700)
        except OSError:
            continue
        changed.append(name)
    return changed
