"""Where Hermes Agent keeps its sessions: `state.db` in its home, `$HERMES_HOME` (default
`~/.hermes`; hermes_constants.get_hermes_home), SQLite in WAL mode. A named profile is a home of
its own, `~/.hermes/profiles/<name>/` (hermes_cli/profiles.py), with its own state.db. A file named
state.db in a `.hermes` folder or in a profile of one is Hermes's by its path."""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

DATABASE = "hermes-db"
NAME = "state.db"


def hermes_home(environ: Mapping[str, str], home: str) -> str:
    return os.path.expanduser(environ.get("HERMES_HOME") or os.path.join(home, ".hermes"))


def _homes(context: DiscoveryContext) -> list[str]:
    """$HERMES_HOME (or ~/.hermes), then ~/.hermes and each of its profiles."""
    default = os.path.join(context.home, ".hermes")
    homes = [hermes_home(context.environ, context.home), default]
    profiles = os.path.join(default, "profiles")
    try:
        names = sorted(entry.name for entry in os.scandir(profiles) if entry.is_dir())
    except OSError:
        names = []
    homes.extend(os.path.join(profiles, name) for name in names)
    return list(dict.fromkeys(os.path.abspath(home) for home in homes))


def searched(context: DiscoveryContext) -> list[str]:
    return _homes(context)


def discover(context: DiscoveryContext) -> list[Found]:
    paths = (os.path.join(home, NAME) for home in _homes(context))
    return [Found(path, DATABASE) for path in paths if os.path.isfile(path)]


def claims(path: str) -> str | None:
    """state.db in a `.hermes` folder, or in `.hermes/profiles/<name>/`; None elsewhere."""
    parts = os.path.abspath(path).split(os.sep)
    if parts[-1] != NAME or len(parts) < 2:
        return None
    if parts[-2] == ".hermes" or (len(parts) >= 4 and parts[-3] == "profiles" and parts[-4] == ".hermes"):
        return DATABASE
    return None
