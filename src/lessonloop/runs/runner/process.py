"""Starting the command in its own process group, with its output on pseudo-terminals or pipes,
and stopping the whole group.

Pseudo-terminals (the default) make the command write as it would to a terminal: line by line,
not in 4-8 KiB blocks, so an error is seen the moment it is printed. stdout and stderr get one
terminal each, so they stay apart. Output post-processing is turned off on them (no "\\n" to
"\\r\\n"), so the bytes come through as the command wrote them. The command reads lessonloop's own
standard input.

The command runs in a new session (setsid), so its process group is its own: stopping sends the
signal to every process of that group. A process that starts a session of its own leaves the
group and cannot be reached this way.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_COLUMNS = 120
DEFAULT_ROWS = 40


class CannotRun(Exception):
    """The command could not be started: `status` is 127 (not found) or 126 (not executable)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Child:
    """The started command: its pid (also its process group id) and the reading ends of its
    stdout and stderr."""

    __slots__ = ("pid", "popen", "stderr_fd", "stdout_fd")

    def __init__(self, popen: subprocess.Popen[bytes], stdout_fd: int, stderr_fd: int) -> None:
        self.popen = popen
        self.pid = popen.pid
        self.stdout_fd = stdout_fd
        self.stderr_fd = stderr_fd


def _terminal_pair(size: bytes | None) -> tuple[int, int]:
    import fcntl
    import termios

    master, slave = os.openpty()
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST  # oflag: write bytes as they are, no "\n" -> "\r\n"
    attrs[3] &= ~(termios.ECHO | termios.ICANON)  # lflag: nothing is typed into it anyway
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    if size is not None:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, size)
    return master, slave


def terminal_size(fd: int) -> bytes | None:
    """The window size of the terminal `fd`, packed as TIOCGWINSZ gives it (None: not a terminal)."""
    import fcntl
    import termios

    try:
        size = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
    except OSError:
        return None
    return size if size[:4] != b"\0\0\0\0" else None


def default_size() -> bytes:
    """The size given to the command's terminals when lessonloop's own output is not one."""
    import struct

    try:
        columns = int(os.environ.get("COLUMNS", DEFAULT_COLUMNS))
    except ValueError:
        columns = DEFAULT_COLUMNS
    return struct.pack("HHHH", DEFAULT_ROWS, max(20, columns), 0, 0)


def start(argv: list[str], *, use_pty: bool, env: Mapping[str, str], size: bytes | None) -> Child:
    """Start `argv` in a new session with its stdout and stderr on two new terminals (or pipes);
    CannotRun when it is not found or cannot be executed."""
    if use_pty:
        out_read, out_write = _terminal_pair(size)
        err_read, err_write = _terminal_pair(size)
    else:
        out_read, out_write = os.pipe()
        err_read, err_write = os.pipe()
    try:
        popen = subprocess.Popen(
            argv, stdout=out_write, stderr=err_write, start_new_session=True, env=dict(env), close_fds=True
        )
    except FileNotFoundError:
        _close(out_read, out_write, err_read, err_write)
        raise CannotRun(127, f"{argv[0]}: command not found") from None
    except PermissionError:
        _close(out_read, out_write, err_read, err_write)
        raise CannotRun(126, f"{argv[0]}: permission denied (not executable)") from None
    except OSError as exc:
        _close(out_read, out_write, err_read, err_write)
        if exc.errno in (errno.ENOEXEC, errno.EISDIR, errno.EACCES):
            raise CannotRun(126, f"{argv[0]}: cannot execute: {exc.strerror}") from None
        raise CannotRun(126, f"{argv[0]}: cannot run: {exc.strerror or exc}") from None
    _close(out_write, err_write)
    return Child(popen, out_read, err_read)


def _close(*fds: int) -> None:
    for fd in fds:
        with contextlib.suppress(OSError):
            os.close(fd)


def signal_group(pgid: int, signum: int) -> bool:
    """Send `signum` to the process group `pgid`; False when no process of it is left."""
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member changed its user; the rest got the signal
        return True
    return True


def group_alive(pgid: int) -> bool:
    """Whether any process of the group `pgid` is still running. Zombies do not count: an
    orphan that already ended waits for init to reap it, which some containers' init does late."""
    if not signal_group(pgid, 0):
        return False
    try:
        names = os.listdir("/proc")
    except OSError:
        return True  # no /proc: trust kill(0)
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()  # after "pid (comm) ": state ppid pgrp ...
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != b"Z":
            return True
    return False


def child_status(wait_status: int) -> int:
    """A wait status as stored: the exit code, or -N when signal N ended the process."""
    if os.WIFSIGNALED(wait_status):
        return -os.WTERMSIG(wait_status)
    return os.WEXITSTATUS(wait_status)


SIGNALS_PASSED_ON = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
