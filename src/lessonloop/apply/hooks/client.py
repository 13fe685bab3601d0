"""The installed hook command's first step: hand the call to the hook server, else run it here
(and the same for the reads of the `lessonloop` command: SERVED_COMMANDS, __main__.py).

An agent starts a process for every hook, on every tool call. Most of what that process costs is
Python's (the interpreter, the imports of the handlers, the store's and the redactor's modules,
their patterns compiled), not the handler's. The hook server pays that once and forks
a warm child per call (src/lessonloop/hook_server.py). So this module imports only what the interpreter has at start (`os`,
`sys`) and the socket's C module, and:

1. connects to the server's Unix socket (server_path: in a folder only this user can enter);
2. sends it this process's stdin, stdout and stderr (the descriptors themselves, SCM_RIGHTS), its
   command line, folder, environment, umask and parent's pid, and the key naming the
   installation (the interpreter, the folder lessonloop is imported from, HOME);
3. waits for the child's pid and then its exit code, and leaves with it. The child reads the
   payload from the agent's pipe and writes the answer to it, exactly as the handler would here
   (a read's output goes to the terminal or pipe the command was given; the signals that would
   end the command are passed on to the child).

Whenever the server is not there, refuses (another key, its code changed on disk) or fails before
it said it runs the call, the call runs here as before (entry.run), and a server is started in
the background for the next calls (at most one start every START_EVERY seconds, and a lock keeps
one server per socket). LESSONLOOP_HOOK_SERVER=0 turns the server off; where there is no fork or
no Unix socket (Windows), every call runs here.
"""

from __future__ import annotations

import os
import sys

# Seconds between two starts of a server by the hooks (a server that cannot start is not retried
# by every call).
START_EVERY = 20.0
CONNECT_SECONDS = 1.0
# Seconds to wait for the child's exit code: longer than any handler's budget (entry.BUDGET_SECONDS,
# twice: the answer, then its record).
RESULT_SECONDS = 130.0
MAGIC = b"LLHOOK1"
# The child took the call: from now on it is never run here too. It then sends its pid and a
# newline, and at its end its exit code.
RUNNING = b"R"
ENV = "LESSONLOOP_HOOK_SERVER"
IN_SERVER = [False]  # True in the hook server and its children (hook_server.py)
# The commands of `lessonloop` the server runs too (__main__.py hands them over): the reads, which
# take a few milliseconds of work after tens of milliseconds of becoming ready, and read no stdin.
SERVED_COMMANDS = frozenset({"stats", "sessions", "show", "report", "search"})


def installation_key() -> str:
    """What names one installation's server: the interpreter, the folder lessonloop is imported
    from and HOME (a test's temporary HOME gets a server of its own), the same for a hook's
    command and for the `lessonloop` command. The server checks it on every request."""
    package = __file__.rsplit("/", 4)[0]  # <folder>/lessonloop/apply/hooks/client.py -> <folder>
    return "\n".join([sys.executable, package, os.environ.get("HOME", "")])


def server_path(key: str) -> str | None:
    """The server's socket for `key`: `<runtime folder>/lessonloop-<uid>/h-<crc>.sock`, where the
    runtime folder is XDG_RUNTIME_DIR when set, else the temp folder. None when the folder is not
    this user's alone (made here with mode 0700 when missing) or the path is too long for a
    socket."""
    import zlib  # a C module: no Python code to import

    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    uid = os.getuid()
    folder = f"{base.rstrip('/')}/lessonloop-{uid}"
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        seen = os.lstat(folder)
    except OSError:
        return None
    if seen.st_uid != uid or (seen.st_mode & 0o077) or (seen.st_mode & 0o170000) != 0o040000:
        return None  # a folder another user made, or one others can enter: never trusted
    path = f"{folder}/h-{zlib.crc32(key.encode('utf-8', 'surrogateescape')):08x}.sock"
    return path if len(path.encode()) < 104 else None  # sun_path's size (104 on macOS, 108 Linux)


def run() -> None:
    """The hook command's entry point: through the server when it answers, else entry.run."""
    if os.environ.get(ENV, "1") != "0" and hasattr(os, "fork"):
        code = through_server()
        if code is not None:
            os._exit(code)
    from lessonloop.apply.hooks.entry import run as run_here

    run_here()


