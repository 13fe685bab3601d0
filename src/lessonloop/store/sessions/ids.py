"""A stored session named by its id or a unique prefix of it: what `show`, `analyze`, `forget
session` and the MCP server's session_summary accept."""

from __future__ import annotations

import sqlite3


class SessionNotFound(LookupError):
    """No session (or more than one) matches the id given."""


def resolve_session(conn: sqlite3.Connection, given: str) -> str:
    """The full id of the session `given` names: an id or a unique prefix of one."""
    given = given.strip()
    if not given:
        raise SessionNotFound("no session id given")
    if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (given,)).fetchone():
        return given
    rows = conn.execute(
        "SELECT id, parent_id IS NULL FROM sessions WHERE substr(id, 1, ?) = ? ORDER BY parent_id IS NOT NULL, id LIMIT 50",
        (len(given), given),
    ).fetchall()
    mains = [str(row[0]) for row in rows if row[1]]
    # A prefix of a main session also prefixes its subagents ("<id>/<agent>"): the main one wins.
    matches = mains if len(mains) == 1 else [str(row[0]) for row in rows]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise SessionNotFound(f"no session matches {given!r} (see `lessonloop sessions`)")
    shown = ", ".join(matches[:5])
    raise SessionNotFound(f"{given!r} is ambiguous: it matches {shown}{' ...' if len(matches) > 5 else ''}")


SHORT_ID = 8  # the fewest characters of an id a listing shows


def short_ids(conn: sqlite3.Connection, ids: list[str], minimum: int = SHORT_ID) -> dict[str, str]:
    """Each main session id of `ids` -> its shortest prefix (at least `minimum` characters) that
    names it alone among the stored main sessions: what listings show, and what `show` accepts
    (resolve_session). Compared with its neighbours in id order only, so a long listing costs two
    index look-ups a row; ids that share a long start (one source's) get a longer prefix."""
    shown: dict[str, str] = {}
    for session_id in ids:
        length = minimum
        for sql in (
            "SELECT id FROM sessions WHERE id < ? AND parent_id IS NULL ORDER BY id DESC LIMIT 1",
            "SELECT id FROM sessions WHERE id > ? AND parent_id IS NULL ORDER BY id LIMIT 1",
        ):
            row = conn.execute(sql, (session_id,)).fetchone()
            if row is not None:
                length = max(length, _common_start(session_id, str(row[0])) + 1)
        shown[session_id] = session_id[:length]
    return shown


def _common_start(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
