"""The modules a process imported, read from its `-X importtime` lines on stderr."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from typing import Any

from lessonloop.apply.hooks.command import hook_command


def imported_modules(stderr: str) -> set[str]:
    """Every module named by an `import time: self | cumulative | name` line (the header left out)."""
    names = set()
    for line in stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            names.add(parts[2].strip())
    return names


def modules_imported_by(code: str) -> set[str]:
    """The modules a fresh `python -c code` imports (the code must run without an error)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return imported_modules(done.stderr)


def process_imports(
    argv: list[str], env: dict[str, str], stdin: bytes = b"", *, status: int = 0, timeout: float = 120
) -> set[str]:
    """The modules a process started as `argv` (an interpreter's `-X importtime` in it) imported;
    it must end with `status`."""
    done = subprocess.run(argv, input=stdin, env=env, capture_output=True, timeout=timeout, check=False)
    assert done.returncode == status, (argv, done.stderr[-2000:])
    return imported_modules(done.stderr.decode("utf-8", "replace"))


def command_imports(env: dict[str, str], *words: str, status: int = 0, timeout: float = 120) -> set[str]:
    """The modules `python -m lessonloop WORDS...` imported."""
    argv = [sys.executable, "-X", "importtime", "-m", "lessonloop", *words]
    return process_imports(argv, env, status=status, timeout=timeout)


def hook_imports(event: str, payload: dict[str, Any], env: dict[str, str], agent: str = "claude") -> set[str]:
    """The modules the hook for `event` imported, run as `lessonloop hooks install` writes it
    (apply/hooks/command.hook_command) with `payload` on stdin."""
    argv = shlex.split(hook_command(event, agent=agent))
    argv[1:1] = ["-X", "importtime"]  # after the interpreter
    return process_imports(argv, env, json.dumps(payload).encode())
