"""One spelling per file: normalize the paths agents write so that the same file compares equal.

Pure: the only filesystem knowledge comes through the optional `resolve` hook, which the pipeline
builds from `os.path.realpath` for files that exist (analysis itself does no I/O).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

Resolver = Callable[[str], str]


def normalize_path(path: str, cwd: str | None, home: str | None, resolve: Resolver | None = None) -> str:
    """The absolute, normalized spelling of `path` as a call made in `cwd` meant it.

    - `~` and `~/rest` become `home` and `home/rest` when `home` is known (`~user` is left alone);
    - a relative path is joined to `cwd` (itself `~`-expanded) when `cwd` is absolute, and stays
      relative otherwise;
    - `.` and `..` parts and repeated slashes are folded (`posixpath.normpath`; a leading `//`
      becomes `/`);
    - finally `resolve` (when given) maps the result to its symlink-free spelling; it is meant to
      return its argument unchanged for files that do not exist.

    Windows paths are understood when the path or `cwd` starts with a drive (`C:\\`, `g:/`): the
    separators become `/`, the drive letter lower case (`src\\app.ts` in `G:\\work\\site` is
    `g:/work/site/src/app.ts`, as `apply_patch`'s `src/app.ts` there is; Git Bash's `/c/x` is
    `c:/x`, another absolute path is left unjoined), and `resolve` is not asked.
    Otherwise paths are POSIX paths (a backslash is a character of a name).
    """
    stripped = path.strip()
    if _DRIVE.match(stripped) or (cwd and _DRIVE.match(cwd.strip())):
        return _windows(stripped, cwd.strip() if cwd else None)
    expanded = _expand_home(stripped, home)
    if not expanded.startswith("/") and cwd:
        base = _expand_home(cwd.strip(), home)
        if base.startswith("/"):
            expanded = posixpath.join(base, expanded)
    normalized = posixpath.normpath(expanded) if expanded else expanded
    if normalized.startswith("//"):
        normalized = "/" + normalized.lstrip("/")
    return resolve(normalized) if resolve is not None and normalized.startswith("/") else normalized


_DRIVE = re.compile(r"[A-Za-z]:(?:[\\/]|$)")
_GIT_BASH_DRIVE = re.compile(r"/([A-Za-z])(?:/|$)")


def _windows(path: str, cwd: str | None) -> str:
    """A Windows path's one spelling: `/` for separators, a lower-case drive, `.` and `..` folded;
    a relative path joined to a Windows `cwd`."""
    forward = path.replace("\\", "/")
    git_bash = _GIT_BASH_DRIVE.match(forward)
    if git_bash:  # Git Bash's `/c/Users/x` is `c:/Users/x`
        forward = git_bash.group(1) + ":/" + forward[git_bash.end() :]
    if not _DRIVE.match(forward) and not forward.startswith("/") and cwd and _DRIVE.match(cwd):
        forward = cwd.replace("\\", "/").rstrip("/") + "/" + forward
    if not _DRIVE.match(forward):
        return posixpath.normpath(forward) if forward else forward
    rest = posixpath.normpath("/" + forward[2:].lstrip("/"))
    return forward[0].lower() + ":" + rest


def _expand_home(path: str, home: str | None) -> str:
    if not home or not path.startswith("~"):
        return path
    if path == "~":
        return home
    if path.startswith("~/"):
        return posixpath.join(home, path[2:])
    return path
