"""Personal data scrubbing: email addresses, IP addresses, host names and user names in home paths.

Not secrets, but what says who and where a person is. Scrubbing is a setting (lessonloop.settings.config
`[privacy]`, docs/privacy.md): on by default for what leaves the machine (exports, team pushes),
off by default for the local store, which is the person's own. A match becomes
`[REDACTED:email]`, `[REDACTED:ip]`, `[REDACTED:hostname]`, or, in a path, the user's folder
name `[REDACTED:user]` (`/home/[REDACTED:user]/project`).

Kept: well-known public hosts (github.com, pypi.org, ... and their subdomains), example domains,
localhost and loopback addresses, service mail boxes (git@, noreply@), version numbers (`v1.2.3.4`),
file names (`setup.py`, `.env.local`: a host name must end with a top-level domain of the list
below and not be followed by another extension), shared home folders (/Users/Shared).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_TLDS = (
    "com|net|org|io|dev|ai|co|cloud|tech|xyz|info|biz|me|us|uk|de|fr|eu|ca|au|jp|cn|nl|se|ch|es|it|ru|br|pl"
    "|internal|local|lan|corp|intranet|home|localdomain|private"
)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?P<domain>(?:" + _LABEL + r"\.)+[A-Za-z]{2,24})(?![\w-])"
)
HOSTNAME = re.compile(
    r"(?<![\w@.\-\\])(?<![^/]/)(?:" + _LABEL + r"\.)+(?:" + _TLDS + r")(?![\w-]|\.[A-Za-z0-9])", re.IGNORECASE
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(r"(?<![\w.])" + _OCTET + r"(?:\." + _OCTET + r"){3}(?![\w]|\.\d)")
IPV6 = re.compile(
    r"(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}"
    r"|(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}"
    r"|(?:[0-9A-Fa-f]{1,4}:){1,7}:)(?![\w:])"
)
# /home/alice, /Users/alice, C:\Users\alice (\\ inside JSON strings), C:/Users/alice
HOME = re.compile(
    r"(?:(?<![\w.])/home/|(?<![\w.])/Users/|(?<![\w])[A-Za-z]:(?:\\\\|\\|/)Users(?:\\\\|\\|/))"
    r"(?P<user>[^\\/\s\"'`:;,*?<>|\[\]]{1,64})"
)
_PUBLIC = frozenset(
    {
        "github.com", "githubusercontent.com", "github.io", "gitlab.com", "bitbucket.org", "pypi.org",
        "pythonhosted.org", "python.org", "npmjs.org", "npmjs.com", "yarnpkg.com", "docker.com", "docker.io",
        "googleapis.com", "google.com", "gstatic.com", "anthropic.com", "claude.ai", "openai.com", "microsoft.com",
        "amazonaws.com", "aws.amazon.com", "cloudflare.com", "stackoverflow.com", "rust-lang.org", "crates.io",
        "golang.org", "go.dev", "nodejs.org", "mozilla.org", "w3.org", "apple.com", "example.com", "example.org",
        "example.net", "readthedocs.io", "readthedocs.org", "wikipedia.org", "jsdelivr.net", "unpkg.com",
        "youtube.com", "twitter.com", "x.com", "slack.com", "discord.com", "heroku.com", "sentry.io", "socket.io",
        "shields.io", "npm.im", "debian.org", "ubuntu.com", "kernel.org", "gnu.org", "apache.org", "json-schema.org",
        "schema.org", "localhost.localdomain", "huggingface.co", "vercel.com", "netlify.com", "atlassian.com",
        "docker.internal",
    }
)  # fmt: skip
# What follows `name@` that is a file, not a mail domain (icon@2x.png)
_FILE_ENDINGS = frozenset(
    {
        "png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "js", "mjs", "ts", "tsx", "jsx", "css", "scss",
        "json", "md", "txt", "py", "rb", "go", "rs", "html", "xml", "yaml", "yml", "toml", "lock", "zip", "gz",
        "tgz", "whl", "so", "dll", "exe", "sh",
    }
)  # fmt: skip
_SERVICE_MAIL = frozenset({"git", "noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon"})
_KEPT_USERS = frozenset({"shared", "public", "default", "all users", "default user", "runner", "user", "username"})
# The user name of this person's own home folder, kept in a path where what is written stays with
# them (a rules file of their own agents: `lessons export --agent`): a remedy's path must still work
# there (issue 83, item 6). What leaves the machine (team pushes, dataset exports) never sets it.
_OWN_USER: ContextVar[str | None] = ContextVar("own_user", default=None)


@contextmanager
def own_home_kept(user: str | None) -> Iterator[None]:
    """Within it, a path in the home folder of `user` (this person's) keeps its user name."""
    token = _OWN_USER.set(user.lower() if user else None)
    try:
        yield
    finally:
        _OWN_USER.reset(token)


_KEPT_IPS = frozenset({"0.0.0.0", "255.255.255.255"})


def scrub_pii(text: str) -> tuple[str, int]:
    """`text` with personal data replaced, and how many were."""
    if len(text) < 4 or not _maybe(text):
        return text, 0
    spans: list[tuple[int, int, str]] = []
    for found in EMAIL.finditer(text):
        local = found.group(0).split("@", 1)[0].lower()
        domain = found.group("domain")
        if local in _SERVICE_MAIL or _public(domain) or domain.rsplit(".", 1)[1].lower() in _FILE_ENDINGS:
            continue
        spans.append((found.start(), found.end(), "email"))
    own = _OWN_USER.get()
    for found in HOME.finditer(text):
        user = found.group("user")
        if user.lower() in _KEPT_USERS or user.startswith(("$", "%", "{", "<", "[REDACTED", "~")):
            continue
        if own is not None and user.lower() == own:
            continue
        spans.append((found.start("user"), found.end("user"), "user"))
    for found in IPV4.finditer(text):
        address = found.group(0)
        if address in _KEPT_IPS or address.startswith("127."):
            continue
        spans.append((found.start(), found.end(), "ip"))
    for found in IPV6.finditer(text):
        address = found.group(0)
        if address.startswith(("::", "fe80")) and address in ("::1", "::"):
            continue
        if any(c.isdigit() for c in address) and max(len(g) for g in address.split(":")) >= 3:
            spans.append((found.start(), found.end(), "ip"))
    for found in HOSTNAME.finditer(text):
        if not _public(found.group(0)):
            spans.append((found.start(), found.end(), "hostname"))
    if not spans:
        return text, 0
    return _replace(text, spans)


def scrub_pii_value(value: Any) -> tuple[Any, int]:
    """Every string inside a JSON-like value scrubbed (containers copied only when changed)."""
    if isinstance(value, str):
        return scrub_pii(value)
    if isinstance(value, dict):
        total = 0
        out: dict[Any, Any] = {}
        for key, item in value.items():
            out[key], count = scrub_pii_value(item)
            total += count
        return (out, total) if total else (value, 0)
    if isinstance(value, list | tuple):
        total = 0
        items: list[Any] = []
        for item in value:
            cleaned, count = scrub_pii_value(item)
            items.append(cleaned)
            total += count
        return (items, total) if total else (value, 0)
    return value, 0


def _maybe(text: str) -> bool:
    """A cheap look for what every kind needs: `@`, a dot, a colon or a home folder."""
    return "@" in text or "." in text or ":" in text or "/home/" in text or "Users" in text


def _public(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in _PUBLIC or host.startswith("localhost"):
        return True
    parts = host.split(".")
    return any(".".join(parts[i:]) in _PUBLIC for i in range(1, len(parts) - 1))


def _replace(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, int]:
    spans.sort(key=lambda span: (span[0], -span[1]))
    out: list[str] = []
    cursor = 0
    count = 0
    for start, end, kind in spans:
        if start < cursor:
            continue  # inside one replaced already (an email's domain is not a host name again)
        out.append(text[cursor:start])
        out.append(f"[REDACTED:{kind}]")
        cursor = end
        count += 1
    out.append(text[cursor:])
    return "".join(out), count
