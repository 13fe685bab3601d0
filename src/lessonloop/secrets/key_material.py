"""Keys known by the form of their file rather than a vendor's prefix:

- a block between `-----BEGIN X-----` and `-----END X-----` whose label names a key or a secret
  and not a public key or a certificate (OpenVPN's static key, any `... PRIVATE KEY` or
  `... SECRET KEY` block): its body;
- minisign's and signify's secret keys: the line after `untrusted comment: ... secret key`;
- a key as a list of bytes (a Solana or other wallet's keypair file, a seed): a JSON array of
  exactly 32 or 64 integers from 0 to 255;
- what a key file shows when read (`cat config/master.key`, `type secrets\\api.key`,
  `Get-Content id_ed25519`): the random tokens of the lines after the command, up to the next
  prompt or blank line.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.structural import matches_at, places, plain_case
from lessonloop.secrets.token_shape import random_token

_BLOCK = LazyRegex(
    r"-----[ ]?BEGIN ([A-Za-z0-9 ]{1,60}?)[ ]?-----[ \t]*(?:\r?\n|\\r?\\n)(.*?)-----[ ]?END \1[ ]?-----", 16
)  # DOTALL
_UNTRUSTED = LazyRegex(r"untrusted comment:[^\n]{0,80}?secret key[^\n]*\r?\n([A-Za-z0-9+/=]{40,400})")
_BYTES = LazyRegex(r"\[\s*((?:\d{1,3}\s*,\s*){31,63}\d{1,3})\s*\]")
_READ = LazyRegex(
    r"(?:^|[\s;&|$>])(?:cat|type|more|less|head|tail|bat|batcat|Get-Content|gc|xxd|od|strings|base64)[ \t]+"
    r"(?:-\S+[ \t]+)*([^\s;&|]*(?:\.key|_key|-key|\.pem|\.p8|\.secret|secrets?|credentials?|creds|token|passw\w*|auth\w*"
    r"|recovery\w*|backup[-_]codes|id_(?:rsa|dsa|ecdsa|ed25519))[^\s;&|\"']*"
    r"(?:\.[a-z]{1,5})?)[\"']?[ \t]*\r?\n",
    2,  # IGNORECASE
)
_WORD = LazyRegex(r"[A-Za-z0-9+/=_\-!@#$%^&*]{8,}")
_PROMPT = ("$ ", "> ", "# ", "PS ", "% ")


_BITLOCKER = LazyRegex(r"(?<![\d-])\d{6}(?:-\d{6}){7}(?![\d-])")  # a BitLocker recovery key
# a product key: five groups of five capitals and digits (Windows, Office and many others)
_PRODUCT_KEY = LazyRegex(r"(?<![\w-])[A-Z0-9]{5}(?:-[A-Z0-9]{5}){4}(?![\w-])")


def bitlocker_spans(text: str) -> list[tuple[int, int, str]]:
    """BitLocker recovery keys and product keys (a product key has a digit and a capital)."""
    if not _has_groups(text):
        return []  # neither has five characters, a dash and five more
    out = [(found.start(), found.end(), "recovery-key") for found in _BITLOCKER.finditer(text)]
    for found in _PRODUCT_KEY.finditer(text):
        key = found.group()
        if any(c.isdigit() for c in key) and any(c.isalpha() for c in key):
            out.append((found.start(), found.end(), "product-key"))
    return out


_GROUPS = LazyRegex(r"[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}|\d{6}-\d{6}-\d{6}")
# the first dash of a match of _GROUPS and what follows it: searched for from the dash
_GROUPS_DASH = LazyRegex(r"-(?:[A-Z0-9]{5}-[A-Z0-9]{5}|\d{6}-\d{6})")


def _has_groups(text: str) -> bool:
    """Whether _GROUPS.search(text) finds a match: one starts 5 or 6 characters before a dash
    _GROUPS_DASH finds."""
    found = _GROUPS_DASH.search(text)
    while found is not None:
        at = found.start()
        if (at >= 5 and _GROUPS.match(text, at - 5) is not None) or (
            at >= 6 and _GROUPS.match(text, at - 6) is not None
        ):
            return True
        found = _GROUPS_DASH.search(text, at + 1)
    return False


def block_spans(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for found in _BLOCK.finditer(text):
        label = found.group(1).upper()
        if (
            "PUBLIC" in label
            or "CERTIFICATE" in label
            or not ("KEY" in label or "SECRET" in label or "LICENSE" in label)
        ):
            continue
        if found.end(2) > found.start(2):
            out.append((found.start(2), found.end(2), "private-key"))
    return out


def untrusted_comment_spans(text: str) -> list[tuple[int, int, str]]:
    return [(found.start(1), found.end(1), "minisign-secret-key") for found in _UNTRUSTED.finditer(text)]


def byte_array_spans(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for found in _BYTES.finditer(text):
        numbers = [int(part) for part in found.group(1).replace(" ", "").replace("\n", "").split(",") if part.strip()]
        if len(numbers) in (32, 64) and max(numbers) <= 255 and len(set(numbers)) >= 16:
            out.append((found.start(1), found.end(1), "key-bytes"))
    return out


_READ_COMMANDS = ("cat ", "type ", "more ", "less ", "head ", "tail ", "bat", "get-content", "gc ", "xxd", "od ",
                  "strings ", "base64")  # fmt: skip
_READ_NAMES_OF_COMMANDS = ("cat", "type", "more", "less", "head", "tail", "bat", "get-content", "gc", "xxd", "od",
                           "strings", "base64")  # fmt: skip
_READ_NAMES = ("key", ".pem", ".p8", "secret", "credential", "creds", "token", "passw", "auth", "recovery",
               "backup", "id_")  # fmt: skip


def key_file_spans(text: str, lowered: str | None = None) -> list[tuple[int, int, str]]:
    lowered = text.lower() if lowered is None else lowered
    out: list[tuple[int, int, str]] = []
    if not any(name in lowered for name in _READ_NAMES) or not any(c in lowered for c in _READ_COMMANDS):
        return out
    # a match starts at its command's name or the character before it
    reads = matches_at(_READ, text, places(lowered, _READ_NAMES_OF_COMMANDS, 1)) if plain_case(text) else None
    for found in _READ.finditer(text) if reads is None else reads:
        if found.group(1).lower().endswith((".pub", ".crt", ".cer", "_pub.pem", ".pub.pem")):
            continue  # a public key or a certificate
        position = found.end()
        for _ in range(40):  # the file's lines, up to a prompt or a blank line
            line_end = text.find("\n", position)
            line_end = len(text) if line_end < 0 else line_end
            line = text[position:line_end]
            if not line.strip() or line.lstrip().startswith(_PROMPT):
                break
            for word in _WORD.finditer(line):
                if random_token(word.group(), 12) or _code_like(word.group()):
                    out.append((position + word.start(), position + word.end(), "key-file"))
            position = line_end + 1
            if position >= len(text):
                break
    return out


def _code_like(word: str) -> bool:
    """A password or a recovery code on a line of a file named for them: letters and digits
    mixed, eight or more (`c4eab-f34e0`, `0XSA63fAMWVW2N`)."""
    digits = sum(c.isdigit() for c in word)
    letters = sum(c.isalpha() for c in word)
    return digits >= 2 and letters >= 2 and "/" not in word and "." not in word
