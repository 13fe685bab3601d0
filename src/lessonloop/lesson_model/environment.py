"""The shell a command runs in, read from where it ran: a lesson about a command line holds in the
shell it was learned in (PowerShell does not know `sed`, bash knows no `Get-Content`), so a shell
lesson keeps its shell (Trigger.shell) and fires only on commands of that shell.

Three families, by the syntax a command line is written in: `powershell` (Windows PowerShell and
pwsh), `cmd`, and `posix` (bash, zsh, sh, fish and the like: on Linux, macOS, WSL and Git Bash).

Read, in this order:
1. a program the call names as its shell (Codex's `["powershell.exe", "-Command", SCRIPT]`,
   `["bash", "-lc", SCRIPT]`);
2. the folder it ran in: a POSIX path (`/home/x`, `/Users/x`) is a POSIX shell; a Windows path
   (`C:\\x`, `g:/x`, `\\\\server\\x`) is the shell the agent runs there, as its spec says
   (`windows_shell`: Claude Code and OpenCode run Git Bash, posix; Aider the system's `cmd`; Codex,
   Gemini CLI, Cursor and Copilot CLI PowerShell);
3. for a failure (learning only), the shell's own words for its error: PowerShell's "is not
   recognized as the name of a cmdlet" and its error records (`CategoryInfo`,
   `FullyQualifiedErrorId`), cmd's "is not recognized as an internal or external command";
4. else unknown (None): the lesson may fire, as before shells were told apart.

Pure, and imports nothing heavy: the PreToolUse hook reads it on every call.
"""

from __future__ import annotations

from lessonloop.analyze.commands import program_name

TYPE_CHECKING = False  # (typing is not imported on the hook's path)
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

POWERSHELL = "powershell"
CMD = "cmd"
POSIX = "posix"

# a shell program's name (without a folder or `.exe`) -> its family
_PROGRAMS = {
    "powershell": POWERSHELL,
    "pwsh": POWERSHELL,
    "cmd": CMD,
    "bash": POSIX,
    "sh": POSIX,
    "zsh": POSIX,
    "dash": POSIX,
    "ksh": POSIX,
    "fish": POSIX,
}


def shell_program(name: object) -> str | None:
    """The family of a shell named by its program (`powershell.exe`, `/bin/bash`), else None."""
    if not isinstance(name, str) or not name:
        return None
    return _PROGRAMS.get(program_name(name))


def windows_path(path: str | None) -> bool:
    """Whether a folder is written as Windows writes one (a drive letter, a UNC share)."""
    if not path:
        return False
    return path.startswith("\\\\") or (len(path) > 2 and path[1] == ":" and path[2] in "/\\")


def call_shell(agent: str | None, tool_input: Mapping[str, Any] | None, cwd: str | None) -> str | None:
    """The shell family a shell call of `agent` ran in (see the module's docstring), or None."""
    command = tool_input.get("command") if tool_input else None
    if isinstance(command, list | tuple) and command:
        named = shell_program(command[0])
        if named is not None:
            return named
    if cwd and cwd.startswith("/"):
        return POSIX
    if windows_path(cwd):
        return _windows_shell(agent)
    return None


def _windows_shell(agent: str | None) -> str | None:
    """The shell `agent` (the store's name or the hooks') runs commands in on Windows: its spec's."""
    if not agent:
        return None
    from lessonloop.core.agent_specs import spec_named

    spec = spec_named(agent)
    return spec.windows_shell if spec is not None else None


# What only one shell prints about a command line (its own error records), never a program it ran.
_POWERSHELL_WORDS = (
    "is not recognized as the name of a cmdlet",
    "FullyQualifiedErrorId",
    "+ CategoryInfo",
    "is not a valid statement separator in this version",
    "Missing file specification after redirection operator",
)
_CMD_WORDS = ("is not recognized as an internal or external command",)


def error_shell(error_text: str | None) -> str | None:
    """The shell family whose own error a failed command's output carries, or None."""
    if not error_text:
        return None
    head = error_text[:4000]
    if any(words in head for words in _POWERSHELL_WORDS):
        return POWERSHELL
    if any(words in head for words in _CMD_WORDS):
        return CMD
    return None


def folder_shells(agents: Iterable[str | None], folder: str | None) -> frozenset[str] | None:
    """The shell families `agents` run commands in when they work in `folder` (the readers of a
    rules file, the agent of a session); None when one of them is not known there."""
    shells: set[str] = set()
    for agent in agents:
        shell = call_shell(agent, None, folder)
        if shell is None:
            return None
        shells.add(shell)
    return frozenset(shells) or None


def holds_in(lesson_shell: str | None, shells: frozenset[str] | None) -> bool:
    """Whether a lesson learned in `lesson_shell` (None: any) holds where commands run in `shells`
    (None: not known, so it may)."""
    return lesson_shell is None or shells is None or lesson_shell in shells
