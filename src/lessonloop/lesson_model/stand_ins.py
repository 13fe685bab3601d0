"""What to use instead of a program a shell does not have (issue 61, item 7: every lesson names a
remedy the agent can act on). A lesson "`sed` is not available here" learned in PowerShell says
what PowerShell does in its place; in a POSIX shell, what every POSIX system has. A program with no
known stand-in gets the general remedy: look up what the machine has, and use that.

Facts about the shells (PowerShell's cmdlets, POSIX tools), not about any corpus. Pure.
"""

from __future__ import annotations

from lessonloop.core.outside_text import as_data
from lessonloop.lesson_model.checks import CHECK_HEAD
from lessonloop.lesson_model.environment import CMD, POWERSHELL

# PowerShell (Windows PowerShell 5.1 and 7): the cmdlets that do what a Unix tool does. (`cat`,
# `ls`, `rm`, `cp`, `mv`, `pwd`, `echo` are aliases PowerShell has: never missing there.)
_POWERSHELL = {
    "head": "`Select-Object -First N` (`Get-Content FILE -TotalCount N` for a file)",
    "tail": "`Select-Object -Last N` (`Get-Content FILE -Tail N` for a file)",
    "sed": "`(Get-Content FILE) -replace 'OLD', 'NEW' | Set-Content FILE`, or the agent's edit tool",
    "grep": "`Select-String -Pattern PATTERN -Path FILE`, or `rg` where it is installed",
    "egrep": "`Select-String -Pattern PATTERN -Path FILE`",
    "nl": "`Select-String -Path FILE -Pattern '^'` (each line with its number)",
    "wc": "`Measure-Object -Line -Word -Character`",
    "touch": "`New-Item FILE -ItemType File` (or `(Get-Item FILE).LastWriteTime = Get-Date`)",
    "which": "`Get-Command NAME`",
    "find": "`Get-ChildItem -Recurse -Filter PATTERN`",
    "xargs": "`ForEach-Object { ... }`",
    "awk": "`ForEach-Object { ($_ -split '\\s+')[N] }`",
    "cut": "`ForEach-Object { ($_ -split 'SEP')[N] }`",
    "sort": "`Sort-Object`",
    "uniq": "`Select-Object -Unique` (or `Sort-Object -Unique`)",
    "tee": "`Tee-Object -FilePath FILE`",
    "diff": "`Compare-Object (Get-Content A) (Get-Content B)`, or `git diff --no-index A B`",
    "export": "`$env:NAME = 'VALUE'`",
    "env": "`Get-ChildItem Env:`",
    "chmod": "nothing: Windows has no executable bit (`icacls` sets permissions)",
    "ln": "`New-Item -ItemType SymbolicLink -Path LINK -Target TARGET`",
    "mkdir": "`New-Item -ItemType Directory -Force PATH` (mkdir -p)",
    "true": "`$true`, or nothing",
}

# A POSIX shell without a common tool: what every POSIX system has in its place.
_POSIX = {
    "tree": "`find . -maxdepth 3 -not -path '*/.git/*'` (or `ls -R`)",
    "rg": "`grep -rn PATTERN .`",
    "fd": "`find . -name 'PATTERN'`",
    "jq": "`python3 -m json.tool FILE` (or a few lines of python3 with json)",
    "python": "`python3`",
    "pip": "`python3 -m pip`",
    "bat": "`cat`",
    "exa": "`ls -la`",
    "eza": "`ls -la`",
    "ag": "`grep -rn PATTERN .`",
    "ack": "`grep -rn PATTERN .`",
    "realpath": "`readlink -f PATH` (or `cd PATH && pwd`)",
    "wget": "`curl -fsSLO URL`",
    "curl": "`python3 -c 'import urllib.request, sys; print(urllib.request.urlopen(sys.argv[1]).read().decode())' URL`",
    "gsed": "`sed`",
}


# The phrases the general remedies are written with, and recognised by (general_remedy).
_NO_PROGRAM = ("PowerShell has no `", "cmd has no `")
_NOT_INSTALLED = " is not installed here: use "
_ABSENT_TAIL = " and use that path, or make it if it should exist."


def stand_in(program: str, shell: str | None) -> str:
    """The remedy for `program` missing in `shell` (powershell, cmd, posix, or None when not
    known): what to run in its place, else how to find what the machine has."""
    name = program.lower().removesuffix(".exe")
    if shell == POWERSHELL and name in _POWERSHELL:
        return f"{_NO_PROGRAM[0]}{program}`: use {_POWERSHELL[name]}."
    if shell == CMD and name in _POWERSHELL:
        return f"{_NO_PROGRAM[1]}{program}`: run it in PowerShell as {_POWERSHELL[name]}."
    if shell not in (POWERSHELL, CMD) and name in _POSIX:
        return f"`{program}`{_NOT_INSTALLED}{_POSIX[name]}."
    finder = "`Get-Command NAME`" if shell in (POWERSHELL, CMD) else "`command -v NAME`"
    return (
        f"`{program}`{_NOT_INSTALLED}a program this machine has (check with {finder}) "
        "or install it first; do not call it again."
    )


def is_stand_in(text: str | None) -> bool:
    """Whether a lesson's remedy is one `stand_in` wrote (a general one, which what the agent
    itself did next in the session may replace: learning/engine/instead.py)."""
    if not text:
        return False
    return text.startswith(_NO_PROGRAM) or (text.startswith("`") and _NOT_INSTALLED in text)


# A prerequisite outside the project (a tool's cache or temporary folder the sandbox or the machine
# refuses): where the program may write, or leave to write there.
OUTSIDE = (
    "It needs a place outside the project that the sandbox or this machine refuses: ask to run it outside "
    "the sandbox (escalated permissions) when the person allows it, or point its cache or temporary folder "
    "into the project."
)


def absent_remedy(path: str) -> str:
    """The remedy of a path that is not there (a file tool's or a command's operand)."""
    return (
        f"{as_data(path)} is not there: find where it is first (list its folder, or search for its name)" + _ABSENT_TAIL
    )


def general_remedy(text: str | None) -> bool:
    """Whether a lesson's remedy is a general one of this module (a stand-in, the outside
    prerequisite's, a missing path's) or a check (lesson_model/checks.py): what worked next in the session (learning/engine/instead.py) or a
    remedy learned since (store/lessons/writer.py) replaces it."""
    if not text:
        return False
    return is_stand_in(text) or text == OUTSIDE or text.endswith(_ABSENT_TAIL) or text.startswith(CHECK_HEAD)
