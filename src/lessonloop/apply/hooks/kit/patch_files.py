"""The files of a Codex apply_patch body, read the way agents/codex/reader/patches.py reads them, for the
hooks (stdlib only: that module uses dataclasses). `*** Add File: P` (lines `+...`), `*** Delete
File: P`, `*** Update File: P` (optional `*** Move to: Q`, hunks of ` `, `-`, `+` lines).
"""

from __future__ import annotations

BEGIN = "*** Begin Patch"
_HEADS = (("*** Add File: ", "add"), ("*** Delete File: ", "delete"), ("*** Update File: ", "update"))
_MOVE = "*** Move to: "


def patch_files(text: str) -> list[tuple[str, str, list[str]]]:
    """(path, op, body lines) of each file a patch names, in order; a move's destination is its
    own entry (op "update", no lines)."""
    files: list[tuple[str, str, list[str]]] = []
    body: list[str] | None = None
    op = ""
    for line in text.splitlines():
        head = next(((line[len(p) :].strip(), kind) for p, kind in _HEADS if line.startswith(p)), None)
        if head is not None:
            body = []
            op = head[1]
            files.append((head[0], op, body))
        elif body is None or line.startswith("*** "):
            if body is not None and line.startswith(_MOVE):
                files.append((line[len(_MOVE) :].strip(), "update", []))
            continue
        elif line.startswith("@@"):
            continue
        elif (op == "add" and line.startswith("+")) or (op == "update" and line[:1] in (" ", "-", "+")):
            body.append(line)
    return [f for f in files if f[0]]


def as_file_call(text: str) -> tuple[str, dict[str, object]] | None:
    """The patch as the Claude Code file tool of its first file (what capture stores as the call's
    target): Write with the added text when the patch only adds files, else Edit with the first
    file's old and new lines. None when the text names no file."""
    files = patch_files(text)
    if not files:
        return None
    path, _op, body = files[0]
    if all(op == "add" for _p, op, _b in files):
        return "Write", {"file_path": path, "content": "\n".join(line[1:] for line in body)}
    old = "\n".join(line[1:] for line in body if line[:1] in (" ", "-"))
    new = "\n".join(line[1:] for line in body if line[:1] in (" ", "+"))
    return "Edit", {"file_path": path, "old_string": old, "new_string": new}
