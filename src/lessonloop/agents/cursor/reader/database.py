"""Cursor's state databases -> units, read strictly read-only (capture/readonly_sqlite.py).

Both are VS Code's key-value store: tables `ItemTable` and (the global one, since 2025)
`cursorDiskKV`, `(key TEXT, value BLOB)`, each value a JSON text (or NULL).
- The global database: one unit per conversation (`<file>#<composer id>`), `composerData:<id>`
  its record (its stamp: the record's length and digest, which change with every message, since it
  lists their ids), `bubbleId:<id>:<bubble id>` its messages.
- A workspace database: one unit, the file (its stamp the file's): the conversations Cursor 0.4x
  kept in it whole (`workbench.panel.aichat.view.aichat.chatdata`'s tabs,
  `composer.composerData`'s composers with their `conversation`); `workspace.json` beside it names
  its folder, which is also the folder of the global database's conversations it lists.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from typing import Any

from lessonloop.agents.cursor.reader import conversations, paths
from lessonloop.capture.adapters import Unit
from lessonloop.capture.readonly_sqlite import ReadOnlyDatabase, database_units, open_checked
from lessonloop.core import json_codec
from lessonloop.core.records import Batch, Problem

_STAMP_MASK = (1 << 62) - 1
COMPOSER = "composerData:"
CHAT_TABS = "workbench.panel.aichat.view.aichat.chatdata"
COMPOSERS = "composer.composerData"


def units(format: str, files: list[str], problems: list[Problem]) -> list[Unit]:
    found: list[Unit] = []
    for path in files:
        if format == paths.GLOBAL:
            found.extend(_global_units(path, problems))
        else:
            found.extend(_workspace_unit(path, problems))
    return found


def _open(path: str, problems: list[Problem]) -> ReadOnlyDatabase | None:
    return open_checked(path, problems, agent="Cursor", open_database=_Database)


class _Database(ReadOnlyDatabase):
    """A read-only connection to one state database; for the global one, what its listing found
    that its conversations' reads need: each one's folder and the conversation that started it."""

    def __init__(self, path: str) -> None:
        super().__init__(path, "lessonloop-cursor-")
        self.folders: dict[str, str] = {}
        self.parents: dict[str, str] = {}


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _global_units(path: str, problems: list[Problem]) -> list[Unit]:
    return database_units(
        path, problems, agent="Cursor", open_database=_Database, listing=_global_listing, read=_read_composer
    )


def _global_listing(database: _Database, problems: list[Problem]) -> dict[str, tuple[int, int]]:
    if "cursorDiskKV" not in _tables(database.conn):
        return {}  # Cursor before 2025 kept its chats in the workspaces'
    listed = _listing(database.conn, database.path, problems)
    if listed:
        database.folders = _folders_of_composers(database.path)
        database.parents = {child: parent for parent, (_, children) in listed.items() for child in children}
    return {composer_id: stamp for composer_id, (stamp, _) in listed.items()}


def _read_composer(database: _Database, composer_id: str) -> Batch:
    where = f"{database.path}#{composer_id}"
    batch = Batch()
    try:
        row = database.conn.execute(
            "SELECT value FROM cursorDiskKV WHERE key = ?", (COMPOSER + composer_id,)
        ).fetchone()
        record = json_codec.loads(row[0]) if row is not None and row[0] is not None else None
        bubbles = _bubbles(database.conn, composer_id)
    except sqlite3.DatabaseError as exc:
        batch.problems.append(Problem(where, None, "unreadable-file", f"cannot read: {exc}"))
        return batch
    except (json_codec.JSONDecodeError, RecursionError) as exc:
        batch.problems.append(Problem(where, None, "malformed-record", f"not JSON ({exc}); skipped"))
        return batch
    if not isinstance(record, dict):
        return batch  # gone since it was listed: what was stored of it stays
    context = conversations.Context(database.folders.get(composer_id), database.parents.get(composer_id))
    return conversations.read_composer(where, composer_id, record, bubbles, context)


# A conversation's stamp and sub-conversations, worked out by SQLite's JSON functions: the records
# are not loaded into Python to be listed (a long history holds thousands, some of megabytes).
_LISTING = """
    SELECT substr(key, ?), length(value), json_extract(value, '$.lastUpdatedAt'),
           coalesce(json_array_length(value, '$.fullConversationHeadersOnly'), 0)
             + coalesce(json_array_length(value, '$.conversation'), 0),
           json_extract(value, '$.subComposerIds')
    FROM cursorDiskKV WHERE key >= ? AND key < ? AND value IS NOT NULL AND json_valid(value)
