"""apply_patch: the files a patch names and the change it makes, as unified-diff hunks.

Codex's patch language (codex-rs/apply-patch): `*** Begin Patch`, then per file `*** Add File: P`
(lines `+...`), `*** Delete File: P`, or `*** Update File: P` (optional `*** Move to: Q`, then
hunks opened by `@@ [context]` with ` `, `-`, `+` lines, optional `*** End of File`), `*** End Patch`.
The model sends it as a custom tool's input, or through the shell (`apply_patch <<'EOF' ... EOF`,
argv `["apply_patch", patch]`). `patch_apply_end` events report the applied change per file
(`{"type": "update", "unified_diff": ...}` or `{"update": {...}}` in older versions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BEGIN = "*** Begin Patch"
_END = "*** End Patch"
_ADD = "*** Add File: "
_DELETE = "*** Delete File: "
_UPDATE = "*** Update File: "
_MOVE = "*** Move to: "


@dataclass(slots=True)
class FilePatch:
    """One file's part of a patch."""

    path: str
    op: str  # add | delete | update
    move_to: str | None = None
    hunks: list[list[str]] = field(default_factory=list)  # body lines of each hunk


def patch_text(value: Any) -> str | None:
    """The patch inside a tool input or a shell command (heredoc or argv), else None."""
    if isinstance(value, list):
        value = "\n".join(part for part in value if isinstance(part, str))
    if not isinstance(value, str):
        return None
    start = value.find(BEGIN)
    if start < 0:
        return None
    end = value.find(_END, start)
    return value[start : end + len(_END)] if end >= 0 else value[start:]


def is_shell_patch(command: str | None) -> bool:
    """Whether a shell command line runs apply_patch (`apply_patch <<'EOF'`, `applypatch ...`)."""
    if not command:
        return False
    head = command.lstrip().split(None, 1)[0] if command.strip() else ""
    return head in ("apply_patch", "applypatch") and BEGIN in command


def parse_patch(text: str) -> list[FilePatch]:
    """The files of a patch, in order (lines it cannot place are ignored)."""
    files: list[FilePatch] = []
    current: FilePatch | None = None
    hunk: list[str] | None = None
    for line in text.splitlines():
        if line.startswith(_ADD):
            current, hunk = FilePatch(line[len(_ADD) :].strip(), "add"), []
            current.hunks.append(hunk)
            files.append(current)
        elif line.startswith(_DELETE):
            current, hunk = FilePatch(line[len(_DELETE) :].strip(), "delete"), None
            files.append(current)
        elif line.startswith(_UPDATE):
            current, hunk = FilePatch(line[len(_UPDATE) :].strip(), "update"), None
            files.append(current)
        elif current is None or line.startswith(("*** Begin Patch", "*** End Patch", "*** End of File")):
            continue
        elif line.startswith(_MOVE):
            current.move_to = line[len(_MOVE) :].strip()
        elif current.op == "add":
            if hunk is not None and line.startswith("+"):
                hunk.append(line)
        elif current.op == "update":
            if line.startswith("@@"):
                hunk = []
                current.hunks.append(hunk)
            elif line[:1] in (" ", "-", "+") or line == "":
                if hunk is None:
                    hunk = []
                    current.hunks.append(hunk)
                hunk.append(line if line else " ")
    return files


def paths_of(files: list[FilePatch]) -> list[str]:
    """Every file a patch touches (a move's destination too), without duplicates."""
    out: list[str] = []
    for item in files:
        for path in (item.path, item.move_to):
            if path and path not in out:
                out.append(path)
    return out


def writes_only(files: list[FilePatch]) -> bool:
    """A patch that only adds files writes them whole (kind "write"), else it edits."""
    return bool(files) and all(item.op == "add" for item in files)


def diff_of_patch(files: list[FilePatch]) -> tuple[str, int, int] | None:
    """(unified diff, lines added, lines removed) rebuilt from the patch itself. Hunk line numbers
    are not in the patch: an update's hunks start at line 1 (their counts are exact)."""
    parts: list[tuple[str, str | None, list[str]]] = []
    for item in files:
        out: list[str] = []
        for body in item.hunks:
            if item.op == "add":
                out.append(f"@@ -0,0 +1,{len(body)} @@")
            else:
                old = sum(1 for line in body if line[:1] in (" ", "-"))
                new = sum(1 for line in body if line[:1] in (" ", "+"))
                out.append(f"@@ -1,{old} +1,{new} @@")
            out.extend(body)
        if item.op == "delete" and not out:
            out.append("@@ -1,0 +0,0 @@")
        parts.append((item.path, item.move_to, out))
    return _join(parts)


def diff_of_changes(changes: Any) -> tuple[str, int, int] | None:
    """(unified diff, lines added, lines removed) of a patch_apply_end's `changes`."""
    if not isinstance(changes, dict) or not changes:
        return None
    parts: list[tuple[str, str | None, list[str]]] = []
    for path, change in changes.items():
        if not isinstance(change, dict):
            continue
        kind = change.get("type")
        body = change
        if not isinstance(kind, str) and len(change) == 1:  # {"update": {...}}: externally tagged
            kind, inner = next(iter(change.items()))
            body = inner if isinstance(inner, dict) else {}
        move = body.get("move_path")
        if kind == "add":
            lines = _lines(body.get("content"))
            parts.append((str(path), None, [f"@@ -0,0 +1,{len(lines)} @@", *("+" + line for line in lines)]))
        elif kind == "delete":
            lines = _lines(body.get("content"))
            parts.append((str(path), None, [f"@@ -1,{len(lines)} +0,0 @@", *("-" + line for line in lines)]))
        elif kind == "update":
            diff = body.get("unified_diff")
            lines = [
                line
                for line in (diff.splitlines() if isinstance(diff, str) else [])
                if not line.startswith(("--- ", "+++ ", "diff --git"))
            ]
            parts.append((str(path), move if isinstance(move, str) else None, lines))
    return _join(parts) if parts else None


def _lines(value: Any) -> list[str]:
    return value.splitlines() if isinstance(value, str) and value else []


def _join(parts: list[tuple[str, str | None, list[str]]]) -> tuple[str, int, int] | None:
    if not parts:
        return None
    out: list[str] = []
    added = removed = 0
    for path, move_to, body in parts:
        if len(parts) > 1 or move_to:
            out.append(f"--- a/{path}")
            out.append(f"+++ b/{move_to or path}")
        out.extend(body)
        added += sum(1 for line in body if line.startswith("+"))
        removed += sum(1 for line in body if line.startswith("-"))
    return "\n".join(out), added, removed
