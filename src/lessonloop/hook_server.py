"""The hook server: one warm process per installation that forks a child for every hook call, and
for every read of the `lessonloop` command (apply/hooks/client.SERVED_COMMANDS).

It sits at the top of the layers, beside __main__: it runs the hooks' entry point and the command
line alike.

A hook's process spends most of its time becoming ready (the interpreter, the imports of the
handlers, the store's and the redactor's modules, the redactor's patterns and automaton) and a
few milliseconds on the call. The server becomes ready once, then for each connection of the
installed command (apply/hooks/client.py) forks: the child takes the caller's stdin, stdout and stderr
(passed as descriptors), its folder, environment, umask and arguments, and runs the same
`entry.main` the command would have run itself, writing to the agent's own pipes; its exit code
goes back to the caller, which leaves with it. A child per call keeps the calls apart (nothing of
one call's state, environment or store connection reaches the next) and the server's own state
unchanged: it never opens a store.

Trust: the socket lives in a folder only this user can enter (client.server_path), and a child
serves only a peer of the same user (SO_PEERCRED where the system has it), in the same mount
namespace and root (`same_world`: a sandboxed caller's call is never run outside its sandbox),
that names this server's installation key. The request is what an agent gives its hook: nothing a client sends
runs as code.

It leaves, removing its socket, after IDLE_SECONDS without a call (LESSONLOOP_HOOK_SERVER_IDLE
seconds), when its socket is gone or another process has taken its name (looked at every
LOOK_SECONDS while idle, and at each call), or when a file of the code it loaded
changed on disk (an upgrade: that call, like every call with no server, runs in the caller's
process, which starts a new server). A lock keeps one server per socket.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import signal
import socket
import struct
import sys
import time
import traceback

from lessonloop.__main__ import run_here
from lessonloop.apply.hooks import client
from lessonloop.apply.hooks.client import (
    MAGIC,
    RUNNING,
    SERVED_COMMANDS,
    START_EVERY,
    installation_key,
    running,
)
from lessonloop.apply.hooks.command import server_socket
from lessonloop.cli.entry import build_parser
from lessonloop.core.agent_specs import has_part, hooks_of, specs
from lessonloop.core.wings import wings
from lessonloop.secrets import redaction
from lessonloop.secrets.field_redaction import redact_fields
from lessonloop.secrets.learned_tokens import context_weights

IDLE_SECONDS = 1800.0
IDLE_ENV = "LESSONLOOP_HOOK_SERVER_IDLE"
# What the server imports and readies before its first call: every module a hook call imports (the
# handlers, every agent's adapter, the store's hook queries, recall, the failure classes, the
# redactor's rules and the learned pass's weights), which entry.main and the handlers import
# lazily, each when its event needs it. tests/apply/test_hook_server.py checks the list against what
# real hook processes import.
PRELOAD = (
    "lessonloop.apply.hooks.entry",
    "lessonloop.apply.hooks.hook_store",
    "lessonloop.apply.hooks.failures",
    "lessonloop.apply.hooks.spool",
    "lessonloop.apply.hooks.pre_tool",
    "lessonloop.apply.hooks.post_tool",
    "lessonloop.apply.hooks.prompt",
    "lessonloop.apply.hooks.session_start",
    "lessonloop.apply.hooks.session_end",
    "lessonloop.learning.live.in_session",
    "lessonloop.apply.hooks.edit_check",
    "lessonloop.apply.hooks.kit",
    "lessonloop.apply.hooks.kit.carried",
    "lessonloop.apply.hooks.kit.patch_files",
    "lessonloop.apply.hooks.kit.tool_view",
    "lessonloop.apply.hooks.kit.kind_names",
    "lessonloop.core.agent_names",
    "lessonloop.apply.context_block",
    "lessonloop.apply.ranking",
    "lessonloop.apply.recall",
    "lessonloop.analyze.call",
    "lessonloop.analyze.agent_failures",
    "lessonloop.analyze.error_headline",
    "lessonloop.analyze.placeholders",
    "lessonloop.analyze.probes",
    "lessonloop.analyze.declared_rules",
    "lessonloop.analyze.workflow",
    "lessonloop.analyze.error_classes",
    "lessonloop.analyze.output_noise",
    "lessonloop.capture.privacy",
    "lessonloop.capture.project_placement",
    "lessonloop.capture.project_resolver",
    "lessonloop.capture.projects",
    "lessonloop.core.config_location",
    "lessonloop.core.durations",
    "lessonloop.core.outside_text",
    "lessonloop.core.quick_hash",
    "lessonloop.core.tool_kinds",
    "lessonloop.learning.engine.learnable",
    "lessonloop.learning.engine.signatures",
    "lessonloop.lesson_model.checks",
    "lessonloop.lesson_model.confidence",
    "lessonloop.lesson_model.decision",
    "lessonloop.lesson_model.provenance",
    "lessonloop.lesson_model.quoting",
    "lessonloop.lesson_model.state_codec",
    "lessonloop.lesson_model.transient",
    "lessonloop.lesson_model.triggers",
    "lessonloop.secrets.redaction",
    "lessonloop.secrets.bip39_words",
    "lessonloop.secrets.decoded_views",
    "lessonloop.secrets.hex_keys",
    "lessonloop.secrets.learned_weights",
    "lessonloop.secrets.secret_stores",
    "lessonloop.settings.config",
    "lessonloop.store.connection",
    "lessonloop.store.hooks",
    "lessonloop.store.lessons.recall",
    "lessonloop.store.private_files",
    "lessonloop.store.projects.lookup",
    "lessonloop.store.schema_latest",
    "lessonloop.store.sessions.places",
    "lessonloop.store.transaction",
    "hashlib",
    "typing",
    "warnings",
    "zlib",
)
# Seconds between two looks, while idle, at whether the socket is still the server's.
LOOK_SECONDS = 60.0
_FD_BYTES = 4
# A request's largest size: its arguments and environment (an agent's are kilobytes; Linux caps
# them at a few MB): a client that sends more is refused, not read.
MAX_REQUEST_BYTES = 8 << 20
_HELD: list[int] = []  # the lock file's descriptor: closed in a child (a call never holds it)


def main(path: str) -> None:
    """Serve the hook calls for the socket at `path` until idle (the started process's entry)."""
    os.closerange(3, 1 << 16)  # nothing the agent's hook process held stays open here
    os.chdir("/")  # nor its folder (each call runs in its caller's)
    code = 0
    try:
        serve(path, idle_seconds(), installation_key())
    except SystemExit:
        pass  # SIGTERM (`stop`, a shutdown): a normal end
    except BaseException:  # its stderr is /dev/null: `hooks status` shows this file's last line
        code = 1
        failed(path, traceback.format_exc())
    finally:
        os._exit(code)


def failed(path: str, text: str) -> None:
    """Keep why the server at `path` failed (its last failure only) in `<path>.log`."""
    with contextlib.suppress(OSError):
        handle = os.open(path + ".log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(handle, f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {text}".encode("utf-8", "replace"))
        finally:
            os.close(handle)


def idle_seconds() -> float:
    try:
        return max(1.0, float(os.environ.get(IDLE_ENV, "") or IDLE_SECONDS))
    except ValueError:
        return IDLE_SECONDS


def serve(path: str, idle: float, key: str) -> None:
    """Hold the lock of `path`, get ready, then fork a child per connection until idle."""
    client.IN_SERVER[0] = True
    lock = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)  # held for the server's life
    _HELD.append(lock)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(lock)
        return  # another server holds this socket
    os.ftruncate(lock, 0)  # `running` reads no server until it listens
    ready()
    stamp = code_stamp()
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # a socket a killed server left behind (we hold the lock: none serves it)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)
    try:
        listener.bind(path)
    finally:
        os.umask(old_mask)
    listener.listen(64)
    bound = os.stat(path).st_ino
    with contextlib.suppress(OSError):
        os.unlink(path + ".log")  # an earlier start's failure: this one works
    listener.settimeout(min(idle, LOOK_SECONDS))
    last_call = time.monotonic()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the system
    signal.signal(signal.SIGTERM, _leave)  # `stop`, a shutdown: the socket is removed on the way out
    served = 0
    _note(lock, served)
    try:
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                if time.monotonic() - last_call >= idle or not _still_ours(path, bound):
                    return  # idle, or its socket removed (a temp folder deleted): nobody can call
                continue
            except InterruptedError:
                continue
            last_call = time.monotonic()
            if not _still_ours(path, bound) or code_stamp() != stamp:
                conn.close()  # the caller runs the call itself (and starts a fresh server)
                return
            try:
                pid = os.fork()
            except OSError:
                conn.close()
                continue
            if pid == 0:
                listener.close()
                for held in _HELD:
                    os.close(held)
                _child(conn, key)  # never returns
            conn.close()
            served += 1
            _note(lock, served)
    finally:
        listener.close()
        if _still_ours(path, bound):
            for name in (path, path + ".start", path + ".lock"):
                with contextlib.suppress(OSError):
                    os.unlink(name)
        os.close(lock)


