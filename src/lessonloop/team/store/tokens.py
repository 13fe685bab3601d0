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

The same goes for a password in the team's URL (issue 39): the store keeps the URL without it
(`split_password`: a URI's `user:PASSWORD@`, its `?password=`, a key/value string's `password=`),
the entry of (that URL, member) keeps the password beside the token, and `with_password` puts it
back for the connection only. A URL given without a password stores none: libpq then reads
$PGPASSWORD or ~/.pgpass itself. Migration m034 moves an older store's.
"""

from __future__ import annotations

import contextlib
import json
import os
from typing import Any
from urllib.parse import quote, unquote

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


def read_token(url: str, member: str, *, environment: bool = True) -> str | None:
    """The token of `member` on the team at `url`: the file's entry, else $LESSONLOOP_TEAM_TOKEN
    (unless `environment` is False), else None. TokenFileError when the file exists and cannot be read."""
    for entry in _entries(tokens_path()):
        if entry.get("url") == url and entry.get("member") == member and isinstance(entry.get("token"), str):
            return str(entry["token"])
    return (os.environ.get(TOKEN_ENV) or None) if environment else None


def read_password(url: str, member: str) -> str | None:
    """The database password kept for `member` on the team at `url` (None: none kept; libpq
    reads $PGPASSWORD or ~/.pgpass). TokenFileError when the file exists and cannot be read."""
    for entry in _entries(tokens_path()):
        if entry.get("url") == url and entry.get("member") == member and isinstance(entry.get("password"), str):
            return str(entry["password"])
    return None


_KEEP = object()  # save_token: the entry's password stays as it is


def save_token(url: str, member: str, token: str, password: Any = _KEEP, *, moved_from: str | None = None) -> str:
    """Keep `token` for (`url`, `member`) in the tokens file (written whole under a temporary name,
    then renamed; 0600), with `password` (None: no password kept; not given: the entry's stays).
    `moved_from`: the URL an older entry of this member was kept under, removed (its password kept
    when none is given). Returns the file's path; TokenFileError when it cannot be written."""
    path = tokens_path()
    try:
        entries = _entries(path)
        old = [e for e in entries if e.get("member") == member and e.get("url") in (url, moved_from)]
        entries = [e for e in entries if e not in old]
        entry: dict[str, Any] = {"url": url, "member": member, "token": token}
        kept = next((e.get("password") for e in old if isinstance(e.get("password"), str)), None)
        chosen = kept if password is _KEEP else password
        if chosen:
            entry["password"] = chosen
        entries.append(entry)
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


# --- a password in the team's URL ------------------------------------------------------------

_URI_SCHEMES = ("postgresql", "postgres")


def split_password(url: str) -> tuple[str, str | None]:
    """`url` without its password, and the password (None when it holds none), as libpq reads
    them: a URI's user information (`postgresql://user:PASSWORD@host/db`, up to the first `@`
    before any `/`) and `password` query parameter, percent-decoded; a key/value connection
    string's `password=...` (quoted or not). ValueError when a key/value string cannot be read."""
    scheme, separator, rest = url.partition("://")
    if separator and scheme.lower() in _URI_SCHEMES:
        return _split_uri(scheme, rest)
    if "=" in url:
        return _split_keywords(url)
    return url, None


def with_password(url: str, password: str | None) -> str:
    """`url` (as split_password left it) with `password` for the connection: a URI's `password`
    query parameter, a key/value string's `password='...'`; `url` itself when there is none."""
    if not password:
        return url

    scheme, separator, _rest = url.partition("://")
    if separator and scheme.lower() in _URI_SCHEMES:
        return f"{url}{'&' if '?' in url else '?'}password={quote(password, safe='')}"
    escaped = password.replace("\\", "\\\\").replace("'", "\\'")
    return f"{url} password='{escaped}'"


def _split_uri(scheme: str, rest: str) -> tuple[str, str | None]:
    password: str | None = None
    end = next((i for i, c in enumerate(rest) if c in "@/"), len(rest))
    if end < len(rest) and rest[end] == "@":
        user, colon, secret = rest[:end].partition(":")
        if colon:
            password = unquote(secret) or None
            rest = (f"{user}@" if user else "") + rest[end + 1 :]
    base, question, query = rest.partition("?")
    if question:
        kept = []
        for part in query.split("&"):
            key, _equals, value = part.partition("=")
            if unquote(key) == "password":
                password = unquote(value) or None
            elif part:
                kept.append(part)
        rest = base + (f"?{'&'.join(kept)}" if kept else "")
    return f"{scheme}://{rest}", password


def _split_keywords(text: str) -> tuple[str, str | None]:
    """A key/value connection string without its password, pair by pair as libpq reads them."""
    pairs: list[tuple[str, str, str]] = []  # (key, value, the pair as written)
    position, size = 0, len(text)
    while True:
        while position < size and text[position].isspace():
            position += 1
        if position >= size:
            break
        start = position
        while position < size and text[position] != "=" and not text[position].isspace():
            position += 1
        key = text[start:position]
        while position < size and text[position].isspace():
            position += 1
        if position >= size or text[position] != "=" or not key:
            raise ValueError(f"the connection string has {key!r} without a value")
        position += 1
        while position < size and text[position].isspace():
            position += 1
        value: list[str] = []
        quoted = position < size and text[position] == "'"
        position += quoted
        while True:
            if position >= size:
                if quoted:
                    raise ValueError("the connection string has a quote that does not end")
                break
            char = text[position]
            if char == "\\" and position + 1 < size:
                value.append(text[position + 1])
                position += 2
                continue
            if (quoted and char == "'") or (not quoted and char.isspace()):
                position += quoted
                break
            value.append(char)
            position += 1
        pairs.append((key, "".join(value), text[start:position]))
    password = next((value or None for key, value, _written in reversed(pairs) if key == "password"), None)
    return " ".join(written for key, _value, written in pairs if key != "password"), password
