"""Claude Code settings files: lessonloop's hooks merged in, taken out again, and their status.

Installing never touches another tool's hooks or any other key, and keeps their order. Before the
first write that changes a file, its original bytes are kept in a sidecar
(`<file>.lessonloop-backup`, or a marker when the file did not exist), so uninstalling gives the
original back byte for byte when nothing else changed it meanwhile. Files are written atomically
(a temporary file in the same folder, then os.replace) with their permission bits kept.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import difflib
import json
import os
import re
import secrets
import shlex
import subprocess
from dataclasses import dataclass, field
from typing import Any

from lessonloop.apply.hooks.command import EVENTS, MARKER, TIMEOUTS, check_command, hook_command, is_lessonloop_command

SCOPES = ("project", "local", "user")
TOOL_EVENTS = frozenset({"PreToolUse", "PostToolUse", "PostToolUseFailure"})  # matcher "*"; others none
BACKUP_SUFFIX = ".lessonloop-backup"
# The sidecar of a file that did not exist: not JSON, so never mistaken for an original's bytes.
ABSENT_MARKER = b"# lessonloop: this settings file did not exist before `lessonloop hooks install`.\n"
DIR_MARKER = b"# lessonloop: its folder was created too.\n"

Json = dict[str, Any]


class SettingsError(Exception):
    """A settings file that cannot be read, parsed or written; the message names the file."""


def project_root(cwd: str | None = None) -> str:
    """The git top-level of `cwd` (default: the current folder), else `cwd` itself."""
    folder = os.path.abspath(cwd or os.getcwd())
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return folder
    top = proc.stdout.strip()
    return top if proc.returncode == 0 and top else folder


def settings_path(scope: str, project_dir: str | None = None) -> str:
    """project: <DIR>/.claude/settings.json; local: <DIR>/.claude/settings.local.json; user:
    $HOME/.claude/settings.json. DIR is `project_dir`, else the git top-level of the current folder."""
    if scope == "user":
        home = os.environ.get("HOME") or os.path.expanduser("~")
        return os.path.join(home, ".claude", "settings.json")
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    root = os.path.abspath(os.path.expanduser(project_dir)) if project_dir else project_root()
    return os.path.join(root, ".claude", "settings.local.json" if scope == "local" else "settings.json")


def read_bytes(path: str) -> bytes | None:
    """The file's bytes, None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror or exc}") from exc


def parse(raw: bytes | None, path: str) -> Json:
    """A settings file's content; empty or missing is {}. Raises SettingsError naming the file
    (and the line and column of invalid JSON)."""
    if raw is None:
        return {}
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path} is not UTF-8 text (byte {exc.start}); nothing was changed") from exc
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SettingsError(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}; nothing was changed"
        ) from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path} does not hold a JSON object; nothing was changed")
    hooks = data.get("hooks")
    if hooks is not None and not isinstance(hooks, dict):
        raise SettingsError(f'{path}: "hooks" is not a JSON object; nothing was changed')
    for event, groups in (hooks or {}).items():
        if not isinstance(groups, list):
            raise SettingsError(f'{path}: "hooks.{event}" is not a list; nothing was changed')
    return data


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


def _ours(hook: object) -> bool:
    return isinstance(hook, dict) and is_lessonloop_command(hook.get("command"))


def _group(event: str, options: tuple[str, ...]) -> Json:
    matcher = EVENTS[event] or ("*" if event in TOOL_EVENTS else None)
    group: Json = {} if matcher is None else {"matcher": matcher}
    group["hooks"] = [{"type": "command", "command": hook_command(event, options), "timeout": TIMEOUTS[event]}]
    return group


def merge(data: Json, options: dict[str, tuple[str, ...]]) -> Json:
    """`data` with lessonloop's matcher group for every event in EVENTS: an existing one is replaced
    where it is, else the group is appended. Everything else is kept, in its order."""
    out = copy.deepcopy(data)
    hooks = out.setdefault("hooks", {})
    for event in EVENTS:
        wanted = _group(event, options.get(event, ()))
        kept: list[Any] = []
        placed = False
        for group in hooks.get(event, []):
            entries = group.get("hooks") if isinstance(group, dict) else None
            if isinstance(entries, list) and any(_ours(h) for h in entries):
                others = [h for h in entries if not _ours(h)]
                if not others:  # a lessonloop group: the first one is replaced, duplicates dropped
                    if not placed:
                        kept.append(wanted)
                        placed = True
                    continue
                group = {**group, "hooks": others}  # a mixed group: only lessonloop's entry goes
            kept.append(group)
        if not placed:
            kept.append(wanted)
        hooks[event] = kept
    return out


