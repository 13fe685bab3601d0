"""Host names as the server compares them: a request's `Host` header (or an `Origin`'s host), and
the names a person gives with `serve --host-name`. Lower case, IPv6 addresses bracketed and
compressed, the port apart (None: the header named none). Standard library only: the CLI checks
`--host-name` with it before the web extra is imported."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from lessonloop.web.quoting import shown

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_MAX_NAME = 253  # DNS: a name is at most 253 characters


class HostNameError(ValueError):
    """A `--host-name` value that names no host; the message says what is expected."""


@dataclass(frozen=True, slots=True)
class HostName:
    """A host (a DNS name, an IPv4 address or a bracketed IPv6 one) and its port, if named."""

    name: str
    port: int | None = None

    def __str__(self) -> str:
        return self.name if self.port is None else f"{self.name}:{self.port}"


def parse_host(text: str) -> HostName | None:
    """The host a `Host` header (or an origin's host and port) names; None when it names none."""
    text = text.strip().lower()
    port: int | None = None
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            return None
        name, rest = text[: end + 1], text[end + 1 :]
        if rest:
            if not rest.startswith(":"):
                return None
            port = _port(rest[1:])
            if port is None:
                return None
        address = _ip(name[1:-1])
        if address is None or address.version != 6:
            return None
        return HostName(f"[{address.compressed}]", port)
    name, colon, rest = text.partition(":")
    if colon:
        port = _port(rest)
        if port is None:
            return None
    if not name or len(name) > _MAX_NAME:
        return None
    address = _ip(name)
    if address is not None:
        return HostName(address.compressed, port)
    if all(_LABEL.match(label) for label in name.split(".")) and not name.replace(".", "").isdigit():
        return HostName(name, port)
    return None


def host_name_option(text: str) -> HostName:
    """A `--host-name` value: NAME or NAME:PORT (an IPv6 address in brackets); HostNameError otherwise."""
    given = text.strip()
    if "://" in given or "/" in given:
        raise HostNameError(f"give a host name, not a URL: {shown(given)} (e.g. lessons.lan or lessons.lan:8765)")
    if given in ("*", ""):
        raise HostNameError("give a host name such as lessons.lan; every name cannot be allowed")
    if given.count(":") > 1 and not given.startswith("["):
        raise HostNameError(f"write an IPv6 address in brackets: [{given}]")
    found = parse_host(given)
    if found is None:
        raise HostNameError(
            f"not a host name: {shown(given)} (letters, digits, '-' and '.', or an IP address; optionally :PORT)"
        )
    return found


def ip_host(address: str) -> str | None:
    """The Host-header form of an IP address (IPv4-mapped IPv6 as IPv4, IPv6 bracketed); None for
    anything else."""
    found = _ip(address)
    if found is None:
        return None
    if found.version == 6:
        mapped = getattr(found, "ipv4_mapped", None)
        return mapped.compressed if mapped is not None else f"[{found.compressed}]"
    return found.compressed


def _port(text: str) -> int | None:
    if not text.isdigit() or len(text) > 5 or not 0 < int(text) <= 65535:
        return None
    return int(text)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
