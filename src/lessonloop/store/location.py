"""Where the store lives: --db PATH, else $LESSONLOOP_DB, else the XDG data directory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ENV_DB = "LESSONLOOP_DB"


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$XDG_DATA_HOME/lessonloop/lessonloop.db`, with ~/.local/share when XDG_DATA_HOME is unset."""
    env = os.environ if environ is None else environ
    data_home = env.get("XDG_DATA_HOME") or ""
    base = Path(data_home) if data_home.strip() else Path(env.get("HOME") or Path.home()) / ".local" / "share"
    return base / "lessonloop" / "lessonloop.db"


def resolve_db_path(explicit: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None) -> Path:
    """The store path in order of precedence: the explicit option, $LESSONLOOP_DB, the default."""
    env = os.environ if environ is None else environ
    if explicit:
        return Path(explicit).expanduser()
    from_env = env.get(ENV_DB)
    if from_env:
        return Path(from_env).expanduser()
    return default_db_path(env)
