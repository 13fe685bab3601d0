"""HTTP for the web tests: a request to a running `lessonloop serve` with any method, body and
headers (Host and Origin included) answering (status, headers, body) whatever the status; the
token a page carries."""

from __future__ import annotations

import re
import urllib.error
import urllib.request


def request(
    url: str, *, method: str = "GET", data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def token_of(url: str) -> str:
    """The token the page at `url` (a server's /lessons) carries."""
    _, _, body = request(url)
    found = re.search(rb'name="lessonloop-token" content="([^"]+)"', body)
    assert found, "the page carries no token"
    return found.group(1).decode()
