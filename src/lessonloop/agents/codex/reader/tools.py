"""Codex's tools by their agent-neutral kind (records.TOOL_KINDS), and the command line of a shell call."""

from __future__ import annotations

from lessonloop.core import tool_kinds as records

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks read this table)
if TYPE_CHECKING:
    from typing import Any

KINDS: dict[str, str] = {
    # shell: the classic tool (argv array), shell_command (a string), unified exec, local_shell_call
    "shell": records.SHELL,
    "container.exec": records.SHELL,
    "shell_command": records.SHELL,
    "exec_command": records.SHELL,
    "local_shell": records.SHELL,
    "apply_patch": records.EDIT,
    "update_plan": records.PLAN,
    "view_image": records.READ,
    "read_file": records.READ,
    "list_dir": records.SEARCH,
    "grep_files": records.SEARCH,
    "web_search": records.FETCH,
    "spawn_agent": records.SUBAGENT,
    "send_input": records.SUBAGENT,
    "wait_agent": records.SUBAGENT,
    "wait": records.SUBAGENT,
    "resume_agent": records.SUBAGENT,
    "close_agent": records.SUBAGENT,
    # multi-agent v2 (codex-rs/core/src/tools/handlers/multi_agents_v2) and agent jobs
    "send_message": records.SUBAGENT,
    "followup_task": records.SUBAGENT,
    "interrupt_agent": records.SUBAGENT,
    "list_agents": records.SUBAGENT,
    "spawn_agents_on_csv": records.SUBAGENT,
}

_SHELLS = frozenset({"bash", "zsh", "sh", "dash", "ksh", "fish", "pwsh", "powershell", "cmd"})


def kind_of(tool: str) -> str:
    """The neutral kind of a Codex tool ("other" for MCP tools, write_stdin and tools not known)."""
    return KINDS.get(tool, records.OTHER)


_SCRIPT_FLAGS = frozenset({"-lc", "-c", "-l", "/c", "-Command"})
_CASELESS_FLAGS = frozenset({"-command", "-c", "/c"})  # PowerShell's and cmd.exe's flags ignore case
# PowerShell's flags that take no value and may come before -Command (Codex on Windows runs
# ["powershell.exe", "-NoLogo", "-Command", SCRIPT]).
_POWERSHELL_SWITCHES = frozenset({"-nologo", "-noprofile", "-noninteractive", "-nop", "-noni", "-mta", "-sta"})


def command_line(value: Any) -> str | None:
    """A command as one shell string: an argv array joined (`bash -lc "<script>"` and
    `powershell.exe -NoLogo -Command "<script>"` unwrapped to the script), a string as it is."""
    if isinstance(value, str):
        return value or None
    if not isinstance(value, list) or not value or not all(isinstance(part, str) for part in value):
        return None
    shell = value[0].replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")
    if shell in _SHELLS and len(value) >= 3:
        at = 1
        if shell in ("powershell", "pwsh"):
            while at < len(value) - 2 and value[at].lower() in _POWERSHELL_SWITCHES:
                at += 1
        flag = value[at]
        caseless = shell in ("powershell", "pwsh", "cmd") and flag.lower() in _CASELESS_FLAGS
        if len(value) == at + 2 and (flag in _SCRIPT_FLAGS or caseless):
            script: str = value[at + 1]
            return script
    import shlex  # (an argv that is no shell's script only)

    return shlex.join(value)


def shell_command_of(tool: str, arguments: Any) -> str | None:
    """The command line of a shell tool's arguments (None for other tools)."""
    if not isinstance(arguments, dict) or kind_of(tool) != records.SHELL:
        return None
    if tool == "exec_command":
        return command_line(arguments.get("cmd"))
    return command_line(arguments.get("command"))