def _leave(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _note(lock: int, served: int) -> None:
    """The lock file says who serves and how many calls it has taken: `PID SERVED` (`running`),
    written over in one write (never emptied first: a child reads it meanwhile; the count only
    grows, so the line never gets shorter)."""
    os.pwrite(lock, f"{os.getpid()} {served}\n".encode(), 0)


def ready() -> None:
    """Import what the hooks use and ready the redactor (its automaton, its patterns): the work
    every hook process would do again. Nothing here opens a store or reads the environment's
    settings: a child reads them from its caller's."""
    for name in PRELOAD:
        __import__(name)
    for spec in specs():  # each agent's spec (read by the entry) and hook adapter
        if spec.has_hooks and has_part(spec, "hooks"):
            hooks_of(spec)
    for wing in wings():  # the wings' steps after an edit (the history's co-change reminder)
        wing.ready_for_hooks()
    _ready_reads()
    redaction.prepare_bulk()
    context_weights()  # the learned pass's context weights (a data file a hook call reads when it needs them)
    sample = "export API_TOKEN=abc; curl -u user:pw https://x; git push origin main --password hunter2"
    for scope in redaction.SCOPES:
        redaction.redact(sample, scope)
    with redaction.shown():
        redaction.redact_value({"text": sample})


# What the reads it runs (client.SERVED_COMMANDS) import besides their parsers and handlers, which
# `_ready_reads` finds through the command line itself; tests/apply/test_hook_server.py checks the list
# against what real `lessonloop` processes import.
READ_PRELOAD = (
    "lessonloop.cli.common",
    "lessonloop.cli.terminal_output",
    "lessonloop.cli.redacting_console",
    "lessonloop.cli.empty_results",
    "lessonloop.cli.handlers.analysis_first",
    "lessonloop.capture.discovery_env",
    "lessonloop.core.json_codec",
    "lessonloop.core.json_output",
    "lessonloop.core.terminal_text",
    "lessonloop.pipeline.refresh",
    "lessonloop.pipeline.analysis_check",
    "lessonloop.report.analysis_queries",
    "lessonloop.report.analysis_render",
    "lessonloop.report.costs",
    "lessonloop.report.glossary",
    "lessonloop.report.queries",
    "lessonloop.report.render",
    "lessonloop.report.report_summary",
    "lessonloop.report.table_fit",
    "lessonloop.report.usage_queries",
    "lessonloop.secrets.field_redaction",
    "lessonloop.secrets.gitleaks_rules",
    "lessonloop.store.analysis.state",
    "lessonloop.store.capture_watch",
    "lessonloop.store.counts",
    "lessonloop.learning.store.changes",
    "lessonloop.store.migrations",
    "lessonloop.store.projects.names",
    "lessonloop.store.read_only",
    "lessonloop.store.redaction_pass",
    "lessonloop.store.search.hits",
    "lessonloop.store.search.index_upkeep",
    "lessonloop.store.search.query_text",
    "lessonloop.store.search.reader",
    "lessonloop.store.sessions.figures",
    "lessonloop.store.sessions.ids",
    "lessonloop.store.sessions.span",
    "lessonloop.store.sessions.totals",
    "rich.console",
    "rich.table",
    "rich.markup",
    "rich.text",
)
# Texts like those a read shows (an id, a time, a folder, a model, a prompt): redacting them once
# compiles the patterns such texts reach, which every read would compile again.
_READ_TEXTS = (
    "55604662-cf2a-4331-851a-ec234028f8ca",
    "2026-02-10T21:11:56.846Z",
    "/home/someone/projects/shop",
    "claude-opus-4-6",
    "main",
    "mix phx.server doesnt seem to start, see config/dev.exs",
)


def _ready_reads() -> None:
    """Import what the served reads import (their parsers and handlers as the command line names
    them, READ_PRELOAD), and redact texts like theirs for display: nothing is run."""
    for command in SERVED_COMMANDS:
        parser = build_parser(only=command)
        with contextlib.suppress(SystemExit), contextlib.redirect_stderr(io.StringIO()):
            args, _rest = parser.parse_known_args([command, "x"] if command in ("show", "search") else [command])
            handler = getattr(args, "handler", None)
            if isinstance(handler, str):
                __import__(handler.partition(":")[0])
    for name in READ_PRELOAD:
        __import__(name)
    for wing in wings():
        wing.migrations()
    agent_ids = [spec.id for spec in specs()]  # (a session's agent, as reads show it)
    redact_fields([{"id": text, "text": text, "cwd": text, "command": text} for text in (*_READ_TEXTS, *agent_ids)])


def code_stamp() -> tuple[tuple[str, int, int], ...]:
    """The size and time of every loaded lessonloop module's file: a change means an upgrade (or
    an edit of an editable install), and the server must not answer with the code it loaded."""
    stamps = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not name.startswith("lessonloop") or not file:
            continue
        try:
            seen = os.stat(file)
        except OSError:
            stamps.append((file, -1, -1))
            continue
        stamps.append((file, seen.st_size, seen.st_mtime_ns))
    return tuple(sorted(stamps))


def _still_ours(path: str, bound: int) -> bool:
    try:
        return os.stat(path).st_ino == bound
    except OSError:
        return False


def _child(conn: socket.socket, key: str) -> None:
    """In the forked child: take the call over, run it as the installed command would, report
    its exit code. Leaves with os._exit."""
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the handlers wait for their own children
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        conn.settimeout(10.0)
        call = _receive(conn, key)
        if call is None:
            os._exit(0)  # the caller reads no RUNNING: it runs the call itself
        kind, argv, cwd, parent, mask, env, fds = call
        try:
            os.chdir(cwd)
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
        finally:
            for fd in fds:
                os.close(fd)
        os.environ.clear()
        os.environ.update(env)
        os.umask(mask)
        sys.argv = ["-c", *argv] if kind == "hook" else ["lessonloop", *argv]
        sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), "utf-8", "surrogateescape")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), "utf-8", "surrogateescape", write_through=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), "utf-8", "backslashreplace", write_through=True)
        conn.sendall(RUNNING + f"{os.getpid()}\n".encode())
        if kind == "cli":
            code = _run_command(argv)
        else:
            from lessonloop.apply.hooks import entry, hook_store

            entry.CALLER_PID[0] = parent
            hook_store.LEAVE_OPEN[0] = True  # as entry.run: closed by os._exit
            code = entry.main()
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        conn.sendall(str(code).encode())
    except BaseException:
        pass  # the caller reads no code: no decision (entry.main logs its own failures)
    finally:
        os._exit(0)