def unmerge(data: Json, original: Json | None) -> Json:
    """`data` without lessonloop's hooks. An event list (and the "hooks" object) emptied by that
    is removed when `original` (the file before install; None: unknown) did not have it."""
    out = copy.deepcopy(data)
    hooks = out.get("hooks")
    if not isinstance(hooks, dict):
        return out
    before = original.get("hooks") if original is not None else None
    had = before if isinstance(before, dict) else {}
    removed_event = False
    for event in list(hooks):
        kept: list[Any] = []
        touched = False
        for group in hooks[event]:
            entries = group.get("hooks") if isinstance(group, dict) else None
            if isinstance(entries, list) and any(_ours(h) for h in entries):
                touched = True
                others = [h for h in entries if not _ours(h)]
                if not others:
                    continue
                group = {**group, "hooks": others}
            kept.append(group)
        if not touched:
            continue
        if kept or event in had:
            hooks[event] = kept
        else:
            del hooks[event]
            removed_event = True
    if removed_event and not hooks and (original is None or "hooks" not in original):
        del out["hooks"]
    return out


def installed(data: Json) -> list[Json]:
    """lessonloop's hooks in `data`: event, matcher, options, timeout, the interpreter and whether
    it exists and is executable."""
    out: list[Json] = []
    hooks = data.get("hooks")
    for event, groups in (hooks if isinstance(hooks, dict) else {}).items():
        for group in groups if isinstance(groups, list) else []:
            entries = group.get("hooks") if isinstance(group, dict) else None
            for hook in entries if isinstance(entries, list) else []:
                if not _ours(hook):
                    continue
                command = str(hook["command"])
                try:
                    words = shlex.split(command)
                except ValueError:
                    words = command.split()
                # the words after the module (`-m MARKER`) or the code (`-c "...MARKER..."`): EVENT, options
                at = next((i for i, word in enumerate(words) if MARKER in word), None)
                after = words[at + 1 :] if at is not None else []
                python = words[0] if words else ""
                out.append(
                    {
                        "event": event,
                        "matcher": group.get("matcher"),
                        "options": after[1:],
                        "timeout": hook.get("timeout"),
                        "python": python,
                        "python_ok": os.path.isfile(python) and os.access(python, os.X_OK),
                    }
                )
    return out


def other_hooks(data: Json) -> int:
    """How many hook entries in `data` are not lessonloop's."""
    hooks = data.get("hooks")
    count = 0
    for groups in (hooks if isinstance(hooks, dict) else {}).values():
        for group in groups if isinstance(groups, list) else []:
            entries = group.get("hooks") if isinstance(group, dict) else None
            count += sum(1 for h in entries if not _ours(h)) if isinstance(entries, list) else 0
    return count


@dataclass
class Change:
    """What installing or uninstalling does to one settings file (apply() does it)."""

    path: str
    scope: str
    before: bytes | None  # the file now (None: absent)
    after: bytes | None  # the file afterwards (None: absent)
    events: list[str]  # lessonloop's events in the file afterwards
    write_backup: bytes | None = None  # the sidecar to create
    remove_backup: bool = False
    remove_dir: bool = False  # the .claude folder, when lessonloop created it and it is empty
    backup_after: bool = False  # whether the sidecar exists afterwards
    restored: bool = False  # uninstall gives the original bytes back (or deletes a file install created)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def backup_path(self) -> str:
        return self.path + BACKUP_SUFFIX

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
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _events(raw: bytes | None, path: str) -> list[str]:
    found = {h["event"] for h in installed(parse(raw, path))}
    return [e for e in EVENTS if e in found] + sorted(found - set(EVENTS))


def plan_install(path: str, scope: str, options: dict[str, tuple[str, ...]]) -> Change:
    """Installing lessonloop's hooks in the file at `path` (nothing is written)."""
    before = read_bytes(path)
    data = parse(before, path)
    merged = merge(data, options)
    after = before if merged == data else dump(merged, before)
    change = Change(path, scope, before, after, _events(after, path))
    has_backup = os.path.lexists(change.backup_path)
    if change.changed and not has_backup:
        if before is None:
            folder_missing = not os.path.isdir(os.path.dirname(path))
            change.write_backup = ABSENT_MARKER + (DIR_MARKER if folder_missing else b"")
        else:
            change.write_backup = before
    change.backup_after = has_backup or change.write_backup is not None
    return change


