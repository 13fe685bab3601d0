"""Where Amp keeps its threads: `${XDG_DATA_HOME:-~/.local/share}/amp/threads/<thread id>.json`, one
JSON document a thread (`threads-development/` for Amp's development builds). Not read:
`history.jsonl` beside it (the prompts typed, with no session) and the settings in
`~/.config/amp/`."""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

THREAD = "amp-thread"
_FOLDERS = ("threads", "threads-development")


def amp_data(environ: Mapping[str, str], home: str) -> list[str]:
    """Amp's data folders: $XDG_DATA_HOME's when it is set, and ~/.local/share's."""
    named = environ.get("XDG_DATA_HOME")
    folders = [os.path.join(os.path.expanduser(named), "amp")] if named else []
    return list(dict.fromkeys([*folders, os.path.join(home, ".local", "share", "amp")]))


def searched(context: DiscoveryContext) -> list[str]:
    return [os.path.join(data, "threads") for data in amp_data(context.environ, context.home)]


def discover(context: DiscoveryContext) -> list[Found]:
    found: list[Found] = []
    for data in amp_data(context.environ, context.home):
        for name in _FOLDERS:
            folder = os.path.join(data, name)
            try:
                names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
            except OSError:
                continue  # no Amp here
            found.extend(Found(os.path.join(folder, n), THREAD) for n in names if _thread_file(n))
    return found


def _thread_file(name: str) -> bool:
    return name.startswith("T-") and name.endswith(".json")


def claims(path: str) -> str | None:
    """A thread where Amp keeps them (.../amp/threads/T-<id>.json); None elsewhere."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) >= 3 and parts[-2] in _FOLDERS and parts[-3] == "amp" and _thread_file(parts[-1]):
        return THREAD
    return None
