"""Running `lessonloop run` as a real process, as people and agents do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PYTHON = sys.executable


class Ran:
    """One finished `lessonloop run`: its status, output bytes and wall time."""

    def __init__(self, status: int, stdout: bytes, stderr: bytes, wall: float) -> None:
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.wall = wall

    def summary(self) -> dict[str, Any]:
        """The --json summary: the last line of stdout."""
        last = self.stdout.rstrip(b"\n").rsplit(b"\n", 1)[-1]
        data: dict[str, Any] = json.loads(last)
        return data

    def output(self) -> bytes:
        """The command's own stdout: what came before the --json summary."""
        return self.stdout[: int(self.summary()["stdout"]["bytes"])]


def runner_env(db: Path | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("LESSONLOOP_NO_TELEMETRY", None)
    env.pop("PYTHONUNBUFFERED", None)  # the tests show how buffering differs on terminals and pipes
    if db is None:
        env["LESSONLOOP_NO_TELEMETRY"] = "1"
    else:
        env["LESSONLOOP_DB"] = str(db)
    env.update(extra)
    return env


def lessonloop_run(
    *args: str, db: Path | None = None, timeout: float = 120, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Ran:
    """`python -m lessonloop run ARGS`, with telemetry into `db` (none when db is None)."""
    started = time.monotonic()
    done = subprocess.run(
        [PYTHON, "-m", "lessonloop", "run", *args],
        capture_output=True,
        timeout=timeout,
        env=env if env is not None else runner_env(db),
        stdin=subprocess.DEVNULL,
        cwd=cwd,
    )
    return Ran(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


def py(code: str) -> list[str]:
    """A command running `code` in this interpreter."""
    return [PYTHON, "-c", code]


def group_members(pgid: int) -> list[int]:
    """Processes (not zombies) whose process group is `pgid`."""
    found: list[int] = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != b"Z":
            found.append(int(name))
    return found
