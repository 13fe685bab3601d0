"""Where ZCode keeps its sessions: one SQLite database (WAL mode) for every session of its CLI and
desktop app, `<root>/cli/db/db.sqlite`, the root `~/.zcode`, or each folder `$ZCODE_HOME` names
(several, comma-separated, as ccusage 20 reads it; an empty value is `~/.zcode`). The path is the
same on macOS, Windows and Linux (third-party readers report it so on each; the desktop app's own
state in `~/Library/Application Support/ZCode` holds no sessions). A file at `.../cli/db/db.sqlite`
is ZCode's by its path: the name db.sqlite alone says nothing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePath

from lessonloop.capture.adapters import DiscoveryContext, Found

DATABASE = "zcode-db"
NAME = "db.sqlite"
_PLACE = ("cli", "db", NAME)  # the database's path under a root


def roots(environ: Mapping[str, str], home: str) -> list[Path]:
    """The folders `$ZCODE_HOME` names, in order, else ~/.zcode."""
    given = [part.strip() for part in environ.get("ZCODE_HOME", "").split(",")]
    named = [Path(part).expanduser() for part in given if part]
    return list(dict.fromkeys(named)) or [Path(home) / ".zcode"]


def searched(context: DiscoveryContext) -> list[Path]:
    return [root.joinpath(*_PLACE[:-1]) for root in roots(context.environ, context.home)]


def discover(context: DiscoveryContext) -> list[Found]:
    paths = [str(root.joinpath(*_PLACE)) for root in roots(context.environ, context.home)]
    return [Found(path, DATABASE) for path in dict.fromkeys(paths) if os.path.isfile(path)]


def claims(path: str) -> str | None:
    """A file at <root>/cli/db/db.sqlite is ZCode's database."""
    return DATABASE if PurePath(path).parts[-3:] == _PLACE else None
