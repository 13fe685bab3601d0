"""Where Grok Build keeps its sessions: `${GROK_HOME:-~/.grok}/sessions/<group>/<session id>/`, a
group per working folder (its path URL-encoded, `%2Fhome%2Fme%2Fshop`; a name longer than 255 bytes
is a slug and a hash, with the path in the group's `.cwd` file), a folder per session holding
`updates.jsonl` (the log lessonloop reads) beside `summary.json` (its id, folder, title, model) and
the CLI's other files (grok-build's user guide, 17-sessions.md). A sub-agent's session is a session
folder of its own."""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import unquote

from lessonloop.capture.adapters import DiscoveryContext, Found

UPDATES = "grok-build-updates"
FILE = "updates.jsonl"


def grok_home(environ: Mapping[str, str], home: str) -> str:
    given = environ.get("GROK_HOME")
    return os.path.expanduser(given) if given else os.path.join(home, ".grok")


def searched(context: DiscoveryContext) -> list[str]:
    return [os.path.join(grok_home(context.environ, context.home), "sessions")]


def discover(context: DiscoveryContext) -> list[Found]:
    """Every session's updates.jsonl of every group."""
    found: list[Found] = []
    for sessions in searched(context):
        for group in _folders(sessions):
            for session in _folders(group):
                updates = os.path.join(session, FILE)
                if os.path.isfile(updates):
                    found.append(Found(updates, UPDATES))
    return found


def _folders(folder: str) -> list[str]:
    try:
        return sorted(entry.path for entry in os.scandir(folder) if entry.is_dir() and not entry.name.startswith("."))
    except OSError:
        return []


def claims(path: str) -> str | None:
    """An updates.jsonl where Grok Build keeps them (.../sessions/<group>/<session>/updates.jsonl)."""
    return UPDATES if session_folder(path) is not None else None


def session_folder(path: str) -> str | None:
    """The session folder of an updates.jsonl at its place, else None."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) >= 5 and parts[-1] == FILE and parts[-4] == "sessions" and parts[-2] and parts[-3]:
        return os.sep.join(parts[:-1])
    return None


def group_cwd(group: str) -> str | None:
    """The working folder a group folder stands for: its `.cwd` file (a hashed name), else its name
    URL-decoded when that is an absolute path."""
    try:
        with open(os.path.join(group, ".cwd"), "rb") as handle:
            written = handle.read(65536).decode("utf-8", "replace").strip()
    except OSError:
        written = ""
    if written:
        return written
    name = unquote(os.path.basename(group))
    if name.startswith("/") or (len(name) > 2 and name[1] == ":" and name[2] in "\\/"):
        return name
    return None
