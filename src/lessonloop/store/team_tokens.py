"""Team members' tokens, kept out of the store (issue 25, item 6; docs/team.md).

A token lets whoever holds it push, pull (and, for a maintainer, add members) as its member: it is
a password, and the store is a file people copy, attach and back up. So the store keeps the team's
URL and the member's name, and the token lives in `team-tokens.json` in the configuration folder
(`$XDG_CONFIG_HOME/lessonloop/`, `~/.config/lessonloop/` by default; `$LESSONLOOP_TEAM_TOKENS` names
another file), a file only its user may read (0600; its folder is made 0700 when lessonloop
creates it), as `~/.pgpass` keeps
PostgreSQL passwords. One entry per (server URL, member): stores joined to the same team as the same
member share it. `$LESSONLOOP_TEAM_TOKEN` is used when the file has no entry.

Stores made before this kept the token in `team_config.token`: migration m027 moves it into the
file and blanks the column (with SQLite's secure_delete, so the old text does not stay in a free
page); when the file cannot be written then, the token stays in the store and is moved the next
time a team command reads it (`team_state.team_config`).
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any

from lessonloop.core.config_location import ENV_CONFIG, config_path
from lessonloop.store.private_files import FILE_MODE, make_folders

TOKENS_FILE = "team-tokens.json"
TOKEN_ENV = "LESSONLOOP_TEAM_TOKEN"
ENV_TOKENS = "LESSONLOOP_TEAM_TOKENS"  # another path for the tokens file
_FORMAT = 1


class TokenFileError(OSError):
    """The tokens file cannot be read or written; the message names it and the cause."""


def tokens_path() -> str:
    """$LESSONLOOP_TEAM_TOKENS, else `team-tokens.json` in the default configuration folder
    (`$XDG_CONFIG_HOME/lessonloop/`, ~/.config when unset), whichever file $LESSONLOOP_CONFIG names:
    a person switching configuration files keeps their tokens."""
    explicit = os.environ.get(ENV_TOKENS, "").strip()
    if explicit:
        return os.path.abspath(os.path.expanduser(explicit))
    environ = {k: v for k, v in os.environ.items() if k != ENV_CONFIG}
    return os.path.join(os.path.dirname(os.path.abspath(config_path(environ))), TOKENS_FILE)


def _entries(path: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise TokenFileError(f"cannot read the team tokens file {path}: {exc}") from exc
    entries = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise TokenFileError(f"the team tokens file {path} is not one lessonloop wrote (no list of tokens)")
    return [e for e in entries if isinstance(e, dict)]


def read_token(url: str, member: str) -> str | None:
    """The token of `member` on the team at `url`: the file's entry, else $LESSONLOOP_TEAM_TOKEN,
    else None. TokenFileError when the file exists and cannot be read."""
    for entry in _entries(tokens_path()):
        if entry.get("url") == url and entry.get("member") == member and isinstance(entry.get("token"), str):
            return str(entry["token"])
    return os.environ.get(TOKEN_ENV) or None


def save_token(url: str, member: str, token: str) -> str:
    """Keep `token` for (`url`, `member`) in the tokens file (written whole under a temporary name,
    then renamed; 0600). Returns the file's path; TokenFileError when it cannot be written."""
    path = tokens_path()
    try:
        entries = [e for e in _entries(path) if not (e.get("url") == url and e.get("member") == member)]
        entries.append({"url": url, "member": member, "token": token})
        make_folders(os.path.dirname(path))
        temporary = f"{path}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"format": _FORMAT, "tokens": entries}, handle, indent=2)
                handle.write("\n")
            os.chmod(temporary, FILE_MODE)  # a leftover temporary file of other modes
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except TokenFileError:
        raise
    except OSError as exc:
        raise TokenFileError(f"cannot write the team tokens file {path}: {exc.strerror or exc}") from exc
    return path
