"""Running `lessonloop run` as a real process, as people and agents do."""

from __future__ import annotations

import contextlib
import json
import os
import signal
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


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found: list[int] = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_bytes()
            except OSError:
                continue
            if int(stat[stat.rfind(b")") + 2 :].split()[1]) == pid:
                found.append(int(name))
    return found


def process_state(pid: int) -> str:
    """What /proc says of `pid` and its children (state, signal masks, where each thread waits):
    the message of a test whose runner did not end, so a rare hang in CI can be told apart (a
    signal blocked or ignored from outside, one never sent on, a command that ignored it)."""
    lines: list[str] = []
    for each in [pid, *children(pid)]:
        try:
            status = Path(f"/proc/{each}/status").read_text()
            wchan = [Path(f"/proc/{each}/task/{task}/wchan").read_text() for task in os.listdir(f"/proc/{each}/task")]
        except OSError as exc:
            lines.append(f"{each}: {exc}")
            continue
        keep = ("Name", "State", "PPid", "Threads", "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt")
        fields = [line for line in status.splitlines() if line.split(":", 1)[0] in keep]
        lines.append(f"{each}: {'; '.join(fields)}; wchan {wchan}")
    return "\n".join(lines)


def finish(process: subprocess.Popen[bytes], timeout: float = 30) -> tuple[bytes, bytes]:
    """`communicate` with a timeout that fails the test with the state of the processes left (and
    kills them) instead of leaving them behind."""
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        state = process_state(process.pid)
        for child in children(process.pid):
            with contextlib.suppress(OSError):
                os.killpg(child, signal.SIGKILL)  # the runner starts each command in a group of its own
        process.kill()
        out, err = process.communicate()
        raise AssertionError(
            f"the runner did not end in {timeout} s\n{state}\nstdout {out!r}\nstderr {err!r}"
        ) from None
    return out, err
