"""Where a file of OpenCode's legacy storage/ JSON tree sits in it (OpenCode's and its forks')."""

from __future__ import annotations

import os

SESSION, MESSAGE, PART = "session", "message", "part"
# Every folder of storage/ (its sessions, messages and parts are read; the others are not sessions).
STORAGE_FOLDERS = frozenset({SESSION, MESSAGE, PART, "project", "session_diff", "todo", "snapshot", "share"})


def storage_place(path: str) -> tuple[str, str, str, str] | None:
    """(storage root, folder, the folder inside it, file stem) of a storage file:
    (".../storage", "message", "<session id>", "<message id>"); None when it is not one.

    The layout before OpenCode's first storage migration (mid 2025) is read the same way:
    `storage/session/info/<session id>.json` (a session; "info" stands for its project),
    `storage/session/message/<session id>/<message id>.json` and
    `storage/session/part/<session id>/<message id>/<part id>.json`."""
    parts = path.replace(os.sep, "/").split("/")
    if len(parts) < 4:
        return None
    stem = parts[-1][: -len(".json")]
    # storage/<folder>/<inner>/<file>.json: the storage folder is the fourth part from the end.
    if parts[-4] == "storage" and parts[-3] in STORAGE_FOLDERS:
        return "/".join(parts[:-3]), parts[-3], parts[-2], stem
    if len(parts) >= 5 and parts[-5] == "storage" and parts[-4] == SESSION and parts[-3] == MESSAGE:
        return "/".join(parts[:-4]), MESSAGE, parts[-2], stem
    if len(parts) >= 6 and parts[-6] == "storage" and parts[-5] == SESSION and parts[-4] == PART:
        return "/".join(parts[:-5]), PART, parts[-2], stem
    return None
