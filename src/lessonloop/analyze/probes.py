"""Probes: calls that only look (a search, a listing, a test for a path), whose empty or "not found"
answer is information, not a misuse (issue 80, item 6). `rg --files -g '*x*'` that finds nothing
tells the agent where the thing is not; stopping it as a mistake sends the agent the wrong way.

A call is a probe when its kind is a search, or when it is a shell command every part of which
looks and changes nothing: a search or listing program (rg, grep, find without an action, ls, fd,
Get-ChildItem, Test-Path, ...), or a filter of what one printed (head, sort, wc, ...). Pure and
light: the hooks read it (through lesson_model/decision.py).
"""

from __future__ import annotations

from lessonloop.analyze.commands import program_name

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Sequence

# Programs that search or list and change nothing.
LOOKING = frozenset(
    {
        "rg",
        "grep",
        "egrep",
        "fgrep",
        "ag",
        "ack",
        "fd",
        "fdfind",
        "find",
        "locate",
        "ls",
        "dir",
        "tree",
        "which",
        "where",
        "whereis",
        "type",
        "test",
        "[",
        "stat",
        "file",
        "get-childitem",
        "gci",
        "select-string",
        "sls",
        "test-path",
        "resolve-path",
        "get-item",
        "get-command",
        "gcm",
    }
)
# Filters of what a looking program printed (in a pipe after it).
# Filters of what a looking program printed (in a pipe after it), and the steps that only move
# about or print a separator (`cd src && rg ...`, `echo ---; ls`).
FILTERS = frozenset(
    {
        "head",
        "tail",
        "sort",
        "uniq",
        "wc",
        "cut",
        "tr",
        "column",
        "select-object",
        "select",
        "measure-object",
        "sort-object",
        "format-table",
        "out-string",
        "cd",
        "pushd",
        "popd",
        "set-location",
        "echo",
    }
)
# `find`'s actions that change or run things: a find with one is no probe.
_FIND_ACTIONS = frozenset({"-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprintf", "-fls"})
# git subcommands that only look.
_GIT_LOOKING = frozenset({"ls-files", "grep", "ls-tree"})


def is_probe(kind: str, segments: Sequence[Sequence[str]]) -> bool:
    """Whether a call of neutral `kind` with these command segments only looks for something (a
    search tool, or a shell command made of searches, listings and filters): its empty answer is
    an answer."""
    if kind == "search":
        return True
    if kind != "shell" or not segments:
        return False
    looked = False
    for words in segments:
        if not words:
            continue
        program = program_name(words[0])
        if program in LOOKING:
            if program == "find" and any(word in _FIND_ACTIONS for word in words[1:]):
                return False
            looked = True
        elif program == "git" and len(words) > 1 and words[1] in _GIT_LOOKING:
            looked = True
        elif program not in FILTERS:
            return False
    return looked
