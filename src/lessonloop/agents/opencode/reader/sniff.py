"""How capture/sniffer.py recognizes OpenCode's files: `storage/{session,message,part,project}/
.../*.json` objects (sessionID, messageID, role, time, ...), or all of it in one SQLite file,
`opencode.db` (`opencode-<channel>.db` for other release channels)."""

from __future__ import annotations

import os
import re
from collections.abc import Collection

from lessonloop.capture.sniffing import DocumentRule, NameRule, Sniffing

STORAGE = "opencode-storage"
_FOLDERS = frozenset({"session", "message", "part", "project", "session_diff", "todo"})
_DB_NAME = re.compile(r"^opencode(?:-[^/]+)?\.db$")  # opencode.db, opencode-<channel>.db


def _database(name: str) -> str | None:
    # Whatever it holds: its reader says what it is when it is no OpenCode database.
    return "opencode-db" if _DB_NAME.match(name) else None


def _storage(path: str, keys: Collection[str]) -> str | None:
    parts = path.replace(os.sep, "/").split("/")
    in_storage = any(
        part == "storage" and index + 1 < len(parts) and parts[index + 1] in _FOLDERS
        for index, part in enumerate(parts)
    )
    if "sessionID" in keys and ("messageID" in keys or "role" in keys):
        return STORAGE
    if in_storage and "id" in keys and ("time" in keys or "sessionID" in keys):
        return STORAGE
    return None


SNIFFING = Sniffing(names=(NameRule(10, _database),), documents=(DocumentRule(20, "object", _storage),))