def plan_uninstall(path: str, scope: str) -> Change:
    """Removing lessonloop's hooks from the file at `path`, restoring its original bytes when
    nothing else changed it since install (nothing is written)."""
    before = read_bytes(path)
    data = parse(before, path)
    backup_path = path + BACKUP_SUFFIX
    backup = read_bytes(backup_path)
    original: Json | None = None
    notes: list[str] = []
    if backup is not None:
        try:
            original = {} if backup.startswith(ABSENT_MARKER) else parse(backup, backup_path)
        except SettingsError as exc:
            notes.append(f"the backup is unusable and was left in place: {exc}")
            backup = None
    cleaned = unmerge(data, original)
    change = Change(path, scope, before, before, [], notes=notes)
    if backup is None or original is None:
        change.after = before if cleaned == data else dump(cleaned, before)
        change.backup_after = os.path.lexists(backup_path)
    elif before is None and not backup.startswith(ABSENT_MARKER):
        notes.append(f"{path} is gone; its backup from before install is kept at {backup_path}")
        change.backup_after = True
    elif cleaned == original:
        existed = not backup.startswith(ABSENT_MARKER)
        change.after = backup if existed else None
        change.restored = True
        change.remove_backup = True
        change.remove_dir = not existed and DIR_MARKER in backup
    else:
        change.after = before if cleaned == data else dump(cleaned, before)
        change.remove_backup = True
        notes.append(
            f"{path} changed since lessonloop's hooks were installed: lessonloop's entries were "
            "removed and the other changes kept (the file is written again, so its formatting may differ)"
        )
    change.events = _events(change.after, path)
    return change


def _write(path: str, data: bytes, mode: int | None) -> None:
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
    """Do `change`: the sidecar first, then the settings file, then the clean-up."""
    real = os.path.realpath(change.path)  # a symlinked settings file stays a symlink
    try:
        mode = os.stat(real).st_mode & 0o7777 if change.before is not None else None
        if change.write_backup is not None:
            _write(change.backup_path, change.write_backup, mode)
        if change.changed:
            if change.after is None:
                os.remove(change.path)
            else:
                _write(real, change.after, mode)
        if change.remove_backup:
            os.remove(change.backup_path)
    except OSError as exc:
        raise SettingsError(f"cannot write {exc.filename or change.path}: {exc.strerror or exc}") from exc
    if change.remove_dir:
        with contextlib.suppress(OSError):  # not empty: something else lives there now
            os.rmdir(os.path.dirname(change.path))


def scope_status(scope: str, path: str) -> Json:
    """One settings file: whether it exists, lessonloop's hooks in it, other tools' hook count."""
    out: Json = {
        "scope": scope,
        "file": path,
        "exists": os.path.exists(path),
        "error": None,
        "events": [],
        "other_hooks": 0,
        "backup": path + BACKUP_SUFFIX if os.path.lexists(path + BACKUP_SUFFIX) else None,
    }
    try:
        data = parse(read_bytes(path), path)
    except SettingsError as exc:
        out["error"] = str(exc)
        return out
    out["events"] = installed(data)
    out["other_hooks"] = other_hooks(data)
    return out


def check_entry(timeout: float = 10.0, db: str | None = None) -> Json:
    """Run the entry point's --check as Claude Code would run a hook: {"ok", "db", "lessons",
    "problem", "command"}; a failure to run or to answer is reported, never raised. `db`: the
    store to check (as $LESSONLOOP_DB), else the one the environment gives the hooks."""
    argv = check_command()
    env = None if db is None else {**os.environ, "LESSONLOOP_DB": db}
    result: Json = {"ok": False, "db": None, "lessons": None, "problem": None, "command": shlex.join(argv)}
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        result["problem"] = f"no answer within {timeout:g} s"
        return result
    except OSError as exc:
        result["problem"] = f"cannot run {argv[0]}: {exc.strerror or exc}"
        return result
    try:
        answer = json.loads(proc.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        said = (proc.stderr.strip().splitlines() or proc.stdout.strip().splitlines() or ["no output"])[-1]
        result["problem"] = f"exit status {proc.returncode}, no JSON answer: {said}"
        return result
    result.update({key: answer.get(key) for key in ("db", "lessons", "problem")})
    result["ok"] = answer.get("ok") is True
    if not result["ok"] and not result["problem"]:
        result["problem"] = "the entry point reported a failure without a reason"
    return result
