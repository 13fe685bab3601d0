"""What one hook process leaves for a later one of the same session: the warning a pre-tool hook
could not give the model before the call (Codex and Gemini CLI read no context at that moment),
given by the post-tool hook of the same call instead; the calls already stopped once to ask
the person (Codex has no "ask" before a call: agents/codex.py); and the calls a lesson stopped
once (pre_tool.py: the same call sent again runs, unless the session changed a file in between).

One small file per entry in `hook-carried/` beside the store, named by a digest of its key (a
session and its call; a session's stops share one file). A warning is taken (read and deleted) by the call's post-tool hook; entries
nobody takes (a call that never ran) are removed once older than MAX_AGE_SECONDS, whenever an entry
is written. Texts are written as the hook gave them: already redacted. Stdlib only (the hooks).
"""

from __future__ import annotations

import os
import time

from lessonloop.store.location import CARRIED_FOLDER, beside

FOLDER = CARRIED_FOLDER
MAX_AGE_SECONDS = 6 * 3600
WARNING = "w-"
ASKED = "a-"
STOPPED = "s-"


def _folder(db: str) -> str:
    return beside(db, FOLDER)


def _name(prefix: str, key: str) -> str:
    from lessonloop.core.quick_hash import sha256_hex

    return prefix + sha256_hex(key.encode("utf-8", "replace"))[:40]


def _write(db: str, name: str, text: str) -> None:
    folder = _folder(db)
    os.makedirs(folder, exist_ok=True)
    _prune(folder)
    path = os.path.join(folder, name)
    partial = f"{path}.{os.getpid()}.tmp"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


def _prune(folder: str) -> None:
    limit = time.time() - MAX_AGE_SECONDS
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    if entry.stat().st_mtime < limit:
                        os.unlink(entry.path)
                except OSError:
                    continue
    except OSError:
        return


def keep_warning(db: str, key: str, text: str) -> None:
    """Keep `text` for the post-tool hook of the call `key` (replacing an earlier one)."""
    _write(db, _name(WARNING, key), text)


def take_warning(db: str, key: str) -> str | None:
    """The warning kept for the call `key`, removed; None when there is none. Costs one stat when
    nothing was ever kept (the usual case: this runs on every post-tool hook)."""
    folder = _folder(db)
    if not os.path.isdir(folder):
        return None
    path = os.path.join(folder, _name(WARNING, key))
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    try:
        os.unlink(path)
    except OSError:
        return None  # another process took it
    return text or None


def mark_asked(db: str, key: str) -> None:
    """Remember that the call `key` was stopped once to ask the person."""
    _write(db, _name(ASKED, key), "")


def was_asked(db: str, key: str) -> bool:
    folder = _folder(db)
    return os.path.isdir(folder) and os.path.exists(os.path.join(folder, _name(ASKED, key)))


def mark_stopped(db: str, session_id: str, key: str) -> None:
    """Remember that the call `key` of `session_id` was stopped once by a lesson (raises OSError
    when it cannot). The session's stops are one file, so that `forget_stops` drops them at once."""
    folder = _folder(db)
    os.makedirs(folder, exist_ok=True)
    _prune(folder)
    with open(os.path.join(folder, _name(STOPPED, session_id)), "a", encoding="utf-8") as handle:
        handle.write(_name("", key) + "\n")


def was_stopped(db: str, session_id: str, key: str) -> bool:
    """Whether the call `key` was stopped in `session_id` since the session last changed a file."""
    try:
        with open(os.path.join(_folder(db), _name(STOPPED, session_id)), encoding="utf-8") as handle:
            return _name("", key) in handle.read().split()
    except OSError:
        return False


def forget_stops(db: str, session_id: str) -> None:
    """The session changed a file: a call stopped before is a new attempt when sent again (the
    lesson's check, such as a build after the change, is due again), so it may be stopped once more."""
    try:
        os.unlink(os.path.join(_folder(db), _name(STOPPED, session_id)))
    except OSError:
        return
