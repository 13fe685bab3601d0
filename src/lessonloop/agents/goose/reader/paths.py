"""Where Goose keeps its sessions: `<data>/sessions/sessions.db`, SQLite in WAL mode
(crates/goose/src/session/session_manager.rs: SESSIONS_FOLDER, DB_NAME). `<data>` is
`$GOOSE_PATH_ROOT/data` when that variable is set to an absolute path, else the XDG data folder of
the app `goose`, `${XDG_DATA_HOME:-~/.local/share}/goose`, on Linux and macOS alike
(crates/goose/src/config/paths.rs, etcetera's Xdg strategy). The folders ccusage also looks in
(`~/Library/Application Support/goose`, `~/.local/share/Block/goose`) are looked in too.

Before the database (Goose before about 1.10) each session was a `<data>/sessions/<id>.jsonl`
file; Goose imports them into the database it creates beside them and leaves them there: they are
not read (docs/agents/goose.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from lessonloop.capture.adapters import DiscoveryContext, Found

DATABASE = "goose-db"
NAME = "sessions.db"


def data_folders(environ: Mapping[str, str], home: str) -> list[str]:
    """Goose's data folders, the one in force first."""
    folders = []
    root = environ.get("GOOSE_PATH_ROOT", "").strip()
    if root:
        folders.append(os.path.join(os.path.expanduser(root), "data"))
    xdg = environ.get("XDG_DATA_HOME", "").strip()
    if xdg and os.path.isabs(xdg):
        folders.append(os.path.join(xdg, "goose"))
    folders += [
        os.path.join(home, ".local", "share", "goose"),
        os.path.join(home, "Library", "Application Support", "goose"),
        os.path.join(home, ".local", "share", "Block", "goose"),
    ]
    return list(dict.fromkeys(os.path.abspath(folder) for folder in folders))


def searched(context: DiscoveryContext) -> list[str]:
    return [os.path.join(folder, "sessions") for folder in data_folders(context.environ, context.home)]


def discover(context: DiscoveryContext) -> list[Found]:
    found: dict[str, Found] = {}
    for folder in searched(context):
        path = os.path.join(folder, NAME)
        if os.path.isfile(path):
            found.setdefault(os.path.realpath(path), Found(path, DATABASE))
    return list(found.values())


def claims(path: str) -> str | None:
    """sessions.db in a `goose/sessions/` folder (a `$GOOSE_PATH_ROOT/data/sessions/` one is found by
    discovery, not by its path); None elsewhere."""
    parts = os.path.abspath(path).split(os.sep)
    if len(parts) >= 3 and parts[-1] == NAME and parts[-2] == "sessions" and parts[-3] == "goose":
        return DATABASE
    return None