def _run_command(argv: list[str]) -> int:
    """A read of the `lessonloop` command (client.SERVED_COMMANDS), run as its own process would
    run it: its exit status, a usage error's 2, 130 for an interrupt, 1 and the traceback for an
    error nothing caught."""
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the caller passes Ctrl-C on
    try:
        run_here()
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)  # what the interpreter does with a message
        return 1
    except KeyboardInterrupt:
        return 130
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def same_world(pid: int) -> bool:
    """Whether the process `pid` sees the files this server sees: the same mount namespace and
    root (Linux's /proc; elsewhere there is nothing to compare). A caller in a sandbox or a
    container of its own (`unshare -m`, bubblewrap, a read-only bind mount) must not have its call
    run outside it: it runs the call itself."""
    try:
        theirs = os.stat(f"/proc/{pid}/ns/mnt"), os.stat(f"/proc/{pid}/root")
    except OSError:
        return not os.path.isdir("/proc/self/ns")  # no /proc to compare by: only where there is none
    ours = os.stat("/proc/self/ns/mnt"), os.stat("/proc/self/root")
    return all((a.st_dev, a.st_ino) == (b.st_dev, b.st_ino) for a, b in zip(theirs, ours, strict=True))


def _receive(conn: socket.socket, key: str) -> tuple[str, list[str], str, int, int, dict[str, str], list[int]] | None:
    """The caller's request, or None (another user, another installation, a malformed message)."""
    if hasattr(socket, "SO_PEERCRED"):
        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        pid, uid, _gid = struct.unpack("3i", creds)
        if uid != os.getuid() or not same_world(pid):
            return None
    data, ancillary, _flags, _addr = conn.recvmsg(1 << 16, socket.CMSG_SPACE(3 * _FD_BYTES))
    fds: list[int] = []
    for level, message_type, payload in ancillary:
        if level == socket.SOL_SOCKET and message_type == socket.SCM_RIGHTS:
            usable = len(payload) - len(payload) % _FD_BYTES
            fds += [int.from_bytes(payload[i : i + _FD_BYTES], sys.byteorder) for i in range(0, usable, _FD_BYTES)]
    try:
        if len(fds) != 3 or len(data) < 4:
            return None
        size = int.from_bytes(data[:4], "big")
        if size > MAX_REQUEST_BYTES:
            return None
        body = bytearray(data[4:])
        while len(body) < size:
            more = conn.recv(min(1 << 16, size - len(body)))
            if not more:
                return None
            body += more
        fields = bytes(body).split(b"\0")
        if len(fields) < 7 or fields[0] != MAGIC or fields[1].decode("utf-8", "surrogateescape") != key:
            return None
        kind = fields[2].decode()
        if kind not in ("hook", "cli"):
            return None
        cwd = os.fsdecode(fields[3])
        parent, mask, count = int(fields[4]), int(fields[5]), int(fields[6])
        argv = [os.fsdecode(word) for word in fields[7 : 7 + count]]
        if kind == "cli" and (not argv or argv[0] not in SERVED_COMMANDS):
            return None  # only the reads are run so (the caller runs anything else itself)
        env: dict[str, str] = {}
        for entry in fields[7 + count :]:
            name, sep, value = entry.partition(b"=")
            if sep and name:
                env[os.fsdecode(name)] = os.fsdecode(value)
    except (ValueError, UnicodeError):
        for fd in fds:
            os.close(fd)
        return None
    return kind, argv, cwd, parent, mask, env, fds


