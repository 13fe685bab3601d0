"""The names a change defines or works inside: what a commit message names when it names code
rather than a file ("fix parse_args when ...", "Cz.bump: ...").

From each hunk of a commit's diff (git_hunks: its header, the enclosing function git found, then
its lines): the names after the definition words of the common languages (def, class, function,
func, fn, struct, interface, enum, trait, type, impl, module) in the header and in the added or
removed lines. Pure: text in, names out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_DEFINITION = re.compile(
    r"(?:^|[\s(])(?:async\s+)?(?:def|class|function|func|fn|struct|interface|enum|trait|type|impl|module)"
    r"\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)"
)
MAX_NAMES = 64  # per file of a commit: a generated file or a vendored tree defines thousands


def defined_names(hunks: Iterable[str]) -> tuple[str, ...]:
    """The names defined, or worked inside, by these hunks (each its header line, then its
    lines), in first-seen order."""
    found: dict[str, None] = {}
    for hunk in hunks:
        header, _, body = hunk.partition("\n")
        lines = [header] + [line[1:] for line in body.split("\n") if line[:1] in ("+", "-")]
        for line in lines:
            for match in _DEFINITION.finditer(line):
                found.setdefault(match.group(1), None)
                if len(found) >= MAX_NAMES:
                    return tuple(found)
    return tuple(found)
