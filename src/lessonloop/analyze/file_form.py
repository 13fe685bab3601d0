"""Failures caused by a script file's form, not by what it does (issue 41, "one cause, a family of
targets"): Windows line endings (`bash\\r: No such file or directory`, `$'\\r': command not found`,
`/bin/bash^M: bad interpreter`), a missing executable bit (`./run.sh: Permission denied`), a first
line (#!) naming an interpreter that is not installed. The scripts beside it, of the same kind,
were most often made the same way and fail the same way: the family is the folder and the
extension (`scripts/*.sh`).

Pure and light: imported by the hooks (through lesson_model/triggers.py).
"""

from __future__ import annotations

import posixpath

from lessonloop.core.lazy_regex import LazyRegex

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Sequence

CRLF = "crlf"
NOT_EXECUTABLE = "not-executable"
NO_INTERPRETER = "no-interpreter"

_CRLF = LazyRegex(
    r"\\r['\"]?: (?:command not found|No such file)|\$'\\r'|\^M(?::|\s*: bad interpreter)|\r['\"]?: (?:command|No such)"
)
_BAD_INTERPRETER = LazyRegex(r"bad interpreter: No such file or directory")
_SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh"})
_SCRIPT_EXTS = frozenset({".sh", ".bash", ".zsh", ".ps1", ".py", ".rb", ".pl", ".js", ".mjs", ".ts", ".cmd", ".bat"})


def line_ends_error(error_text: str | None) -> bool:
    """Whether an error is a shell's or `env`'s about a carriage return: a script with Windows line
    endings, in any of its wordings."""
    return error_text is not None and _CRLF.search(error_text[:2000]) is not None


def form_cause(error_text: str | None, script: str) -> str | None:
    """Which form of the script `script` the error blames: CRLF, NOT_EXECUTABLE or NO_INTERPRETER;
    None when the error is about something else."""
    text = (error_text or "")[:2000]
    if _CRLF.search(text):
        return CRLF
    if _BAD_INTERPRETER.search(text):
        return NO_INTERPRETER
    name = script.replace("\\", "/")
    for line in text.splitlines()[:5]:
        if line.rstrip().endswith(": Permission denied") and name in line.replace("\\", "/"):
            return NOT_EXECUTABLE
    return None


def script_of(words: Sequence[str]) -> str | None:
    """The project script a simple command runs: the program given by its path (`./build.sh`,
    `scripts/check.py`), or the script a shell runs (`bash scripts/build.sh`); None otherwise."""
    if not words:
        return None
    program = words[0]
    if _looks_like_script(program):
        return program
    name = posixpath.basename(program.replace("\\", "/")).lower()
    if name in _SHELLS and len(words) > 1 and not words[1].startswith("-") and _looks_like_script(words[1]):
        return words[1]
    return None


def _looks_like_script(word: str) -> bool:
    path = word.replace("\\", "/")
    if "/" not in path or path.endswith("/") or word.startswith("-") or "=" in word:
        return False
    return path.startswith(("./", "../")) or posixpath.splitext(path)[1].lower() in _SCRIPT_EXTS


def family(script: str) -> str:
    """The scripts that share `script`'s folder and extension, as a pattern: `./scripts/build.sh`
    gives `scripts/*.sh` (a path as typed, `./` and backslashes aside)."""
    path = posixpath.normpath(script.replace("\\", "/"))
    folder, name = posixpath.split(path)
    ext = posixpath.splitext(name)[1].lower()
    return f"{folder}/*{ext}" if folder else f"*{ext}"
