"""The files `hooks install` writes: read, parsed, written again in their own style, atomically,
with the original bytes kept beside them for `hooks uninstall`.

Before the first write that changes a file, its original bytes are kept in a sidecar
(`<file>.lessonloop-backup`); when the file did not exist, the sidecar holds a marker saying so
(a line starting `# lessonloop:`, never valid JSON) and one more line per folder install created
for it. Files are written atomically (a temporary file in the same folder, then os.replace) with
their permission bits kept; a symlinked file stays a symlink (its target is written).
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import json
import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from typing import Any

BACKUP_SUFFIX = ".lessonloop-backup"
# The sidecar of a file that did not exist: not JSON, so never mistaken for an original's bytes.
ABSENT_MARKER = b"# lessonloop: this settings file did not exist before `lessonloop hooks install`.\n"
DIR_MARKER = b"# lessonloop: its folder was created too.\n"  # once per folder level created

Json = dict[str, Any]


class HookFileError(Exception):
    """A file that cannot be read, parsed or written; the message names the file."""


def read_bytes(path: str) -> bytes | None:
    """The file's bytes, None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise HookFileError(f"cannot read {path}: {exc.strerror or exc}") from exc


def parse_json(raw: bytes | None, path: str) -> Json:
    """A JSON file's object; empty or missing is {}. Raises HookFileError naming the file (and the
    line and column of invalid JSON)."""
    if raw is None:
        return {}
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HookFileError(f"{path} is not UTF-8 text (byte {exc.start}); nothing was changed") from exc
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HookFileError(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; nothing was changed"
        ) from exc
    if not isinstance(data, dict):
        raise HookFileError(f"{path} does not hold a JSON object; nothing was changed")
    return data


