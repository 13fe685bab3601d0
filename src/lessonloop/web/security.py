"""What keeps other pages and processes from using the server: the Host header must name this
server (no DNS rebinding), a write needs this run's token and must not come from another origin
(no cross-site requests), and every answer carries headers that keep it out of frames and forbid
loading anything from elsewhere."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TOKEN_FIELD = "token"  # the form field of a write
TOKEN_HEADER = "x-lessonloop-token"  # the header of an API write
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")
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

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Guard:
    """This run's token and the names the server answers to."""

    host: str
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    any_host: bool = False  # bound to all addresses (--allow-remote): any Host, writes same-origin only

    def host_ok(self, host: str) -> bool:
        return self.any_host or host in self.hosts()

    def hosts(self) -> set[str]:
        """Host header values accepted: the bound host and, on loopback, its usual names, with the port."""
        names = {self.host, *LOOPBACK_NAMES} if is_loopback(self.host) else {self.host}
        return {f"{_bracketed(name)}:{self.port}" for name in names}

    def origins(self, host: str | None = None) -> set[str]:
        """Origin header values accepted for a write (with any_host: the request's own Host's)."""
        if self.any_host:
            return {f"http://{host}"} if host else set()
        return {f"http://{name}" for name in self.hosts()}

    def token_ok(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(str(given).encode(), self.token.encode())

    def write_refusal(self, headers: dict[str, str], token: str | None) -> str | None:
        """Why a write is refused (None: allowed): another origin, a cross-site fetch, no token."""
        origin = headers.get("origin")
        allowed = self.origins(headers.get("host"))
        if origin is not None and origin not in allowed:
            return f"a write from another origin ({origin}) is refused"
        if origin is None and headers.get("referer"):
            parts = urlsplit(headers["referer"])
            if f"{parts.scheme}://{parts.netloc}" not in allowed:
                return "a write from another page is refused"
        if headers.get("sec-fetch-site") not in (None, "same-origin", "none"):
            return "a cross-site write is refused"
        if not self.token_ok(token):
            return "this write needs the page's token (reload the page: the token changes with every server start)"
        return None


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address or name."""
    import ipaddress

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
        if not self.guard.host_ok(host):
            names = ", ".join(sorted(self.guard.hosts()))
            await _plain(send, 400, f"Unknown host {host!r}: this server answers only to {names}")
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in present)]
            await send(message)

        await self.app(scope, receive, with_headers)


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
