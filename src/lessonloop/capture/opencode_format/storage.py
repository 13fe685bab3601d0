"""OpenCode's legacy storage/ tree: one unit per session, known from file paths alone.

A session's unit is its session file (storage/session/<project>/<id>.json) with the files of its
messages (storage/message/<id>/*.json) and of their parts (storage/part/<message id>/*.json).
Its stamp is made from the sizes and modification times of all of them, so a new part changes
it; nothing is opened until the unit is read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lessonloop.capture.adapters import Unit
from lessonloop.capture.opencode_format.parser import RawSession
from lessonloop.capture.opencode_format.storage_places import MESSAGE, PART, SESSION, storage_place
from lessonloop.core import json_codec, json_depth
from lessonloop.core.records import Batch, Problem

_STAMP_MASK = (1 << 62) - 1


@dataclass(slots=True)
class _Tree:
    """The storage files given, by what they are."""

    sessions: dict[str, str] = field(default_factory=dict)  # session id -> its file
    messages: dict[str, dict[str, str]] = field(default_factory=dict)  # session id -> message id -> file
    parts: dict[str, list[str]] = field(default_factory=dict)  # message id -> part files


def units(paths: list[str], problems: list[Problem], to_batch: Callable[[RawSession], Batch]) -> list[Unit]:
    trees: dict[str, _Tree] = {}
    for path in paths:
        place = storage_place(path)
        if place is None:
            continue  # another file of storage/ (a project, say): no session in it
        root, folder, inner, stem = place
        tree = trees.setdefault(root, _Tree())
        if folder == SESSION:
            tree.sessions[stem] = path
        elif folder == MESSAGE:
            tree.messages.setdefault(inner, {})[stem] = path
        elif folder == PART:
            tree.parts.setdefault(inner, []).append(path)
    found: list[Unit] = []
    for root, tree in sorted(trees.items()):
        known_messages = {mid for messages in tree.messages.values() for mid in messages}
        orphans = sorted(mid for mid in tree.parts if mid not in known_messages)
        if orphans:
            count = sum(len(tree.parts[mid]) for mid in orphans)
            problems.append(
                Problem(
                    os.path.join(root, "part"),
                    None,
                    "part-without-message",
                    f"{count} part file(s) of {len(orphans)} message(s) with no message file"
                    f" (first: part/{orphans[0]}): not read",
                    "notice",
                )
            )
        for session_id in sorted(set(tree.sessions) | set(tree.messages)):
            unit = _unit(root, session_id, tree, problems, to_batch)
            if unit is not None:
                found.append(unit)
    return found


def _unit(
    root: str, session_id: str, tree: _Tree, problems: list[Problem], to_batch: Callable[[RawSession], Batch]
) -> Unit | None:
    session_file = tree.sessions.get(session_id)
    messages = tree.messages.get(session_id, {})
    files = [session_file] if session_file else []
    for message_id, path in sorted(messages.items()):
        files.append(path)
        files.extend(sorted(tree.parts.get(message_id, [])))
    size, stamp = _stamp(files, problems)
    if size is None:
        return None
    # A session whose session file is missing is still read, under its message folder.
    unit_path = session_file or os.path.join(root, MESSAGE, session_id)

    def read() -> Batch:
        return to_batch(_raw_session(unit_path, session_id, session_file, messages, tree.parts))

    return Unit(unit_path, size, stamp, read)


def _stamp(files: list[str], problems: list[Problem]) -> tuple[int | None, int]:
    """(total size, a number made from every file's name, size and mtime): a unit's stamp."""
    digest = hashlib.blake2b(digest_size=8)
    total = 0
    for path in files:
        try:
            info = os.stat(path)
        except OSError as exc:
            if path is files[0]:
                problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
                return None, 0
            continue  # gone since it was found (OpenCode deletes parts): the read tells
        total += info.st_size
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return total, int.from_bytes(digest.digest(), "big") & _STAMP_MASK


def _raw_session(
    unit_path: str,
    session_id: str,
    session_file: str | None,
    messages: dict[str, str],
    parts: dict[str, list[str]],
) -> RawSession:
    problems: list[Problem] = []
    info: dict[str, Any] | None = _load(session_file, problems) if session_file else None
    if info is None:
        if session_file is None:
            problems.append(
                Problem(unit_path, None, "session-file-missing", "messages of a session with no session file", "notice")
            )
        info = {"id": session_id}
    info.setdefault("id", session_id)
    raw = RawSession(unit_path, info, problems=problems)
    for message_id, path in sorted(messages.items()):
        message = _load(path, problems)
        if message is None:
            continue
        message.setdefault("id", message_id)
        loaded = [part for part in (_load(p, problems) for p in sorted(parts.get(message_id, []))) if part is not None]
        inline = message.get("parts")
        if not loaded and isinstance(inline, list):
            # The first message format kept its parts inside the message ({role, parts, metadata}).
            loaded = [part for part in inline if isinstance(part, dict)]
        raw.messages.append((message, loaded))
    return raw


def _load(path: str, problems: list[Problem]) -> dict[str, Any] | None:
    """One storage file's object, or None (a problem says why)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return None
    return load_object(path, data, problems)


def load_object(path: str, data: bytes | str, problems: list[Problem]) -> dict[str, Any] | None:
    """A JSON object from a file or a database row: invalid UTF-8 replaced, too deep cut, anything
    else not an object reported."""
    try:
        value = json_codec.loads(data)
    except json_codec.JSONDecodeError as exc:
        value = None
        reason = str(exc)
        if isinstance(data, bytes):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    value = json_codec.loads(data.decode("utf-8", errors="replace"))
                    problems.append(Problem(path, None, "invalid-utf8", "invalid UTF-8; replaced with U+FFFD and kept"))
                except json_codec.JSONDecodeError:
                    pass
        if value is None:
            code = "truncated-json" if reason.startswith("unexpected end of data") else "invalid-json"
            problems.append(Problem(path, None, code, f"not read: invalid JSON ({reason[:120]})"))
            return None
    if not isinstance(value, dict):
        problems.append(Problem(path, None, "not-an-object", f"a JSON {type(value).__name__}, not an object: not read"))
        return None
    text = data if isinstance(data, bytes) else data.encode("utf-8", errors="replace")
    if text.count(b"[") + text.count(b"{") > json_depth.MAX_DEPTH:
        cut = json_depth.clip(value)
        if cut is not None:
            problems.append(
                Problem(
                    path,
                    None,
                    "nested-too-deep",
                    f"{json_depth.describe(cut)} nests deeper than {json_depth.MAX_DEPTH} levels; the deeper part is not read",
                )
            )
    return value
