"""Where Factory Droid keeps its sessions: `~/.factory/sessions/<cwd with / made ->/<id>.jsonl`,
each with `<id>.settings.json` beside it (the session's settings and token totals). `$FACTORY_HOME`
is not read by Droid 0.215.0 (its folder is always the home's `.factory`)."""

from __future__ import annotations

import os

from lessonloop.capture.adapters import DiscoveryContext, Found

SESSION = "droid-session"


def sessions_folder(home: str) -> str:
    return os.path.join(home, ".factory", "sessions")


def searched(context: DiscoveryContext) -> list[str]:
    return [sessions_folder(context.home)]


def discover(context: DiscoveryContext) -> list[Found]:
    """Every session under ~/.factory/sessions/*/."""
    found: list[Found] = []
    try:
        folders = sorted(entry.path for entry in os.scandir(sessions_folder(context.home)) if entry.is_dir())
    except OSError:
        return []  # no Droid here
    for folder in folders:
        try:
            names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
        except OSError:
            continue
        found.extend(Found(os.path.join(folder, name), SESSION) for name in names if name.endswith(".jsonl"))
    return found


def claims(path: str) -> str | None:
    """A session where Droid keeps them (.../.factory/sessions/<slug>/<id>.jsonl); None elsewhere."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) >= 4 and parts[-3] == "sessions" and parts[-4] == ".factory" and parts[-1].endswith(".jsonl"):
        return SESSION
    return None


def settings_of(path: str) -> str:
    """The settings file beside a session's JSONL."""
    return path[: -len(".jsonl")] + ".settings.json" if path.endswith(".jsonl") else path + ".settings.json"
