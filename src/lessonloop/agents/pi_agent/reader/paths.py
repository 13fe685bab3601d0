"""Where pi keeps its sessions: `${PI_CODING_AGENT_DIR:-~/.pi/agent}/sessions/`, a folder per
working folder (`--home-me-shop--`: the path with its first separator dropped and the others made
dashes, between `--`), a file per session (`<start time, : and . as ->_<session uuid>.jsonl`);
`$PI_CODING_AGENT_SESSION_DIR` puts the sessions elsewhere. A file is written once the session's
first answer came."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

SESSION = "pi-session"
_FILE = re.compile(r"^\d{4}-\d\d-\d\dT[\d-]+Z_[0-9A-Za-z-]+\.jsonl$")


def agent_dir(environ: Mapping[str, str], home: str) -> str:
    given = environ.get("PI_CODING_AGENT_DIR")
    return os.path.expanduser(given) if given else os.path.join(home, ".pi", "agent")


def searched(context: DiscoveryContext) -> list[str]:
    """The agent folder's sessions/, and the folder $PI_CODING_AGENT_SESSION_DIR names (pi's own
    variable; its `--session-dir` option and the `sessionDir` setting are not followed)."""
    folders = [os.path.join(agent_dir(context.environ, context.home), "sessions")]
    named = context.environ.get("PI_CODING_AGENT_SESSION_DIR")
    if named:
        folders.append(os.path.expanduser(named))
    return list(dict.fromkeys(folders))


def discover(context: DiscoveryContext) -> list[Found]:
    """Every session file of every working folder."""
    found: list[Found] = []
    for sessions in searched(context):
        for folder in _folders(sessions):
            try:
                names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
            except OSError:
                continue
            found.extend(Found(os.path.join(folder, name), SESSION) for name in names if name.endswith(".jsonl"))
    return found


def _folders(folder: str) -> list[str]:
    try:
        return sorted(entry.path for entry in os.scandir(folder) if entry.is_dir() and not entry.name.startswith("."))
    except OSError:
        return []


def claims(path: str) -> str | None:
    """A session file where pi keeps them (.../sessions/--<folder>--/<time>_<id>.jsonl)."""
    parts = os.path.abspath(path).split(os.sep)
    if (
        len(parts) >= 3
        and parts[-3] == "sessions"
        and parts[-2].startswith("--")
        and parts[-2].endswith("--")
        and _FILE.match(parts[-1])
    ):
        return SESSION
    return None
