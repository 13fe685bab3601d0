"""The files a PowerShell (or cmd) command reads, changes and searches, for `analyze.file_ops`:
Codex and the other agents on Windows read files with `Get-Content` (`gc`, `type`, `cat`), write
them with `Set-Content`, `Add-Content` and `Out-File`, and search with `Select-String`, `findstr`
and `Get-ChildItem`, so blind edits, stale edits and search loops there are judged by these.

Cmdlet and parameter names are matched in any letter case, as PowerShell does. What is read:

- `Get-Content PATH`, `-Path PATH`, `-LiteralPath PATH`, the first lines with `-TotalCount N`
  (`-Head N`, `-First N`), the whole file otherwise (`-Tail N` and a pipe into `Select-Object` read
  parts whose lines are not followed here);
- a path held in a variable the same command line set to a literal (`$path = 'docs/x.md'; $lines =
  Get-Content $path`), and what a command assigns (`$lines = Get-Content x`);
- the script given to `powershell -Command "..."` (or `pwsh -c`), read as a command line itself.
"""

from __future__ import annotations

import re

from lessonloop.analyze.commands import POWERSHELL_COUNT_PARAMETERS, POWERSHELL_VALUE_PARAMETERS

_READERS = frozenset({"get-content", "gc", "type"})
_PATH_PARAMETERS = frozenset({"-path", "-literalpath", "-pspath", "-lp", "-filepath"})
WRITERS = frozenset({"set-content", "add-content", "ac", "out-file"})
_REMOVERS = frozenset({"remove-item", "ri", "del", "erase"})
_MOVERS = frozenset({"move-item", "mi", "move"})
_COPIERS = frozenset({"copy-item", "cpi", "copy"})
_CREATORS = frozenset({"new-item", "ni"})
LISTERS = frozenset({"get-childitem", "gci", "dir"})
FILTERS = frozenset({"select-string", "sls", "findstr"})  # grep's kind: a search, or a pipe's filter
_SHELLS = frozenset({"powershell", "powershell.exe", "pwsh", "pwsh.exe"})
_NAMES = _READERS | WRITERS | _REMOVERS | _MOVERS | _COPIERS | _CREATORS | LISTERS | FILTERS | {"powershell", "pwsh"}
# whether a command line may name any of these (a cheap test before parsing it)
WORDS = re.compile(r"(?i)(?:^|[\s;&|(=])(?:" + "|".join(sorted(map(re.escape, _NAMES))) + r")(?:\.exe)?(?=\s|$|\))")
_ASSIGNED = re.compile(r"\$[A-Za-z_][\w]*")


def variables(words: list[str]) -> dict[str, str]:
    """`$name = 'literal'` (or `$name='literal'`): the variable a command sets to one word."""
    words = _spaced(words)
    if len(words) == 3 and words[1] == "=" and _ASSIGNED.fullmatch(words[0]) and not words[2].startswith(("$", "(")):
        return {words[0].lower(): words[2]}
    return {}


def command_words(words: list[str]) -> list[str]:
    """The command without an assignment of its result (`$lines = Get-Content x`, `$c=gc x`) and
    without the parenthesis that opens an expression (`(Get-Content x)[1..5]`)."""
    words = _spaced(words)
    if len(words) > 2 and words[1] == "=" and _ASSIGNED.fullmatch(words[0]):
        words = words[2:]
    if words and words[0].startswith("(") and len(words[0]) > 1:
        words = [words[0][1:], *words[1:]]
    return words


def _spaced(words: list[str]) -> list[str]:
    """`$c=Get-Content` read as `$c = Get-Content`."""
    if words and words[0].startswith("$") and "=" in words[0]:
        name, _, value = words[0].partition("=")
        if _ASSIGNED.fullmatch(name) and value:
            return [name, "=", value, *words[1:]]
    return words


def reads(words: list[str], known: dict[str, str]) -> list[tuple[str, int | None, int | None]]:
    """(path, first line, last line) of each file a Get-Content, gc or type reads."""
    if not words or words[0].lower() not in _READERS:
        return []
    if words[0].lower() == "type" and not any("." in word or "\\" in word or "/" in word for word in words[1:]):
        return []  # bash's `type python3` tells what a command is
    count: int | None = None
    paths, _ = _operands(words, known, counted=True)
    for index, word in enumerate(words[1:-1], 1):
        if word.lower() in POWERSHELL_COUNT_PARAMETERS and words[index + 1].isdigit():
            count = int(words[index + 1])
    return [(path, 1, count) if count else (path, None, None) for path in paths]


def changes(words: list[str], known: dict[str, str]) -> list[tuple[str, bool]]:
    """(path, removed) of each file a PowerShell or cmd command writes, creates, moves or removes."""
    if not words:
        return []
    head = words[0].lower()
    if head in WRITERS:
        paths, _ = _operands(words, known)
        return [(paths[0], False)] if paths else []  # Set-Content PATH VALUE: the value is not a path
    if head in _REMOVERS:
        return [(path, True) for path in _operands(words, known)[0]]
    if head in _MOVERS or head in _COPIERS:
        paths, destination = _operands(words, known)
        if destination is not None:
            paths = [*paths, destination]
        if len(paths) < 2:
            return []
        moved = [(path, True) for path in paths[:-1]] if head in _MOVERS else []
        return [*moved, (paths[-1], False)]
    if head in _CREATORS:
        lowered = [word.lower() for word in words]
        kind = lowered[lowered.index("-itemtype") + 1] if "-itemtype" in lowered[:-1] else "file"
        return [(path, False) for path in _operands(words, known)[0]] if kind == "file" else []
    return []


def inner_script(words: list[str]) -> str | None:
    """The script `powershell -Command "..."` (or `pwsh -c`) runs, when it is given as one word."""
    if not words or words[0].lower().rsplit("\\", 1)[-1] not in _SHELLS:
        return None
    for index, word in enumerate(words[1:-1], 1):
        if word.lower() in ("-command", "-c"):
            return words[index + 1]
    return None


def _operands(words: list[str], known: dict[str, str], counted: bool = False) -> tuple[list[str], str | None]:
    """The paths a cmdlet names (positional or after a path parameter, variables replaced) and
    its -Destination."""
    paths: list[str] = []
    destination: str | None = None
    rest = iter(words[1:])
    for word in rest:
        lowered = word.lower()
        if lowered in _PATH_PARAMETERS:
            paths.append(next(rest, ""))
        elif lowered == "-destination":
            destination = next(rest, None)
        elif lowered in POWERSHELL_VALUE_PARAMETERS or (counted and lowered in POWERSHELL_COUNT_PARAMETERS):
            # a value that is not a path (skipped)
            next(rest, None)
        elif word.startswith("-") or word in ("|", "=") or lowered.startswith("[") or word == ")":
            continue
        else:
            paths.append(word)
            if word.endswith(")") or ")[" in word:
                break  # `(Get-Content x) -replace 'a','b'`: the expression closed
    out = []
    for path in paths:
        path = path.rstrip(")").split(")[", 1)[0].rstrip(",")  # `(Get-Content x)[1..5]`
        path = known.get(path.lower(), path)
        if path and not path.startswith(("$", "@", "{")):
            out.append(path)
    if destination is not None:
        destination = known.get(destination.lower(), destination)
    return out, destination
