"""File searches by name, and what they can and cannot see (issue 41, "searches that find nothing").

`rg --files -g NAME` and `fd NAME` list the files whose name matches, and by default neither sees
hidden files and folders (a leading dot: `.agent/`, `.github/`) nor what .gitignore ignores. A
search for a file that lives there finds nothing, and the agent tries again with another spelling
of the same name. This module reads such a search from a command's words: the program, the name it
looks for, whether it asked to see hidden or ignored files, and the name's core (its longest literal
run, lower case, without the extension) by which two spellings of one search are compared.

Pure and light: imported by the hooks (through lesson_model/triggers.py).
"""

from __future__ import annotations

import re

from lessonloop.analyze.commands import program_name

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Sequence

# The programs that list files by name and skip hidden and ignored ones unless told, with the
# options that make them look there (short options may be grouped: `-uu`, `-HI`).
_GLOB_OPTIONS = frozenset({"-g", "--glob", "--iglob"})
_SEES_LONG = frozenset({"--hidden", "--no-ignore", "--no-ignore-vcs", "--unrestricted"})  # (rg's and fd's alike)
_SEES_SHORT = {"rg": frozenset("u."), "fd": frozenset("HIu")}
_FD_VALUED = frozenset({"-e", "--extension", "-t", "--type", "-d", "--max-depth", "-E", "--exclude", "-x", "-X"})
_RG_VALUED = frozenset(
    {
        "-g",
        "--glob",
        "--iglob",
        "-t",
        "--type",
        "-T",
        "--type-not",
        "-d",
        "--max-depth",
        "-j",
        "--threads",
        "--ignore-file",
        "--sort",
        "--sortr",
        "-e",
        "--regexp",
        "-f",
        "--file",
    }
)
_WILDCARDS = "*?[]{}!"
MIN_CORE = 3  # a shorter core ("md", "a") names no file


def program_of(words: Sequence[str]) -> str | None:
    """ "rg" or "fd" (fdfind, Debian's name, and a Windows .exe as well) when the command is one
    of the file listers this module reads, else None."""
    if not words:
        return None
    name = program_name(words[0])
    if name == "rg":
        return "rg"
    if name in ("fd", "fdfind"):
        return "fd"
    return None


def sought_names(words: Sequence[str]) -> tuple[str, ...]:
    """The name patterns a file search by name looks for (`rg --files -g 'X*.md'` gives `X*.md`,
    `fd config` gives `config`; each positive `-g` of rg), or () when the command is not one (an
    `rg` content search, only negated globs `-g '!x'`)."""
    program = program_of(words)
    if program == "rg":
        if "--files" not in words:
            return ()
        return tuple(p for p in _rg_globs(words) if p and not p.startswith("!"))
    if program == "fd":
        operands = _operands(words, _FD_VALUED)
        return operands[:1]  # fd's first operand is the pattern (the others, folders)
    return ()


def _rg_globs(words: Sequence[str]) -> list[str]:
    globs: list[str] = []
    for index, word in enumerate(words[1:], 1):
        if word in _GLOB_OPTIONS and index + 1 < len(words):
            globs.append(words[index + 1])
        elif word.startswith(("--glob=", "--iglob=")):
            globs.append(word.split("=", 1)[1])
        elif word.startswith("-g") and len(word) > 2 and word[2] != "-":
            globs.append(word[2:])
    return globs


def _operands(words: Sequence[str], valued: frozenset[str]) -> tuple[str, ...]:
    """The words that are neither options nor an option's value."""
    out: list[str] = []
    skip = False
    for word in words[1:]:
        if skip:
            skip = False
        elif word in valued:
            skip = True
        elif not word.startswith("-") or word == "-":
            out.append(word)
    return tuple(out)


def search_folders(words: Sequence[str]) -> tuple[str, ...]:
    """The folders a file search by name is given (none: the working folder)."""
    program = program_of(words)
    if program == "rg":
        return _operands(words, _RG_VALUED)
    if program == "fd":
        return _operands(words, _FD_VALUED)[1:]
    return ()


