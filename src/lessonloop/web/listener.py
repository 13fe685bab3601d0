"""`lessonloop serve`: the store migrated and redacted once, a socket bound (127.0.0.1 unless a
non-loopback host is allowed explicitly), the app served by uvicorn until interrupted."""

from __future__ import annotations

import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lessonloop.store import open_store
from lessonloop.web.app import create_app
from lessonloop.web.figures import warm
from lessonloop.web.host_names import HostName
from lessonloop.web.security import Guard, is_loopback

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class ServeError(Exception):
    """The server cannot start; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Listening:
    """Where the server answers."""

    url: str
    host: str
    port: int
    db: str

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "host": self.host, "port": self.port, "db": self.db}


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise ServeError(f"cannot resolve the host {host!r}: {exc.strerror}") from exc
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        hint = " (another server uses it? try --port 0 for a free one)" if port else ""
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def remote_warning(host: str, guard: Guard) -> str:
    """What serving on a non-loopback `host` means, said at the start."""
    names = ", ".join(str(name) for name in guard.hosts())
    if guard.remote_writes:
        writes = (
            "With --allow-remote-writes anyone who reaches it can also approve, reject, edit, archive, restore and "
            "forget lessons: every page it serves holds this run's write token."
        )
    else:
        writes = (
            "Clients on other machines read only: their pages hold no write token and their writes are refused "
            "(--allow-remote-writes allows them); writes work from this machine."
        )
    return (
        f"Warning: serving on {host}, reachable from other machines; the store's lessons, sessions and commands "
        f"can be read by anyone who reaches it. {writes} It answers to {names} and the address a request reaches; "
        "add the names people use with --host-name."
    )


def prepare_store(db: Path) -> None:
    """Migrate the store and redact it again when its rules are old, once, before serving."""
    open_store(db).close()


def serve(
    db: Path,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    allow_remote: bool = False,
    host_names: tuple[HostName, ...] = (),
    open_browser: bool = False,
    announce: Any = None,
    allow_remote_writes: bool = False,
) -> None:
    """Serve the store at `db` until interrupted. `announce(Listening)` is called once listening.
    `host_names`: names besides its address and the loopback ones that a request's Host may give.
    `allow_remote_writes` (which allows a remote host too): clients on other machines are given
    the write token and may change lessons; without it they read only."""
    import uvicorn

    allow_remote = allow_remote or allow_remote_writes
    if not is_loopback(host) and not allow_remote:
        raise ServeError(
            f"{host} is not a loopback address: anyone who can reach it could read the store. "
            "Give --allow-remote to serve there anyway"
        )
    prepare_store(db)
    sock = bind(host, port)
    bound_port = int(sock.getsockname()[1])
    guard = Guard(host, bound_port, names=host_names, remote_writes=allow_remote_writes)
    if not is_loopback(host):
        print(remote_warning(host, guard), file=sys.stderr)
    app = create_app(db, guard)
    shown_host = f"[{host}]" if ":" in host else host
    listening = Listening(f"http://{shown_host}:{bound_port}/", host, bound_port, str(db))
    threading.Thread(target=warm, args=(app.state.web,), name="lessonloop-warm", daemon=True).start()
    if announce is not None:
        announce(listening)
    if open_browser:
        import webbrowser

        webbrowser.open(listening.url)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