def stop(path: str, timeout: float = 10.0) -> bool:
    """Stop the server of the socket at `path` (SIGTERM), waiting until its lock is free; whether
    one was running. A call it is serving finishes in its own child. A server the hooks started
    less than START_EVERY seconds ago that is not listening yet is waited for (up to `timeout`)."""
    seen = running(path)
    if seen is None:
        try:
            starting = time.time() - os.stat(path + ".start").st_mtime < START_EVERY
        except OSError:
            starting = False
        if not starting or not wait_ready(path, timeout):
            return False
        seen = running(path)
        if seen is None:
            return False
    try:
        os.kill(seen[0], signal.SIGTERM)
    except OSError:
        return False
    deadline = time.monotonic() + timeout
    while running(path) is not None and time.monotonic() < deadline:
        time.sleep(0.02)
    return True


def stop_installed(env: dict[str, str] | None = None, argv: list[str] | None = None) -> bool:
    """Stop the server that the installed command (`argv`, else command.check_command()) uses in
    the environment `env` (command.server_socket); whether one was running. For tests and
    benchmarks that run hooks and reads as installed: none is left behind."""
    path = server_socket(env, argv)
    return path is not None and stop(path)


def wait_ready(path: str, timeout: float = 30.0) -> bool:
    """Whether a server listens at `path` within `timeout` seconds (for tests and benchmarks; it
    looks at the lock's note, and takes no call of the server's)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running(path) is not None:
            return True
        time.sleep(0.02)
    return False
