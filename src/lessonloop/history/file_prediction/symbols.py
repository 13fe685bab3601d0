"""The names a change defines or works inside: what a commit message names when it names code
rather than a file ("fix parse_args when ...", "Cz.bump: ...").

From each hunk of a commit's diff (git_hunks: its header, the enclosing function git found, then
its lines): the names after the definition words of the common languages (def, class, function,
func, fn, struct, interface, enum, trait, type, impl, module) in the header and in the added or
removed lines; from the first code_words.MAX_CHARS characters of a file's hunks in a commit. Pure:
text in, names out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lessonloop.history.file_prediction.code_words import read_hunks  # the same share of a long diff read

_DEFINITION = re.compile(
    r"(?m)(?:^|[ \t(])(?:async[ \t]+)?(?:def|class|function|func|fn|struct|interface|enum|trait|type|impl|module)"
    r"[ \t]+(?:\([^)\n]*\)[ \t]*)?([A-Za-z_$][\w$]*)"
)
_CHANGED = re.compile(r"(?m)^[+-](.*)$")  # an added or removed line, without its mark
MAX_NAMES = 64  # per file of a commit: a generated file or a vendored tree defines thousands


def defined_names(hunks: Iterable[str]) -> tuple[str, ...]:
    """The names defined, or worked inside, by these hunks (each its header line, then its
    lines), in first-seen order."""
    found: dict[str, None] = {}
    for hunk in read_hunks(hunks):
        header, _, body = hunk.partition("\n")
        lines = header + "\n" + "\n".join(_CHANGED.findall(body))
        for match in _DEFINITION.finditer(lines):
            found.setdefault(match.group(1), None)
            if len(found) >= MAX_NAMES:
                return tuple(found)
    return tuple(found)