def parse_toml(raw: bytes | None, path: str) -> Json:
    """A TOML file's table; missing is {}. Raises HookFileError naming the file."""
    if raw is None:
        return {}
    try:
        return tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise HookFileError(f"{path} is not UTF-8 text (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise HookFileError(f"{path} is not valid TOML: {exc}") from exc


def dump(data: Json, like: bytes | None) -> bytes:
    """`data` serialized the way `like` (the file's current bytes) is: its indentation, line
    endings, trailing newline and byte-order mark; 2 spaces and a final newline for a new file."""
    text = like.decode("utf-8-sig", "replace") if like else ""
    found = re.search(r"^([ \t]+)\S", text, re.MULTILINE)
    indent: int | str = 2
    if found:
        indent = "\t" if "\t" in found.group(1) else len(found.group(1))
    out = json.dumps(data, indent=indent, ensure_ascii=False)
    if not like or like.rstrip(b" \t").endswith(b"\n"):
        out += "\n"
    if "\r\n" in text:
        out = out.replace("\n", "\r\n")
    bom = codecs.BOM_UTF8 if like and like.startswith(codecs.BOM_UTF8) else b""
    return bom + out.encode("utf-8")


@dataclass
class Change:
    """What installing or uninstalling does to one file (apply() does it)."""

    path: str
    scope: str
    before: bytes | None  # the file now (None: absent)
    after: bytes | None  # the file afterwards (None: absent)
    events: list[str]  # lessonloop's events in the file afterwards
    write_backup: bytes | None = None  # the sidecar to create
    remove_backup: bool = False
    remove_dirs: int = 0  # folders install created for the file, removed when empty (innermost first)
    backup_after: bool = False  # whether the sidecar exists afterwards
    restored: bool = False  # uninstall gives the original bytes back (or deletes a file install created)
    notes: list[str] = field(default_factory=list)
    agent: str = "claude"
    # Besides the file (OpenCode's plugin: the files and folders OpenCode needs beside it): other files
    # changed with it (applied first), folders created, folders removed when empty (before the file).
    also: list[Change] = field(default_factory=list)
    make_dirs: list[str] = field(default_factory=list)
    remove_empty_dirs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.before != self.after or bool(self.make_dirs) or any(other.changed for other in self.also)

    @property
    def backup_path(self) -> str:
        return self.path + BACKUP_SUFFIX

    @property
    def remove_dir(self) -> bool:  # the name of Claude Code's settings.py before other agents
        return self.remove_dirs > 0

    def diff(self) -> str:
        """The change as a unified diff of the file."""
        old = (self.before or b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = (self.after or b"").decode("utf-8", "replace").splitlines(keepends=True)
        lines = difflib.unified_diff(
            old,
            new,
            self.path if self.before is not None else "/dev/null",
            self.path if self.after is not None else "/dev/null",
        )
        text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
        text += "".join(other.diff() for other in self.also)
        text += "".join(f"# creates the folder {folder}/\n" for folder in self.make_dirs)
        return text + "".join(f"# removes the folder {folder}/ when empty\n" for folder in self.remove_empty_dirs)


def missing_folders(path: str) -> int:
    """How many folders above `path` do not exist yet (install creates them)."""
    count = 0
    folder = os.path.dirname(os.path.abspath(path))
    while folder and not os.path.isdir(folder):
        count += 1
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return count


def keep_original(change: Change) -> None:
    """Before `change` is written for the first time: the sidecar that keeps the file's original
    bytes (or says it did not exist, and which folders install creates for it)."""
    has_backup = os.path.lexists(change.backup_path)
    if change.changed and not has_backup:
        if change.before is None:
            change.write_backup = ABSENT_MARKER + DIR_MARKER * missing_folders(change.path)
        else:
            change.write_backup = change.before
    change.backup_after = has_backup or change.write_backup is not None


def read_original(path: str, parse: Any) -> tuple[bytes | None, Json | None, list[str]]:
    """The sidecar of `path`: its bytes, the original content it keeps ({} when the file did not
    exist; None when there is no usable sidecar) and notes on what was wrong with it."""
    backup_path = path + BACKUP_SUFFIX
    backup = read_bytes(backup_path)
    if backup is None:
        return None, None, []
    try:
        original: Json = {} if backup.startswith(ABSENT_MARKER) else parse(backup, backup_path)
    except HookFileError as exc:
        return None, None, [f"the backup is unusable and was left in place: {exc}"]
    return backup, original, []


def plan_restore(change: Change, cleaned: Json, data: Json, backup: bytes | None, original: Json | None) -> None:
    """Uninstall's end: `cleaned` (the file's `data` without lessonloop's hooks) is written, or,
    when it equals the `original` the sidecar keeps, the original bytes come back exactly (a file
    install created is deleted, with the folders it created when they are empty)."""
    path, before = change.path, change.before
    if backup is None or original is None:
        change.after = before if cleaned == data else dump(cleaned, before)
        change.backup_after = os.path.lexists(change.backup_path)
    elif before is None and not backup.startswith(ABSENT_MARKER):
        change.notes.append(f"{path} is gone; its backup from before install is kept at {change.backup_path}")
        change.backup_after = True
    elif cleaned == original:
        existed = not backup.startswith(ABSENT_MARKER)
        change.after = backup if existed else None
        change.restored = True
        change.remove_backup = True
        change.remove_dirs = 0 if existed else backup.count(DIR_MARKER)
    else:
        change.after = before if cleaned == data else dump(cleaned, before)
        change.remove_backup = True
        change.notes.append(
            f"{path} changed since lessonloop's hooks were installed: lessonloop's entries were "
            "removed and the other changes kept (the file is written again, so its formatting may differ)"
        )


def write_atomic(path: str, data: bytes, mode: int | None) -> None:
    """Write atomically: a temporary file in the same folder, then os.replace; `mode` kept."""
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def apply(change: Change) -> None:
    """Do `change`: the files changed with it and the folders beside it, the sidecar, then the file,
    then the clean-up."""
    for other in change.also:
        apply(other)
    for folder in change.make_dirs:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise HookFileError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    for folder in change.remove_empty_dirs:
        with contextlib.suppress(OSError):  # not empty: something else lives there now
            os.rmdir(folder)
    real = os.path.realpath(change.path)  # a symlinked file stays a symlink
    try:
        mode = os.stat(real).st_mode & 0o7777 if change.before is not None else None
        if change.write_backup is not None:
            write_atomic(change.backup_path, change.write_backup, mode)
        if change.changed:
            if change.after is None:
                os.remove(change.path)
            else:
                write_atomic(real, change.after, mode)
        if change.remove_backup:
            os.remove(change.backup_path)
    except OSError as exc:
        raise HookFileError(f"cannot write {exc.filename or change.path}: {exc.strerror or exc}") from exc
    folder = os.path.dirname(os.path.abspath(change.path))
    for _ in range(change.remove_dirs):
        try:
            os.rmdir(folder)  # not empty: something else lives there now, and so above
        except OSError:
            break
        folder = os.path.dirname(folder)
