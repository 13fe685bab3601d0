"""Aider's SEARCH/REPLACE edit blocks in a reply, and the unified diff each one applies.

A block (aider/coders/editblock_coder.py) is a file name line, an optional fence (``` or one of
aider's other fences: <source>, <code>, <pre>, <codeblock>, <sourcecode>, maybe with a language), then
`<<<<<<< SEARCH`, the old lines, `=======`, the new lines, `>>>>>>> REPLACE` (5 to 9 marker
characters). A block without a file name line continues the previous block's file. An empty
SEARCH part creates a new file (or appends to one). The reply's last block closed by a second
`=======` and never by REPLACE is a block too, its new text up to that line: aider reads it that
far and fails the reply ("Expected `>>>>>>> REPLACE` not `=======`").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lessonloop.capture.line_diff import counted_diff, counted_hunks

HEAD = re.compile(r"^<{5,9} SEARCH\s*$")
DIVIDER = re.compile(r"^={5,9}\s*$")
UPDATED = re.compile(r"^>{5,9} REPLACE\s*$")
# Aider's fences (base_coder.py all_fences; it picks the first one no file in the chat holds):
# a line starting with one, opening or closing, is a fence line, never a file name.
_FENCES = (
    "```",
    "<sourcecode>",
    "</sourcecode>",
    "<codeblock>",
    "</codeblock>",
    "<source>",
    "</source>",
    "<code>",
    "</code>",
    "<pre>",
    "</pre>",
)
_MARKERS = ("<<<<<", "=====", ">>>>>")


@dataclass(frozen=True, slots=True)
class EditBlock:
    """One SEARCH/REPLACE block of a reply."""

    path: str | None
    search: str
    replace: str
    line: int  # index of its `<<<<<<< SEARCH` line in the reply's lines


def find_blocks(lines: list[str]) -> list[EditBlock]:
    """The complete SEARCH/REPLACE blocks in the lines of a reply, in order."""
    blocks: list[EditBlock] = []
    path: str | None = None
    # Only marker lines decide where blocks are: the others are stepped over in one go.
    markers = [index for index, line in enumerate(lines) if line.startswith(_MARKERS)]
    count = len(markers)
    at = 0  # the marker looked at
    while at < count:
        index = markers[at]
        line = lines[index]
        if not (line.startswith("<<<<<") and HEAD.match(line)):
            at += 1
            continue
        named = _file_name(lines, index)
        if named is not None:
            path = named
        divider = updated = second = -1
        after = at + 1
        while after < count:
            cursor = markers[after]
            text = lines[cursor]
            if text.startswith("=====") and DIVIDER.match(text):
                if divider < 0:
                    divider = cursor
                elif second < 0:
                    second = cursor
            elif divider >= 0 and text.startswith(">>>>>") and UPDATED.match(text):
                updated = cursor
                break
            elif text.startswith("<<<<<") and HEAD.match(text):
                break  # a new block before this one ended: this one is malformed
            after += 1
        if updated < 0 and second >= 0 and after >= count:
            # the reply's last block, closed by a second divider and never by REPLACE: aider stops
            # there ("Expected `>>>>>>> REPLACE` not `=======`"); its new text runs to that line
            updated = second + 1
        if divider < 0 or updated < 0:
            at = after  # the next SEARCH marker, or none
            continue
        search = "\n".join(lines[index + 1 : divider])
        replace = "\n".join(lines[divider + 1 : updated])
        blocks.append(EditBlock(path, search, replace, index))
        at = after + 1
    return blocks


def _file_name(lines: list[str], head: int) -> str | None:
    """The file a block names: the nearest line above its SEARCH marker that is not a fence
    (looking back at most 3 lines, as aider does), cleaned of markdown decoration."""
    for back in range(head - 1, max(-1, head - 4), -1):
        text = lines[back].strip()
        if not text:
            continue
        fence = next((f for f in _FENCES if text.startswith(f)), None)
        if fence is not None:
            rest = text[len(fence) :].strip()
            if rest and ("." in rest or "/" in rest) and " " not in rest:
                return rest  # ```path/to/file.py
            continue
        if UPDATED.match(text) or DIVIDER.match(text):
            return None  # the previous block's end: this block continues its file
        name = text.strip("*`#: ").strip()
        return name or None
    return None


def unified_diff(search: str, replace: str) -> tuple[str, int, int]:
    """(diff with @@ hunks, lines added, lines removed) of replacing `search` by `replace`."""
    old = search.splitlines()
    new = replace.splitlines()
    if not old:  # aider's own hunk for an empty SEARCH: the whole REPLACE added
        return counted_hunks([f"@@ -0,0 +1,{len(new)} @@", *("+" + line for line in new)])
    return counted_diff(old, new, 3)
