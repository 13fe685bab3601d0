"""Where Cline CLI keeps its sessions: `~/.cline/data/sessions/<id>/`, each with `<id>.messages.json`
(the messages) and `<id>.json` (the session's summary: folder, model, times, status). `$CLINE_DIR`
moves `~/.cline`, `$CLINE_DATA_DIR` its `data/`, `$CLINE_SESSION_DATA_DIR` its `data/sessions/`."""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

MESSAGES = "cline-messages"
SUFFIX = ".messages.json"


def sessions_folders(environ: Mapping[str, str], home: str) -> list[str]:
    if environ.get("CLINE_SESSION_DATA_DIR"):
        return [os.path.expanduser(environ["CLINE_SESSION_DATA_DIR"])]
    if environ.get("CLINE_DATA_DIR"):
        return [os.path.join(os.path.expanduser(environ["CLINE_DATA_DIR"]), "sessions")]
    base = os.path.expanduser(environ.get("CLINE_DIR") or os.path.join(home, ".cline"))
    return [os.path.join(base, "data", "sessions")]


def searched(context: DiscoveryContext) -> list[str]:
    return sessions_folders(context.environ, context.home)


def discover(context: DiscoveryContext) -> list[Found]:
    found: list[Found] = []
    for folder in searched(context):
        try:
            sessions = sorted(entry.path for entry in os.scandir(folder) if entry.is_dir())
        except OSError:
            continue  # no Cline here
        for session in sessions:
            messages = os.path.join(session, os.path.basename(session) + SUFFIX)
            if os.path.isfile(messages):
                found.append(Found(messages, MESSAGES))
    return found


def claims(path: str) -> str | None:
    """A session's messages where Cline keeps them (.../sessions/<id>/<id>.messages.json)."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) >= 3 and parts[-3] == "sessions" and parts[-1] == parts[-2] + SUFFIX:
        return MESSAGES
    if len(parts) >= 3 and parts[-3] == "sessions" and parts[-1] == parts[-2] + ".json":
        return "cline-summary"
    return None


def summary_of(path: str) -> str:
    """The summary file beside a session's messages."""
    return path[: -len(SUFFIX)] + ".json" if path.endswith(SUFFIX) else path
