"""Passwords given to programs in forms no key name announces, read by the form of the option
rather than by the program:

- Windows-style options naming a password: `/pass:X`, `/p:X`, `/password:X`, `/pw:X`,
  `/rp X` (cmdkey, xfreerdp, schtasks, runas-like tools);
- `-p X` (or `-pw`, `-P`) on a command line that also gives a user (`-u`, `-U`, `--user`,
  `/user:`): psexec, mongosh, database and queue clients (a port is a number and stays);
- a user created or changed with its password after its name: `add_user NAME PW`,
  `change_password NAME PW`, `net user NAME PW`, `user create ... -p PW`;
- `AUTH [user] PW` sent to a server (Redis, SMTP sessions);
- PowerShell's `ConvertTo-SecureString 'PW' -AsPlainText`;
- an `expect` script answering a password prompt: `send "PW\\r"` after `assword`.

A value must have a secret's shape (secrets/assignments.secret_shaped): not a variable, a
path, a placeholder or a number.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.structural import matches_at, places
from lessonloop.secrets.token_shape import unquoted_span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_VALUE = r"(\"[^\"\n]{1,200}\"|'[^'\n]{1,200}'|[^\s\"';&|]{1,200})"
_WINDOWS = LazyRegex(
    r"(?i)(?<=[\s\"'])/(?:p|pass|password|passwd|pw|pwd|rp|sp|secret)(?::|=|[ \t]+(?=[^/\s]))" + _VALUE
)
_DASH_P = LazyRegex(r"(?:^|[ \t])-(?:p|pw|P|pass|passwd|password|Password)[ \t]+" + _VALUE)
_USER_GIVEN = LazyRegex(
    r"(?:^|[ \t])(?:-u|-U|--user|--username|-user|-l|/u:|/user:|-Username|-User)(?:[ \t=]|(?<=:))\S"
)
_USER_VERB = LazyRegex(
    r"(?i)\b(?:add_user|add-user|adduser|change_password|change-password|set_password|set-password|passwd"
    r"|net[ \t]+user|user[ \t]+(?:add|create|set-password|passwd)|superuser[ \t]+(?:upsert|create)"
    r"|account[ \t]+authorize|authorize-account|authorize_account)[ \t]+(?:-{1,2}[\w-]+[ \t]+)*"
    r"(?:\"[^\"\n]+\"|'[^'\n]+'|[^\s\"'/-][^\s]*)[ \t]+(?!-)" + _VALUE
)
# a line that creates or changes a user: its `-p X` is the user's password
_USER_LINE = LazyRegex(
    r"(?i)\b(?:user[ \t]+(?:add|create|update|set|passwd)|useradd|usermod|adduser|create[_-]?user|add[_-]?user)\b[^\n]*"
)
_AUTH = LazyRegex(r"(?m)(?:^|[>\s])AUTH[ \t]+(?:[^\s]+[ \t]+)?" + _VALUE + r"[ \t]*$")
_SECURE_STRING = LazyRegex(r"(?i)ConvertTo-SecureString[ \t]+(?:-String[ \t]+)?(\"[^\"\n]+\"|'[^'\n]+')")
# `--user NAME:PW`, `-u NAME:PW`, `--creds NAME:PW` (etcdctl, curl-like clients)
_USER_COLON = LazyRegex(
    r"(?:^|[ \t])(?:-[a-zA-Z]{0,3}u|-U|--user|--username|--creds|--credentials|--auth|-a|--basic-auth)(?:[ \t]+|=)[\"']?"
    r"[^\s:,\"'/@]{1,64}[:,][\"']?([^\s\"']{4,200})"
)
# `echo TOKEN | tool login`, `printf PW | tool auth ...`: a value piped to a command that logs in
_PIPED = LazyRegex(
    r"(?:echo|printf)[ \t]+(?:-[neE]+[ \t]+)*(\"[^\"\n]{4,200}\"|'[^'\n]{4,200}'|[^\s|;&\"'$]{4,200})[ \t]*\|[ \t]*"
    r"[^\n|;&]*?\b(?:login|auth|authenticate|password|passwd|secret|secrets|token|key|credentials?|--password-stdin"
    r"|--data-file=-|put|store|set|sudo|xxd|base64|chpasswd|passwd)\b"
)
# `net use Z: \\host\share /user:NAME PW`
_SMBPASSWD = LazyRegex(r"\bsmbpasswd[ \t]+(?:-\w[ \t]+)*-w[ \t]+(\S{4,200})")
_NET_USE = LazyRegex(r"(?i)\bnet[ \t]+use\b[^\n]*?/user:\S+[ \t]+(?!/)(\S{4,200})")
# OpenSSL's pass phrase arguments: `-passout pass:X`, `-passin pass:X`, `-k pass:X`
_OPENSSL_PASS = LazyRegex(r"(?:^|[ \t])-(?:pass(?:in|out)?|k|kfile|passphrase)[ \t]+pass:(\S{3,200})")
# `+login NAME PW` (steamcmd and console tools of its kind)
_PLUS_LOGIN = LazyRegex(r"(?:^|[ \t])\+login[ \t]+[^\s+]+[ \t]+([^\s+]{4,200})")
_EXPECT = LazyRegex(
    r"(?is)assword.{0,60}?\bsend[ \t]+(?:--[ \t]+)?(?:\"([^\"\n]+?)(?:\\r|\\n)?\"|\{([^}\n]+?)(?:\\r|\\n)?\})"
)


_WINDOWS_NEEDLES = ("net use", "/p:", "/p=", "/p ", "/pass", "/pw", "/rp", "/sp:", "/sp ", "/secret")
_DASH_P_NEEDLES = (" -p ", " -pw ", " -P ", " -pass", " -Pass", "\t-p ")
_USER_LINE_NEEDLES = (
    "superuser", "authorize",
    "user add", "user create", "user update", "user set", "user passwd", "useradd", "usermod", "adduser",
    "createuser", "create_user", "create-user", "add_user", "add-user", "change_password", "change-password",
    "set_password", "set-password", "passwd", "net user",
)  # fmt: skip
_USER_COLON_NEEDLES = (
    "-u",
    "-su",
    "-ku",
    "-fu",
    "-sku",
    "-fsu",
    "-ksu",
    "-U",
    "--user",
    "--creds",
    "--credentials",
    "--auth",
    "-a ",
    "--basic-auth",
)


def program_spans(text: str, shaped: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    """`shaped(value) -> bool`: whether a value looks like a secret (passed in: assignments.py's)."""
    check = shaped
    out: list[tuple[int, int, str]] = []

    def add(start: int, end: int, kind: str) -> None:
        start, end = unquoted_span(text, start, end)
        if end > start and check(text[start:end]):
            out.append((start, end, kind))

    lowered = text.lower()
    if any(needle in lowered for needle in _WINDOWS_NEEDLES):
        for found in _WINDOWS.finditer(text):
            add(found.start(1), found.end(1), "password-option")
    if any(needle in text for needle in _DASH_P_NEEDLES) and _USER_GIVEN.search(text) is not None:
        for found in _DASH_P.finditer(text):
            line_start = text.rfind("\n", 0, found.start()) + 1
            line_end = text.find("\n", found.end())
            line = text[line_start : len(text) if line_end < 0 else line_end]
            if _USER_GIVEN.search(line) is not None:
                add(found.start(1), found.end(1), "password-option")
    if ("user" in lowered or "passw" in lowered) and any(needle in lowered for needle in _USER_LINE_NEEDLES):
        for user_line in _USER_LINE.finditer(text):
            for found in _DASH_P.finditer(text, user_line.start(), user_line.end()):
                add(found.start(1), found.end(1), "user-password")
        for found in _USER_VERB.finditer(text):
            add(found.start(1), found.end(1), "user-password")
    if ":" in text and any(needle in text for needle in _USER_COLON_NEEDLES):
        # a match starts at the text's start or at the blank before its flag's dash
        starts = ([0] if text.startswith("-") else []) + places(text, (" -", "\t-"))
        for found in matches_at(_USER_COLON, text, starts):
            add(found.start(1), found.end(1), "user-password")
    if "|" in text and ("echo" in text or "printf" in text):
        for found in _PIPED.finditer(text):
            start, end = unquoted_span(text, found.start(1), found.end(1))
            colon = text.find(":", start, end)
            add(colon + 1 if colon >= 0 else start, end, "piped-secret")  # `user:PW`: the password
    if "smbpasswd" in lowered:
        for found in _SMBPASSWD.finditer(text):
            add(found.start(1), found.end(1), "cli-secret")
    if "net use" in lowered:
        for found in _NET_USE.finditer(text):
            add(found.start(1), found.end(1), "cli-secret")
    if "pass:" in text:
        out += [(f.start(1), f.end(1), "password-option") for f in _OPENSSL_PASS.finditer(text)]
    if "+login" in text:
        for found in _PLUS_LOGIN.finditer(text):
            if found.group(1)[0] not in "$%{<" and any(not c.isalpha() for c in found.group(1)):
                out.append((found.start(1), found.end(1), "user-password"))
    if "AUTH" in text:
        for found in _AUTH.finditer(text):
            add(found.start(1), found.end(1), "auth-password")
    if "securestring" in lowered:
        for found in _SECURE_STRING.finditer(text):
            add(found.start(1), found.end(1), "securestring-password")
    if "send" in text and "assword" in lowered:
        for found in _EXPECT.finditer(text):
            group = 1 if found.group(1) is not None else 2
            add(found.start(group), found.end(group), "expect-password")
    return out
