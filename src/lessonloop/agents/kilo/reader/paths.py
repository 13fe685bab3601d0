"""Where Kilo Code keeps its sessions: `kilo.db` in its data folder, `$XDG_DATA_HOME/kilo` (default
`~/.local/share/kilo`), SQLite in WAL mode with OpenCode's tables (Kilo is a fork of OpenCode), or
the file `$KILO_DB` names (absolute, or relative to the data folder). A file named kilo.db is
Kilo's by its name: OpenCode's reader would take it for OpenCode's."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from lessonloop.capture.adapters import DiscoveryContext, Found

DATABASE = "kilo-db"
NAME = "kilo.db"


def data_folder(environ: Mapping[str, str], home: str) -> Path:
    base = environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    return Path(base) / "kilo"


def searched(context: DiscoveryContext) -> list[Path]:
    return [data_folder(context.environ, context.home)]


def discover(context: DiscoveryContext) -> list[Found]:
    folder = data_folder(context.environ, context.home)
    paths = [str(folder / NAME)]
    given = context.environ.get("KILO_DB")
    if given and given != ":memory:":
        paths.insert(0, given if os.path.isabs(given) else str(folder / given))
    return [Found(path, DATABASE) for path in dict.fromkeys(paths) if os.path.isfile(path)]


def claims(path: str) -> str | None:
    """A file named kilo.db is Kilo Code's database."""
    return DATABASE if os.path.basename(path) == NAME else None
