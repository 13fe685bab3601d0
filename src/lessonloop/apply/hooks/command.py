"""The command line an agent runs for each hook event.

The interpreter that runs lessonloop now, by absolute path (the agent's PATH may not hold the
virtual environment), in isolated mode (-I: no user site, no PYTHONPATH, no current folder on the
import path), running the package's fast hook entry point; for an agent other than Claude Code,
`--agent=AGENT` before the event (apply/hooks/agents).
"""

from __future__ import annotations

import shlex
import sys

# The events lessonloop handles, with the matcher each is installed under ("" = every tool/source).
EVENTS: dict[str, str] = {
    "SessionStart": "",
    "UserPromptSubmit": "",
    "PreToolUse": "",
    "PostToolUse": "",
    "PostToolUseFailure": "",
    "Stop": "",
    "SessionEnd": "",
}
# Seconds an agent waits before giving up on a hook, by the handler's event (the handlers keep well
# inside these; Gemini CLI counts milliseconds: install/gemini.py multiplies).
TIMEOUTS: dict[str, int] = {
    "SessionStart": 10,
    "UserPromptSubmit": 10,
    "PreToolUse": 10,
    "PostToolUse": 10,
    "PostToolUseFailure": 10,
    "Stop": 60,
    "SessionEnd": 60,
}
MARKER = "lessonloop.apply.hooks.entry"  # how an installed lessonloop hook is recognised
# `-c` rather than `-m MARKER`: runpy would cost every hook about 3 ms of imports.
_RUN = f"from {MARKER} import run; run()"


def hook_command(event: str, options: tuple[str, ...] = (), python: str | None = None, agent: str = "claude") -> str:
    """The shell command for `event`, e.g. `/venv/bin/python -I -c 'from
    lessonloop.apply.hooks.entry import run; run()' PreToolUse`, or for another agent
    `... --agent=codex PreToolUse` (the event as that agent names it).

    `options` follow the event: `--block` (deny at confidence >= 0.95) and `--ask` (ask the
    person at >= 0.75) for PreToolUse; the handler reads them from its command line, so no config
    file is parsed on the hot path."""
    named = [] if agent == "claude" else [shlex.quote(f"--agent={agent}")]
    words = [shlex.quote(python or sys.executable), "-I", "-c", shlex.quote(_RUN), *named, event, *options]
    return " ".join(words)


def check_command(python: str | None = None) -> list[str]:
    """The argv that checks the installed entry point works: prints one JSON object
    {"ok", "db", "lessons", "problem"} and exits 0."""
    return [python or sys.executable, "-I", "-c", _RUN, "--check"]


def is_lessonloop_command(command: object) -> bool:
    """Whether a hook command in a settings file is one lessonloop installed."""
    return isinstance(command, str) and MARKER in command