"""


def _listing(
    conn: sqlite3.Connection, path: str, problems: list[Problem]
) -> dict[str, tuple[tuple[int, int], list[str]]]:
    """Each conversation with messages: its stamp (the record's length; its last update and count
    of messages) and the conversations it started."""
    bounds = (len(COMPOSER) + 1, COMPOSER, COMPOSER[:-1] + ";")
    found: dict[str, tuple[tuple[int, int], list[str]]] = {}
    for composer_id, size, updated, messages, children in conn.execute(_LISTING, bounds):
        if not composer_id or not messages:
            continue  # an empty conversation (a new chat not written in)
        when = int(updated) if isinstance(updated, int | float) and not isinstance(updated, bool) else 0
        stamp = ((when * 1000 + int(messages)) & _STAMP_MASK) or 1
        named: list[str] = []
        if isinstance(children, str):
            try:
                listed = json_codec.loads(children)
            except json_codec.JSONDecodeError:
                listed = []
            named = [c for c in listed if isinstance(c, str)] if isinstance(listed, list) else []
        found[str(composer_id)] = ((int(size or 0), stamp), named)
    return found


def _bubbles(conn: sqlite3.Connection, composer_id: str) -> dict[str, Any]:
    """A conversation's messages by their id (a value that is no JSON: left out, said by the reader
    as a message it could not find)."""
    prefix = f"bubbleId:{composer_id}:"
    found: dict[str, Any] = {}
    for key, value in conn.execute(
        "SELECT key, value FROM cursorDiskKV WHERE key >= ? AND key < ?", (prefix, prefix[:-1] + ";")
    ):
        if value is None:
            continue
        try:
            found[str(key)[len(prefix) :]] = json_codec.loads(value)
        except (json_codec.JSONDecodeError, RecursionError):
            continue
    return found


@functools.lru_cache(maxsize=8)
def _folders_of_composers_cached(global_database: str, stamp: tuple[tuple[str, int], ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for folder in paths.workspace_folders(global_database):
        project = workspace_project(folder)
        if project is None:
            continue
        database = os.path.join(folder, paths.DATABASE)
        for composer_id in _composer_ids(database):
            found.setdefault(composer_id, project)
    return found


def _folders_of_composers(global_database: str) -> dict[str, str]:
    """Each conversation's folder: the folder of the workspace whose list names it."""
    stamp = []
    for folder in paths.workspace_folders(global_database):
        try:
            stamp.append((folder, os.stat(os.path.join(folder, paths.DATABASE)).st_mtime_ns))
        except OSError:
            continue
    return _folders_of_composers_cached(global_database, tuple(stamp))


def _composer_ids(database_path: str) -> list[str]:
    value = _item(database_path, COMPOSERS)
    composers = value.get("allComposers") if isinstance(value, dict) else None
    return [c["composerId"] for c in composers or [] if isinstance(c, dict) and isinstance(c.get("composerId"), str)]


def _item(database_path: str, key: str) -> Any:
    """One ItemTable value of a workspace database, as JSON (None when absent or unreadable)."""
    try:
        database = ReadOnlyDatabase(database_path, "lessonloop-cursor-")
    except (sqlite3.DatabaseError, OSError):
        return None
    try:
        row = database.conn.execute("SELECT value FROM ItemTable WHERE key = ?", (key,)).fetchone()
        return json_codec.loads(row[0]) if row is not None and row[0] is not None else None
    except (sqlite3.DatabaseError, json_codec.JSONDecodeError, RecursionError):
        return None
    finally:
        database.close()


def workspace_project(folder: str) -> str | None:
    """The folder a workspace is of, from its workspace.json (`folder`, a file:// URI; a
    multi-root workspace's `workspace` file's folder)."""
    try:
        with open(os.path.join(folder, "workspace.json"), "rb") as handle:
            described = json_codec.loads(handle.read(1_000_000))
    except (OSError, ValueError):
        return None
    if not isinstance(described, dict):
        return None
    uri = described.get("folder") or described.get("workspace")
    path = conversations.file_uri_path(uri) if isinstance(uri, str) else None
    if path is not None and described.get("workspace") and not described.get("folder"):
        return os.path.dirname(path)
    return path


def _workspace_unit(path: str, problems: list[Problem]) -> list[Unit]:
    try:
        info = os.stat(path)
    except OSError as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return []
    return [Unit(path, info.st_size, info.st_mtime_ns, functools.partial(_read_workspace, path))]


def _read_workspace(path: str) -> Batch:
    """The conversations a workspace database holds whole (Cursor 0.4x's chat tabs and composers)."""
    problems: list[Problem] = []
    database = _open(path, problems)
    batch = Batch()
    batch.problems.extend(problems)
    if database is None:
        return batch
    try:
        if "ItemTable" not in _tables(database.conn):
            return batch
        rows = dict(
            database.conn.execute("SELECT key, value FROM ItemTable WHERE key IN (?, ?)", (CHAT_TABS, COMPOSERS))
        )
    except sqlite3.DatabaseError as exc:
        batch.problems.append(Problem(path, None, "unreadable-file", f"cannot read this database: {exc}"))
        return batch
    finally:
        database.close()
    project = workspace_project(os.path.dirname(path))
    for key in (CHAT_TABS, COMPOSERS):
        if rows.get(key) is None:
            continue
        try:
            value = json_codec.loads(rows[key])
        except (json_codec.JSONDecodeError, RecursionError) as exc:
            batch.problems.append(Problem(path, None, "malformed-record", f"{key}: not JSON ({exc}); skipped"))
            continue
        if key == CHAT_TABS:
            conversations.read_chat_tabs(path, value, project, batch)
        else:
            conversations.read_inline_composers(path, value, project, batch)
    batch.records = len(batch.sessions)
    return batch
