"""The command line an agent runs for each hook event.

The interpreter that runs lessonloop now, by absolute path (the agent's PATH may not hold the
virtual environment), in isolated mode (-I: no user site, no PYTHONPATH, no current folder on the
import path), running the package's fast hook entry point; for an agent other than Claude Code,
`--agent=AGENT` before the event (apply/hooks/agents).

Without `site` (-S) when the interpreter can: `site` costs every Python process about 2 ms (a
tenth of a hook's floor) finding site-packages and running the .pth files of every package
installed beside lessonloop. The folders it would add to the import path are found once, when the
command is made (`site_paths`: `python -I` against `python -I -S`), and the command adds them
itself; when that cannot be found, or the entry point does not import with them alone (a package
put on the path by code in a .pth file), the command keeps `site`.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from functools import lru_cache

from lessonloop.core.agent_specs import spec_named

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
# How an installed lessonloop hook is recognised: the package of its entry point (the command of
# earlier versions ran `lessonloop.apply.hooks.entry`, today's `lessonloop.apply.hooks.client`).
MARKER = "lessonloop.apply.hooks."
# `-c` rather than `-m`: runpy would cost every hook about 3 ms of imports. The client hands the
# call to the hook server, else runs entry.run itself (client.py).
RUN_CODE = "from lessonloop.apply.hooks.client import run; run()"
# The code of the commands earlier versions installed: entry.run in the command's own process, what
# RUN_CODE does itself when no server answers (benchmarks put the two side by side).
ENTRY_RUN_CODE = "from lessonloop.apply.hooks.entry import run; run()"
_PROBE = "import sys, json; print(json.dumps(sys.path))"
PROBE_SECONDS = 30


@lru_cache(maxsize=8)
def site_paths(python: str) -> tuple[str, ...] | None:
    """The folders `site` adds to the import path of `python -I` (its site-packages and what their
    .pth files name), when `python -I -S` with them added imports the hook entry point; else None
    (an interpreter that cannot be run, or a package that needs a .pth file's code)."""
    try:
        full = _paths([python, "-I", "-c", _PROBE])
        bare = _paths([python, "-I", "-S", "-c", _PROBE])
        added = tuple(path for path in full if path not in bare)
        check = f"{_extend(added)}import lessonloop.apply.hooks.client, lessonloop.apply.hooks.entry"
        done = subprocess.run([python, "-I", "-S", "-c", check], capture_output=True, timeout=PROBE_SECONDS)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return added if done.returncode == 0 else None


def _paths(argv: list[str]) -> list[str]:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=PROBE_SECONDS, check=True)
    found = json.loads(done.stdout)
    if not isinstance(found, list) or not all(isinstance(path, str) for path in found):
        raise ValueError(f"not a list of folders: {done.stdout[:200]!r}")
    return found


def _extend(paths: tuple[str, ...]) -> str:
    # JSON's string literals are Python's (double quotes: nothing to escape in the shell's quotes)
    return f"import sys; sys.path += {json.dumps(list(paths))}; " if paths else ""


def start(python: str | None = None) -> list[str]:
    """The interpreter's words of every hook command: `<python> -I -S -c CODE` when it can run
    the entry point without `site` (`site_paths`), else `<python> -I -c CODE`; CODE runs it."""
    python = python or sys.executable
    paths = site_paths(python)
    if paths is None:
        return [python, "-I", "-c", RUN_CODE]
    return [python, "-I", "-S", "-c", _extend(paths) + RUN_CODE]


def hook_command(event: str, options: tuple[str, ...] = (), python: str | None = None, agent: str | None = None) -> str:
    """The shell command for `event`, e.g. `/venv/bin/python -I -S -c 'import sys; sys.path +=
    ["/venv/lib/python3.12/site-packages"]; from lessonloop.apply.hooks.entry import run; run()'
    PreToolUse` (`start`) for the default agent (None, or its name: its payloads are the handlers'
    own), or for another agent `... --agent=codex PreToolUse` (the event as that agent names it).

    `options` follow the event: `--warn-only` (never stop a call; by default a lesson that earned
    it stops the call once), `--block` (deny at confidence >= 0.95) and `--ask` (ask the person at
    >= 0.75) for PreToolUse; the handler reads them from its command line, so no config file is
    parsed on the hot path."""
    named = [] if agent is None or _is_default(agent) else [shlex.quote(f"--agent={agent}")]
    return " ".join([*(shlex.quote(word) for word in start(python)), *named, event, *options])


STATUS_LINE_CODE = "import sys; from lessonloop.apply.status_line import main; sys.exit(main(sys.argv[1:]))"


def status_line_command(agent: str, python: str | None = None) -> str:
    """The shell command of `agent`'s status line (`lessonloop statusline --agent AGENT`, the
    agent's id), started as the hooks are: `<python> -I -S -c CODE` with the import path it needs,
    else `<python> -I -c CODE`."""
    words = start(python)
    words[-1] = words[-1].removesuffix(RUN_CODE) + STATUS_LINE_CODE
    return " ".join(shlex.quote(word) for word in [*words, "--agent", agent])


def is_status_line_command(command: object) -> bool:
    """Whether a statusLine command is lessonloop's (`status_line_command`, or one a person wrote
    that runs `lessonloop statusline`)."""
    return isinstance(command, str) and (
        "lessonloop.apply.status_line" in command or "lessonloop statusline" in command
    )


def _is_default(agent: str) -> bool:
    spec = spec_named(agent)
    return spec is not None and spec.default


def check_command(python: str | None = None) -> list[str]:
    """The argv that checks the installed entry point works: prints one JSON object
    {"ok", "db", "lessons", "problem"} and exits 0 (the way every hook call goes: through the
    hook server when one answers)."""
    return [*start(python), "--check"]


def server_socket(env: dict[str, str] | None = None, argv: list[str] | None = None) -> str | None:
    """The hook server's socket that the installed command (`argv`, else `check_command()`) uses
    in the environment `env` (client.server_path, computed by that command's interpreter with its
    import path: the key names them), or None when it would use none."""
    argv = argv or check_command()
    at = argv.index("-c") + 1
    code = argv[at].replace(RUN_CODE, "") + "from lessonloop.apply.hooks import client; "
    code += "print(client.server_path(client.installation_key()) or '')"
    try:
        done = subprocess.run(
            [*argv[:at], code], capture_output=True, text=True, env=env, timeout=PROBE_SECONDS, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def is_lessonloop_command(command: object) -> bool:
    """Whether a hook command in a settings file is one lessonloop installed."""
    return isinstance(command, str) and MARKER in command
