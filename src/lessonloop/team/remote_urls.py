"""A project on a team is its repository's remote URL, normalized: the ssh and https forms of one
repository (`git@github.com:Org/App.git`, `https://github.com/org/app`, `ssh://git@github.com/org/app`)
are one project, `github.com/org/app`, on every machine that cloned it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from lessonloop.capture.git.repository import git_environment

# user@host:path (scp-like ssh), without a scheme
_SCP_LIKE = re.compile(r"^(?:[^@/]+@)?(?P<host>[^:/]+):(?P<path>(?!//).+)$")
_SCHEME = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<rest>.*)$", re.IGNORECASE)


class RemoteError(ValueError):
    """A text that is not a repository URL."""


def normalize_remote(url: str) -> str:
    """The project key of a remote URL: host and path, lowercased, without user, password, port,
    scheme, `.git` or trailing slashes. A local path gives `file:` and its path. Raises RemoteError
    for an empty or unreadable text."""
    text = url.strip()
    if not text:
        raise RemoteError("an empty remote URL")
    scheme = _SCHEME.match(text)
    if scheme:
        kind = scheme.group("scheme").lower()
        rest = scheme.group("rest")
        if kind == "file":
            return "file:" + _clean_path(rest)
        authority, _, path = rest.partition("/")
        host = authority.rpartition("@")[2]
        if host.startswith("["):  # [::1]:22
            host = host.partition("]")[0] + "]"
        else:
            host, _, port = host.partition(":")
            if port and not port.isdigit():  # ssh://git@host:org/app (scp-like path after a scheme)
                path = port + "/" + path
        if not host:
            raise RemoteError(f"no host in the remote URL {url!r}")
        return f"{host.lower()}/{_clean_path(path)}".rstrip("/")
    scp = _SCP_LIKE.match(text)
    if scp and not text.startswith(("/", ".", "~")):
        return f"{scp.group('host').lower()}/{_clean_path(scp.group('path'))}".rstrip("/")
    return "file:" + _clean_path(text)


def _clean_path(path: str) -> str:
    path = path.strip().strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    return path.rstrip("/").lower()


def remote_of_folder(folder: str) -> str | None:
    """The URL of the `origin` remote (else the first remote) of the repository holding `folder`,
    or None when the folder is gone, not in a repository, or has no remote."""
    if not folder or not Path(folder).is_dir():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", folder, "remote", "-v"],
            capture_output=True,
            text=True,
            env=git_environment(),
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    remotes: dict[str, str] = {}
    for line in done.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            remotes.setdefault(parts[0], parts[1])
    if not remotes:
        return None
    return remotes.get("origin") or next(iter(remotes.values()))
