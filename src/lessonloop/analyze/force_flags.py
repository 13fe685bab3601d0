"""Options that force a command past a safety check or destroy what they touch: a lesson never
teaches one from a single case (learning/engine/instead.py, learning/engine/episodes.py), since the fix that worked
once may have thrown work away (`git push --force-with-lease`, `rm -rf`, `git reset --hard`).

Known by their general shape, not one tool's list:
- long options whose words say so: `--force` and its kinds (`--force-with-lease`,
  `--force-reinstall`), `--hard`, `--no-verify`, `--break-system-packages`, `--no-preserve-root`,
  `--overwrite`, `--delete`, `--mirror`, `--prune`;
- short `-f` (and in a cluster, `-rf`, `-fd`) for the programs where it always means force: git,
  rm, cp, mv, ln, npm and the like (docker's or kubectl's `-f` names a file), and git's `-D`
  (delete an unmerged branch);
- PowerShell's `-Force` on the cmdlets that remove, move, copy or overwrite (on `Get-ChildItem`
  it only shows hidden files).

Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from lessonloop.analyze.commands import program_name

_LONG = frozenset(
    {"--hard", "--no-verify", "--break-system-packages", "--no-preserve-root", "--overwrite", "--delete",
     "--mirror", "--prune", "--allow-unrelated-histories"}
)  # fmt: skip
# programs whose `-f` forces (a folder and `.exe` dropped, lower case)
_SHORT_F = frozenset(
    {"git", "rm", "cp", "mv", "ln", "npm", "pnpm", "yarn", "del", "rmdir", "unlink", "mkfs"}
)  # fmt: skip
# PowerShell cmdlets (and their aliases) whose -Force overwrites or removes
_POWERSHELL_FORCE = frozenset(
    {"remove-item", "ri", "rm", "del", "erase", "rd", "rmdir", "move-item", "mi", "move", "mv", "copy-item",
     "copy", "cpi", "cp", "new-item", "ni", "set-content", "sc", "out-file", "rename-item", "rni", "ren",
     "clear-content", "remove-itemproperty", "stop-process", "kill"}
)  # fmt: skip


def force_flags(words: Sequence[str]) -> frozenset[str]:
    """The options of a simple command (its words) that force it or destroy what it touches."""
    program = program_name(words[0]) if words else ""
    found: set[str] = set()
    for word in words[1:]:
        if not word.startswith("-") or word in ("-", "--"):
            continue
        lowered = word.lower()
        name = lowered.split("=", 1)[0]
        if name.startswith("--"):
            if name in _LONG or name.startswith("--force"):
                found.add(word)
        elif name == "-force":
            if program in _POWERSHELL_FORCE:
                found.add(word)
        elif len(word) > 1 and word[1].isalpha() and word[1:].isalpha():
            letters = word[1:]
            if ("f" in letters and program in _SHORT_F) or (program == "git" and "D" in letters):
                found.add(word)
    return frozenset(found)


def adds_force(before: Sequence[str], after: Sequence[str]) -> bool:
    """Whether `after` uses a forcing option (force_flags) that `before` did not."""
    return bool(force_flags(after) - force_flags(before))
