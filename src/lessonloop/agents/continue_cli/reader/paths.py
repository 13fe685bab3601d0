"""Where Continue CLI keeps its sessions: `${CONTINUE_GLOBAL_DIR:-~/.continue}/sessions/<id>.json`,
one JSON document a session, and `sessions.json` beside them (the list: id, title, folder,
dateCreated)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

SESSION = "continue-session"
INDEX = "sessions.json"


def continue_home(environ: Mapping[str, str], home: str) -> str:
    return os.path.expanduser(environ.get("CONTINUE_GLOBAL_DIR") or os.path.join(home, ".continue"))


def searched(context: DiscoveryContext) -> list[str]:
    return [os.path.join(continue_home(context.environ, context.home), "sessions")]


def discover(context: DiscoveryContext) -> list[Found]:
    found: list[Found] = []
    for folder in searched(context):
        try:
            names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
        except OSError:
            continue  # no Continue CLI here
        found.extend(Found(os.path.join(folder, n), SESSION) for n in names if n.endswith(".json") and n != INDEX)
    return found


def claims(path: str) -> str | None:
    """A session where Continue keeps them (.../.continue/sessions/<id>.json); None elsewhere."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) >= 3 and parts[-2] == "sessions" and parts[-3] == ".continue" and parts[-1].endswith(".json"):
        return "continue-index" if parts[-1] == INDEX else SESSION
    return None