def through_server(kind: str = "hook", argv: list[str] | None = None) -> int | None:
    """The exit code of the call as the server's child ran it, or None when this process must run
    it (no server, a refusal, a failure before the child took the call); then a server is
    started when none answers. `kind`: "hook" (a hook's call: `argv`, else this process's
    arguments) or "cli" (a read of the `lessonloop` command, `argv` its words: signals that
    would end this process are passed on to the child, and it may take as long as it takes)."""
    if IN_SERVER[0]:
        return None  # the server's own child never calls the server (it would call itself forever)
    try:
        import _socket  # type: ignore[import-not-found,unused-ignore]  # `socket` imports enum: ms
    except ImportError:
        return None
    key = installation_key()
    path = server_path(key)
    if path is None:
        return None
    words = sys.argv[1:] if argv is None else argv
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        sock.settimeout(CONNECT_SECONDS)
        try:
            sock.connect(path)
        except OSError:
            if "--check" not in words:  # `hooks status` looks: it starts nothing
                start_server(path)
            return None
        try:
            sock.sendmsg([_request(key, kind, words)], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, _fds())])
            sock.settimeout(RESULT_SECONDS)
            if sock.recv(1) != RUNNING:
                return None  # refused before it read anything: run here
        except OSError:
            return None
        # From here the child has the call: whatever happens, it is not run a second time.
        if kind == "cli":
            sock.settimeout(None)
        answer = b""
        forwarding = False
        try:
            while True:
                chunk = sock.recv(64)
                if not chunk:
                    break
                answer += chunk
                if kind == "cli" and not forwarding and b"\n" in answer:
                    forwarding = _forward_signals(answer.split(b"\n", 1)[0])
        except OSError:
            pass
        code = answer.split(b"\n", 1)[1] if b"\n" in answer else b""
        if code.isdigit():
            return int(code)
        return 0 if kind == "hook" else 1  # a child that died: no decision (a hook fails open)
    finally:
        sock.close()


def _forward_signals(pid: bytes) -> bool:
    """Pass the signals that would end this process (Ctrl-C, a hang-up, a kill) on to the child
    doing its work (the terminal sends them to this process's group, not to the server's)."""
    if not pid.isdigit():
        return False
    import _signal  # type: ignore[import-not-found,unused-ignore]  # the C module: `signal` imports enum

    child = int(pid)

    def forward(signum: int, _frame: object) -> None:
        try:  # noqa: SIM105 - contextlib is an import this command does without
            os.kill(child, signum)
        except OSError:
            pass

    for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"):
        number = getattr(_signal, name, None)
        if number is not None:
            _signal.signal(number, forward)
    return True


def _fds() -> bytes:
    return b"".join(fd.to_bytes(4, sys.byteorder) for fd in (0, 1, 2))


def _request(key: str, kind: str, words: list[str]) -> bytes:
    """MAGIC, then NUL-separated: the key, the kind ("hook" or "cli"), the folder, the parent's
    pid, the umask, the number of arguments, the arguments, then the environment's `NAME=value`
    entries; all behind the body's length (4 bytes). No field can hold a NUL (POSIX forbids it
    in each)."""
    mask = os.umask(0o022)
    os.umask(mask)
    fields = [
        key.encode("utf-8", "surrogateescape"),
        kind.encode(),
        os.getcwdb(),
        str(os.getppid()).encode(),
        str(mask).encode(),
        str(len(words)).encode(),
        *(os.fsencode(word) for word in words),
        *(name + b"=" + value for name, value in os.environb.items()),
    ]
    body = MAGIC + b"\0" + b"\0".join(fields)
    return len(body).to_bytes(4, "big") + body


def start_server(path: str) -> None:
    """Start the server for `path` in the background, detached from the agent's session and its
    pipes, unless the hooks started one less than START_EVERY seconds ago."""
    stamp = path + ".start"
    try:
        import time

        if time.time() - os.stat(stamp).st_mtime < START_EVERY:
            return
    except OSError:
        pass
    try:
        with open(stamp, "wb"):
            pass
        devnull = os.devnull
        paths = sys.path
        if not sys.flags.isolated and not getattr(sys.flags, "safe_path", False):
            # the first folder is the script's, or the current one (`python -m`): not the server's,
            # which outlives this command and serves calls made elsewhere
            paths = paths[1:]
        code = (
            f"import sys; sys.path[:] = {paths!r}\n"
            "try:\n    from lessonloop.hook_server import main\n"
            "except BaseException:  # kept for `hooks status`: this process's stderr is /dev/null\n"
            f"    import traceback; open({path + '.log'!r}, 'w').write(traceback.format_exc()); raise\n"
            f"main({path!r})"
        )
        os.posix_spawn(
            sys.executable,
            [sys.executable, "-I", *(["-S"] if sys.flags.no_site else []), "-c", code],
            os.environ,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_OPEN, 1, devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, devnull, os.O_WRONLY, 0),
            ],
            setsid=True,
        )
    except (OSError, AttributeError, NotImplementedError):
        pass  # no server this time: the calls run here


def running(path: str) -> tuple[int, int] | None:
    """(pid, calls taken) of the server holding the lock of the socket at `path`, or None when
    none runs."""
    try:
        import fcntl  # `hooks status`, tests and benchmarks: never a hook's call

        with open(path + ".lock") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                words = lock.read().split()
                if len(words) == 2 and all(word.isdigit() for word in words):
                    return int(words[0]), int(words[1])
                return None
            fcntl.flock(lock, fcntl.LOCK_UN)
            return None
    except OSError:
        return None
