"""A stored diff split by file: one part per file a patch changed (a Codex apply_patch can change
several in one call).

Two spellings are read: unified diffs with a `--- a/x` / `+++ b/x` header pair per file (and
optional `diff --git` lines), and the apply_patch envelope (`*** Update File: x`, `*** Add File:
x`, `*** Delete File: x`, `*** Move to: y`) when an adapter stored the raw patch. A diff without
file headers (Claude Code's, Gemini's: one file per call) is one part with no path.
"""

from __future__ import annotations

from dataclasses import dataclass

from lessonloop.analyze.hunks import hunks

_PATCH_ACTIONS = {"*** Update File: ": "update", "*** Add File: ": "add", "*** Delete File: ": "delete"}
_NO_FILE = "/dev/null"


@dataclass(frozen=True, slots=True)
class FileDiff:
    """One file's part of a diff: its path (None when the diff names none), whether the part
    creates or deletes the file, and its hunks ("@@ ..." lines and bodies)."""

    path: str | None
    diff: str
    created: bool = False
    deleted: bool = False


def _header_path(value: str) -> str | None:
    """The path of a `---` / `+++` header: timestamps after a tab dropped, `a/` `b/` prefixes too."""
    path = value.split("\t", 1)[0].strip()
    if not path or path == _NO_FILE:
        return None
    if path.startswith(("a/", "b/")):
        path = path[2:]
    return path


def file_diffs(diff: str | None) -> list[FileDiff]:
    """The parts of `diff`, one per file, in the order the diff names them."""
    if not diff:
        return []
    if "\n+++ " not in diff and not diff.startswith("+++ ") and "*** " not in diff:
        return [FileDiff(None, diff, created=diff.startswith("@@ -0,0 "))]
    lines = diff.split("\n")
    if any(line.startswith(tuple(_PATCH_ACTIONS)) for line in lines):
        return _envelope_parts(lines)
    return _unified_parts(lines)


def _unified_parts(lines: list[str]) -> list[FileDiff]:
    parts: list[FileDiff] = []
    old: str | None = None
    old_missing = False
    path: str | None = None
    body: list[str] = []
    started = False
    index = 0
    while index < len(lines):
        line = lines[index]
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.startswith("--- ") and following.startswith("+++ ") and not _inside_hunk(body):
            if started:
                parts.append(_unified_part(old, path, body, old_missing))
            old_value = line[4:]
            old = _header_path(old_value)
            old_missing = old is None
            path = _header_path(following[4:])
            body = []
            started = True
            index += 2
            continue
        if started and line.startswith("diff --git "):
            index += 1
            continue
        if started or line.startswith("@@"):
            started = True
            body.append(line)
        index += 1
    if started:
        parts.append(_unified_part(old, path, body, old_missing))
    return parts


def _inside_hunk(body: list[str]) -> bool:
    """Whether the lines so far leave a hunk expecting more lines (a removed line that reads
    `--- x` is then part of the hunk, not a header). Checked by the hunk's counts."""
    remaining = False
    for header, hunk_body in hunks("\n".join(body)):
        old_left, new_left = header[1], header[3]
        for text in hunk_body:
            if text.startswith("-"):
                old_left -= 1
            elif text.startswith("+"):
                new_left -= 1
            elif not text.startswith("\\"):
                old_left -= 1
                new_left -= 1
        remaining = old_left > 0 or new_left > 0
    return remaining


def _unified_part(old: str | None, new: str | None, body: list[str], old_missing: bool) -> FileDiff:
    while body and not body[-1]:
        body = body[:-1]
    text = "\n".join(body)
    deleted = new is None and old is not None
    return FileDiff(new or old, text, created=old_missing or text.startswith("@@ -0,0 "), deleted=deleted)


def _envelope_parts(lines: list[str]) -> list[FileDiff]:
    parts: list[FileDiff] = []
    path: str | None = None
    action = ""
    body: list[str] = []

    def close() -> None:
        if path is not None:
            parts.append(FileDiff(path, "\n".join(body), created=action == "add", deleted=action == "delete"))

    for line in lines:
        found = next((prefix for prefix in _PATCH_ACTIONS if line.startswith(prefix)), None)
        if found is not None:
            close()
            path, action, body = line[len(found) :].strip() or None, _PATCH_ACTIONS[found], []
        elif line.startswith("*** Move to: ") and path is not None:
            path = line[len("*** Move to: ") :].strip() or path
        elif line.startswith(("*** Begin Patch", "*** End Patch", "*** End of File")):
            continue
        elif path is not None:
            body.append(line)
    close()
    return parts
