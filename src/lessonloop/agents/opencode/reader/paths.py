"""Where OpenCode keeps its sessions, and which files are its by their path alone.

OpenCode's data folder is `$XDG_DATA_HOME/opencode` (default `~/.local/share/opencode`; OpenCode
uses xdg-basedir). Since 1.2 it keeps everything in `opencode.db` there (SQLite, WAL mode; other
release channels write `opencode-<channel>.db`, and $OPENCODE_DB names another file: absolute, or
relative to the data folder). Before, it wrote a JSON tree, still read:
`storage/session/<project id>/<session id>.json`, `storage/message/<session id>/<message id>.json`
and `storage/part/<message id>/<part id>.json`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from lessonloop.capture.adapters import DiscoveryContext, Found
from lessonloop.capture.opencode_format.storage_places import MESSAGE, PART, SESSION, storage_place

STORAGE = "opencode-storage"
DATABASE = "opencode-db"


def data_folder(environ: Mapping[str, str], home: str) -> Path:
    """OpenCode's data folder: $XDG_DATA_HOME/opencode, else ~/.local/share/opencode."""
    base = environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    return Path(base) / "opencode"


def searched(context: DiscoveryContext) -> list[Path]:
    return [data_folder(context.environ, context.home)]


def discover(context: DiscoveryContext) -> list[Found]:
    """OpenCode's databases and its legacy storage files, in its data folder."""
    folder = data_folder(context.environ, context.home)
    found: list[Found] = [Found(path, DATABASE) for path in databases(folder, context.environ)]
    storage = folder / "storage"
    for name in (SESSION, MESSAGE, PART):
        root = storage / name
        if not root.is_dir():
            continue
        for current, _dirs, files in os.walk(root):
            found.extend(
                Found(os.path.join(current, file), STORAGE) for file in sorted(files) if file.endswith(".json")
            )
    return found


def databases(folder: Path, environ: Mapping[str, str]) -> list[str]:
    """opencode.db and opencode-<channel>.db in `folder`, and the file $OPENCODE_DB names."""
    paths: list[str] = []
    given = environ.get("OPENCODE_DB")
    if given and given != ":memory:":
        paths.append(str(Path(given) if os.path.isabs(given) else folder / given))
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        names = []
    for name in names:
        if name == "opencode.db" or (name.startswith("opencode-") and name.endswith(".db")):
            path = str(folder / name)
            if path not in paths and os.path.isfile(path):
                paths.append(path)
    return [path for path in paths if os.path.isfile(path)]


def claims(path: str) -> str | None:
    """A JSON file inside OpenCode's storage/ tree is OpenCode's: known by its path, never opened
    to be sniffed (a session has one file per message and per part: thousands)."""
    if not path.endswith(".json"):
        return None
    return STORAGE if storage_place(path) is not None else None
