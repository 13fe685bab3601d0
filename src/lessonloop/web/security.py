"""What keeps other pages and processes from using the server: the Host header must name this
server (no DNS rebinding: a name an attacker's DNS points here is refused, with --allow-remote
too), a write needs this run's token and must come from a page of this server (no cross-site
requests), a client on another machine gets neither the token nor a write unless the person
started the server with --allow-remote-writes (`writes_from`), and every answer carries headers
that keep it out of frames and forbid loading anything from elsewhere."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lessonloop.web.host_names import HostName, ip_host, parse_host
from lessonloop.web.quoting import shown

TOKEN_FIELD = "token"  # the form field of a write
TOKEN_HEADER = "x-lessonloop-token"  # the header of an API write
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADERS = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
)
_DEFAULT_PORTS = (80, 443)  # a Host without a port: the scheme's own (a proxy in front sends it so)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Guard:
    """This run's token and the names the server answers to: the address it is bound to, the
    loopback names, the address a connection reached (an IP address typed in a browser, never a
    name an attacker's DNS can point here), and the names given with --host-name; every one with
    the server's port (a --host-name without a port: also with none, as behind a proxy)."""

    host: str
    port: int
    names: tuple[HostName, ...] = ()
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    remote_writes: bool = False  # --allow-remote-writes: clients on other machines may write too

    def writes_from(self, peer: str | None) -> bool:
        """Whether a client whose connection comes from `peer` (its address; None: unknown) may
        write, and so be given the token: one on this machine (a loopback address), or any with
        --allow-remote-writes. The connection's address, never a header: a Host or Origin is
        the client's to choose."""
        return self.remote_writes or (peer is not None and is_loopback(peer))

    def host_ok(self, host: str, local: str | None = None) -> bool:
        """Whether a `Host` header names this server (`local`: the address the connection reached)."""
        found = parse_host(host)
        return found is not None and any(_matches(found, allowed, self.port) for allowed in self.hosts(local))

    def hosts(self, local: str | None = None) -> tuple[HostName, ...]:
        """The hosts accepted, in the order a message lists them."""
        bound = parse_host(_bracketed(self.host))
        defaults = [*LOOPBACK_NAMES, *(n for n in (bound.name if bound else None, local) if n)]
        own = tuple(HostName(name, self.port) for name in dict.fromkeys(defaults))
        return (*own, *(name for name in self.names if name not in own))

    def origin_ok(self, origin: str, local: str | None = None) -> bool:
        """Whether an `Origin` (or a Referer's scheme and host) is a page of this server."""
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and self.host_ok(parts.netloc, local)

    def token_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(str(given).encode(), self.token.encode())

    def write_refusal(
        self, headers: dict[str, str], token: str | None, local: str | None, peer: str | None
    ) -> str | None:
        """Why a write is refused (None: allowed): from another machine without
        --allow-remote-writes (`peer`: the connection's address), another origin, a cross-site
        fetch, no token."""
        if not self.writes_from(peer):
            return (
                "this server takes writes from this machine only: it was started without --allow-remote-writes, "
                "so a client on another machine reads the store and changes nothing"
            )
        origin = headers.get("origin")
        if origin is not None and not self.origin_ok(origin, local):
            return f"a write from another origin ({shown(origin)}) is refused"
        if origin is None and headers.get("referer"):
            parts = urlsplit(headers["referer"])
            if not self.origin_ok(f"{parts.scheme}://{parts.netloc}", local):
                return "a write from another page is refused"
        if headers.get("sec-fetch-site") not in (None, "same-origin", "none"):
            return "a cross-site write is refused"
        if not self.token_ok(token):
            return "this write needs the page's token (reload the page: the token changes with every server start)"
        return None


def peer_address(scope: Scope) -> str | None:
    """The address a request's connection came from (None: unknown)."""
    client = scope.get("client")
    return str(client[0]) if client else None


def local_host(scope: Scope) -> str | None:
    """The address a request's connection reached, as a Host header names it (None: unknown)."""
    server = scope.get("server")
    return ip_host(str(server[0])) if server else None


def _matches(found: HostName, allowed: HostName, port: int) -> bool:
    if found.name != allowed.name:
        return False
    if allowed.port is None:  # a --host-name without a port: the server's, or none (a proxy's default)
        return found.port in (None, port)
    return found.port == allowed.port or (found.port is None and allowed.port in _DEFAULT_PORTS)


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address or name."""
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _bracketed(name: str) -> str:
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


class GuardMiddleware:
    """Refuses a request for another Host (400) and adds the security headers to every answer."""

    def __init__(self, app: App, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"), "")
        local = local_host(scope)
        if not self.guard.host_ok(host, local):
            await _plain(send, 400, host_refusal(host, self.guard.hosts(local)))
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


def host_refusal(host: str, hosts: tuple[HostName, ...]) -> str:
    """What a request for another host is told: no data of the store, no token; how to add a name."""
    names = ", ".join(str(name) for name in hosts)
    return (
        f"Unknown host {shown(host)}: this server answers only to {names}. "
        "If you reach it by another name, start it with --host-name NAME (lessonloop serve --help)."
    )


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