def sees_hidden(words: Sequence[str]) -> bool:
    """Whether the search was told to look in hidden or ignored files (`--hidden`, `-u`, `-.`
    for rg; `-H`, `-I`, `-u` for fd)."""
    program = program_of(words)
    if program is None:
        return False
    short_letters = _SEES_SHORT[program]
    for word in words[1:]:
        if word.startswith("--"):
            if word.split("=", 1)[0] in _SEES_LONG:
                return True
        elif (
            word.startswith("-")
            and len(word) > 1
            and word[1] != "g"
            and any(letter in short_letters for letter in word[1:])
        ):
            return True
    # a hidden folder named as where to search is searched
    return any(hidden_part(folder) for folder in search_folders(words))


def name_core(pattern: str) -> str:
    """The literal runs of a name pattern's last part, lower case, without an extension, joined
    by `*`: `'*SYSTEM_STATE*'`, `SYSTEM_STATE.md`, `**/system_state*.md` all give `system_state`,
    `*agent*phase2*` gives `agent*phase0`: numbers are folded to 0, as the files of a numbered
    series (`SPRINT_11.md`, `SPRINT_12.md`) are most often kept in one place. Runs shorter than
    MIN_CORE are left out; "" when none is left."""
    name = _last_part(pattern.strip("'\""))
    runs: list[str] = []
    run = ""
    for char in name:
        if char in _WILDCARDS:
            runs.append(run)
            run = ""
        else:
            run += char
    runs.append(run)
    cores = []
    for text in runs:
        stem, dot, ext = text.rpartition(".")
        if dot and stem and ext.isalnum() and len(ext) <= 5:
            text = stem
        text = text.strip(".-_ ")
        if len(text) >= MIN_CORE:
            cores.append(text)
    return re.sub(r"\d+", "0", "*".join(cores))


def holds(core: str, pattern: str) -> bool:
    """Whether every run of `core` is part of one of the pattern's runs: the pattern names no
    file the core's search would not have listed."""
    runs = name_core(pattern).split("*")
    return bool(core) and all(any(part in run for run in runs) for part in core.split("*"))


def same_search(core: str, words: Sequence[str], ext: str | None = None) -> bool:
    """Whether `words` is a file search by name, blind to hidden and ignored files, for names
    that hold `core` (the core of a search that found nothing; every pattern when it has several)
    and no literal extension other than the empty search's (`ext`): it finds nothing either, as
    long as no such file was made meanwhile. (`workflow.md` after `workflow.yaml` found nothing
    names another file, which may exist: the name is matched whole.)"""
    patterns = sought_names(words)
    if not patterns or sees_hidden(words):
        return False
    return all(holds(core, pattern) and (ext is None or name_ext(pattern) in (None, ext)) for pattern in patterns)


def name_ext(pattern: str) -> str | None:
    """The literal extension a name pattern's last part ends with (`.yaml` of `workflow.yaml`,
    `.md` of `**/notes*.md`), lower case; None when it names none or a wildcard is in it."""
    name = _last_part(pattern.strip("'\""))
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or not ext.isalnum() or len(ext) > 5:
        return None
    return "." + ext


def name_matches(pattern: str, path: str) -> bool:
    """Whether the file `path` has a name the search pattern matches (its last part, as rg's
    glob does, ignoring case): `.agent/SYSTEM_STATE.md` for `*system_state*`."""
    wanted, name = _last_part(pattern.strip("'\"")), _last_part(path)
    if not wanted or not name:
        return False
    from fnmatch import fnmatchcase  # (learning only, not the hooks)

    return fnmatchcase(name, wanted)


def _last_part(path: str) -> str:
    """A path's (or a pattern's) last part, lower case, whichever its slashes."""
    return path.replace("\\", "/").rsplit("/", 1)[-1].lower()


def hidden_part(path: str) -> str | None:
    """The first hidden folder (or the hidden file itself) on a relative path (`.agent` of
    `.agent/SYSTEM_STATE.md`), or None."""
    for part in path.replace("\\", "/").split("/"):
        if part.startswith(".") and part not in (".", ".."):
            return part
    return None
